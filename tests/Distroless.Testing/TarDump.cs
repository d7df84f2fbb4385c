using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Distroless.Testing;

/// <summary>
/// Renders a tar as a line-per-entry, path-sorted (ordinal) golden text for exact assertions:
/// <c>usr/lib/x: file 0644 0:0 mtime=0 sha256=0123456789ab</c>, <c>usr/: dir 0755 0:0 mtime=0</c>,
/// <c>usr/lib/y: symlink 0777 0:0 mtime=0 -> x</c>. Read with System.Formats.Tar, not the
/// product's writer; gzip input is detected and decompressed.
/// </summary>
public static class TarDump
{
    public static string Render(byte[] tar) => Render(new MemoryStream(tar, writable: false));

    public static string Render(Stream tar) => string.Join("\n", Lines(tar)) + "\n";

    public static IReadOnlyList<string> Lines(Stream tar)
    {
        var input = tar.CanSeek ? tar : Buffer(tar);
        var first = input.ReadByte();
        var second = input.ReadByte();
        input.Position = 0;
        var data = first == 0x1f && second == 0x8b ? new GZipStream(input, CompressionMode.Decompress, leaveOpen: true) : input;

        var lines = new List<(string Name, string Line)>();
        using var reader = new TarReader(data, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            lines.Add((entry.Name, Line(entry)));
        }

        return lines.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => l.Line).ToList();
    }

    public static string Line(TarEntry entry)
    {
        var mode = Convert.ToString((int)entry.Mode, 8).PadLeft(4, '0');
        var common = string.Create(CultureInfo.InvariantCulture,
            $"{mode} {entry.Uid}:{entry.Gid} mtime={entry.ModificationTime.ToUnixTimeSeconds()}");
        return entry.EntryType switch
        {
            TarEntryType.RegularFile or TarEntryType.V7RegularFile => $"{entry.Name}: file {common} sha256={ContentHash(entry)}",
            TarEntryType.Directory => $"{entry.Name}: dir {common}",
            TarEntryType.SymbolicLink => $"{entry.Name}: symlink {common} -> {entry.LinkName}",
            TarEntryType.HardLink => $"{entry.Name}: hardlink {common} -> {entry.LinkName}",
            var other => $"{entry.Name}: {other} {common}",
        };
    }

    private static string ContentHash(TarEntry entry)
    {
        var hash = entry.DataStream is null ? SHA256.HashData([]) : SHA256.HashData(entry.DataStream);
        return Convert.ToHexStringLower(hash)[..12];
    }

    private static MemoryStream Buffer(Stream stream)
    {
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        buffer.Position = 0;
        return buffer;
    }
}
