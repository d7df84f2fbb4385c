using System.Globalization;
using System.Text;

namespace Distroless.Tar;

/// <summary>
/// Writes POSIX ustar entries whose bytes depend only on the headers and contents given:
/// no user or group names, no device numbers, no access or change times, and a PAX record
/// (with a name derived from the entry, never a process id) only where ustar cannot hold a
/// path or link target. The archive ends with the two zero blocks and no record padding.
/// </summary>
public sealed class ReproducibleTarWriter : IDisposable
{
    private const int Block = 512;
    private static readonly byte[] Zeros = new byte[Block * 2];

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte[] _header = new byte[Block];
    private bool _finished;

    public ReproducibleTarWriter(Stream output, bool leaveOpen = false)
    {
        _output = output;
        _leaveOpen = leaveOpen;
    }

    public void WriteEntry(TarHeader header, Stream? content = null)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (header.Type == TarEntryType.File && header.Size > 0 && content is null)
        {
            throw new ArgumentException($"{header.Path}: a regular file of {header.Size} bytes needs content");
        }

        var name = header.Type == TarEntryType.Directory ? header.Path.TrimEnd('/') + "/" : header.Path;
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var linkBytes = header.LinkTarget is null ? [] : Encoding.UTF8.GetBytes(header.LinkTarget);

        var split = SplitUstarName(nameBytes);
        var pax = new List<(string Key, byte[] Value)>();
        if (split is null)
        {
            pax.Add(("path", nameBytes));
        }

        if (linkBytes.Length > 100)
        {
            pax.Add(("linkpath", linkBytes));
        }

        if (pax.Count > 0)
        {
            WritePaxHeader(header, pax);
        }

        var (prefix, shortName) = split ?? ([], Truncate(nameBytes, 100));
        WriteHeader(header, shortName, prefix, linkBytes.Length > 100 ? Truncate(linkBytes, 100) : linkBytes);

        if (header.Type == TarEntryType.File && header.Size > 0)
        {
            CopyExactly(content!, header.Size, header.Path);
            Pad(header.Size);
        }
    }

    /// <summary>Writes the end-of-archive marker. Called by <see cref="Dispose"/> too.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _output.Write(Zeros);
        _finished = true;
    }

    public void Dispose()
    {
        Finish();
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }

    private void WritePaxHeader(TarHeader entry, List<(string Key, byte[] Value)> records)
    {
        var body = new MemoryStream();
        foreach (var (key, value) in records)
        {
            // "<len> <key>=<value>\n" where <len> counts itself.
            var rest = Encoding.UTF8.GetByteCount(key) + value.Length + 3;
            var length = rest + Digits(rest);
            if (Digits(length) != Digits(rest))
            {
                length++;
            }

            body.Write(Encoding.ASCII.GetBytes($"{length} {key}="));
            body.Write(value);
            body.WriteByte((byte)'\n');
        }

        var paxName = Truncate(Encoding.UTF8.GetBytes("PaxHeaders/" + LastSegment(entry.Path)), 100);
        var paxHeader = new TarHeader("", TarEntryType.File, 0x1a4, 0, 0, entry.ModificationTime) { Size = body.Length };
        WriteHeader(paxHeader, paxName, [], [], typeFlag: (byte)'x');
        body.Position = 0;
        body.CopyTo(_output);
        Pad(body.Length);
    }

    private void WriteHeader(TarHeader entry, byte[] name, byte[] prefix, byte[] link, byte? typeFlag = null)
    {
        var h = _header;
        Array.Clear(h);
        name.CopyTo(h, 0);
        WriteOctal(h.AsSpan(100, 8), entry.Mode & 0xfff);
        WriteOctal(h.AsSpan(108, 8), entry.Uid);
        WriteOctal(h.AsSpan(116, 8), entry.Gid);
        WriteSize(h.AsSpan(124, 12), entry.Type == TarEntryType.File || typeFlag is not null ? entry.Size : 0);
        WriteOctal(h.AsSpan(136, 12), entry.ModificationTime);
        h.AsSpan(148, 8).Fill((byte)' ');
        h[156] = typeFlag ?? entry.Type switch
        {
            TarEntryType.File => (byte)'0',
            TarEntryType.Hardlink => (byte)'1',
            TarEntryType.Symlink => (byte)'2',
            TarEntryType.Directory => (byte)'5',
            _ => throw new ArgumentOutOfRangeException(nameof(entry)),
        };
        link.CopyTo(h, 157);
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        WriteOctal(h.AsSpan(329, 8), 0);
        WriteOctal(h.AsSpan(337, 8), 0);
        prefix.CopyTo(h, 345);

        var checksum = 0;
        foreach (var b in h)
        {
            checksum += b;
        }

        // Six octal digits, NUL, space: what GNU tar and every reader expect.
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0')).CopyTo(h, 148);
        h[154] = 0;
        h[155] = (byte)' ';
        _output.Write(h);
    }

    /// <summary>Splits a name into ustar prefix (≤155) and name (≤100) at a '/', or null if impossible.</summary>
    private static (byte[] Prefix, byte[] Name)? SplitUstarName(byte[] name)
    {
        if (name.Length <= 100)
        {
            return ([], name);
        }

        // A trailing '/' (directories) stays with the name part.
        var searchEnd = name[^1] == (byte)'/' ? name.Length - 2 : name.Length - 1;
        for (var i = Math.Min(searchEnd, 155); i > 0; i--)
        {
            if (name[i] == (byte)'/' && name.Length - i - 1 <= 100 && name.Length - i - 1 > 0)
            {
                return (name[..i], name[(i + 1)..]);
            }
        }

        return null;
    }

    private static void WriteOctal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        if (digits.Length > field.Length - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "does not fit a tar header field");
        }

        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }

    private static void WriteSize(Span<byte> field, long size)
    {
        if (size < 8L * 1024 * 1024 * 1024)
        {
            WriteOctal(field, size);
            return;
        }

        // GNU base-256 for sizes of 8 GiB and more.
        field.Clear();
        field[0] = 0x80;
        for (var i = field.Length - 1; i > 0 && size > 0; i--, size >>= 8)
        {
            field[i] = (byte)(size & 0xff);
        }
    }

    private void CopyExactly(Stream content, long size, string path)
    {
        var buffer = new byte[81920];
        var remaining = size;
        while (remaining > 0)
        {
            var n = content.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (n == 0)
            {
                throw new IOException($"{path}: content ended {remaining} bytes before its declared size");
            }

            _output.Write(buffer, 0, n);
            remaining -= n;
        }
    }

    private void Pad(long size)
    {
        var rest = (int)(size % Block);
        if (rest != 0)
        {
            _output.Write(Zeros, 0, Block - rest);
        }
    }

    private static byte[] Truncate(byte[] value, int max) => value.Length <= max ? value : value[..max];

    private static string LastSegment(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? trimmed : trimmed[(slash + 1)..];
    }

    private static int Digits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;
}
