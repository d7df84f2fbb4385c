using System.Globalization;
using System.Text;

namespace Distroless.Debian;

/// <summary>
/// Reads the members of a Unix <c>ar</c> archive in order (the container format of a .deb):
/// the <c>!&lt;arch&gt;\n</c> magic, then per member a 60-byte header (name, mtime, uid, gid,
/// mode, decimal size, <c>`\n</c>) and the data, padded to an even length.
/// </summary>
public sealed class ArReader
{
    private static readonly byte[] Magic = "!<arch>\n"u8.ToArray();
    private readonly Stream _stream;
    private long _remaining;
    private bool _padding;

    public ArReader(Stream stream)
    {
        _stream = stream;
        Span<byte> magic = stackalloc byte[8];
        if (!TryReadExactly(magic) || !magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException("not an ar archive (bad magic)");
        }
    }

    /// <summary>Moves to the next member; returns its name and size, or null at the end.</summary>
    public (string Name, long Size)? Next()
    {
        Skip(_remaining + (_padding ? 1 : 0));
        Span<byte> header = stackalloc byte[60];
        var first = _stream.ReadByte();
        if (first < 0)
        {
            return null;
        }

        header[0] = (byte)first;
        if (!TryReadExactly(header[1..]))
        {
            throw new InvalidDataException("truncated ar member header");
        }

        if (header[58] != (byte)'`' || header[59] != (byte)'\n')
        {
            throw new InvalidDataException("bad ar member header terminator");
        }

        var name = Encoding.ASCII.GetString(header[..16]).TrimEnd(' ').TrimEnd('/');
        var sizeText = Encoding.ASCII.GetString(header.Slice(48, 10)).Trim();
        if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new InvalidDataException($"bad ar member size \"{sizeText}\"");
        }

        _remaining = size;
        _padding = size % 2 == 1;
        return (name, size);
    }

    /// <summary>A stream over the current member's data; read it before calling <see cref="Next"/>.</summary>
    public Stream OpenMember() => new MemberStream(this);

    private void Skip(long count)
    {
        if (count <= 0)
        {
            return;
        }

        if (_stream.CanSeek)
        {
            // Seeking past the end succeeds silently; a member cut short must not read as the end.
            if (_stream.Position + count > _stream.Length)
            {
                throw new InvalidDataException("truncated ar member");
            }

            _stream.Seek(count, SeekOrigin.Current);
        }
        else
        {
            var buffer = new byte[(int)Math.Min(count, 81920)];
            while (count > 0)
            {
                var n = _stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
                if (n == 0)
                {
                    throw new InvalidDataException("truncated ar member");
                }

                count -= n;
            }
        }

        _remaining = 0;
        _padding = false;
    }

    private bool TryReadExactly(Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = _stream.Read(buffer[read..]);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    private sealed class MemberStream(ArReader owner) : Stream
    {
        public override int Read(Span<byte> buffer)
        {
            if (owner._remaining <= 0 || buffer.IsEmpty)
            {
                return 0;
            }

            var n = owner._stream.Read(buffer[..(int)Math.Min(buffer.Length, owner._remaining)]);
            if (n == 0)
            {
                throw new InvalidDataException("truncated ar member data");
            }

            owner._remaining -= n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
