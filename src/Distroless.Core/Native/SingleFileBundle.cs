using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Distroless.Native;

/// <summary>
/// The native libraries inside a .NET single-file bundle (PublishSingleFile with
/// IncludeNativeLibrariesForSelfExtract): the apphost carries a 32-byte marker preceded by the
/// offset of the bundle manifest (zero in a plain apphost); the manifest lists every embedded
/// file with its offset, size, compressed size (deflate, from format 6) and type. At start-up
/// the host extracts the native ones to disk and the loader resolves their DT_NEEDED there, so
/// the image must satisfy them like any other library's.
/// </summary>
public static class SingleFileBundle
{
    private const byte NativeBinary = 2;

    // The marker the SDK's bundler looks for in the apphost (Microsoft.NET.HostModel).
    private static readonly byte[] Marker =
    [
        0x8b, 0x12, 0x02, 0xb9, 0x6a, 0x61, 0x20, 0x38, 0x72, 0x7b, 0x93, 0x02, 0x14, 0xd7, 0xa0, 0x32,
        0x13, 0xf5, 0xb9, 0xe6, 0xef, 0xae, 0x33, 0x18, 0xee, 0x3b, 0x2d, 0xce, 0x24, 0xb3, 0x6a, 0xae,
    ];

    /// <summary>The embedded native files (relative path, content); empty when the file is no bundle.</summary>
    public static IEnumerable<(string RelativePath, byte[] Content)> NativeFiles(Stream file)
    {
        var manifest = FindManifest(file);
        if (manifest is not { } offset)
        {
            yield break;
        }

        var entries = ReadEntries(file, offset);
        foreach (var entry in entries.Where(e => e.Type == NativeBinary))
        {
            yield return (entry.Path, ReadContent(file, entry));
        }
    }

    private sealed record Entry(long Offset, long Size, long CompressedSize, byte Type, string Path);

    /// <summary>
    /// The marker sits in the apphost's data, within its first megabytes: the file is searched
    /// block by block (with an overlap for a marker across blocks) until it is found, and only
    /// up to where an apphost can end.
    /// </summary>
    private static long? FindManifest(Stream file)
    {
        const int block = 1 << 20;
        const long apphostLimit = 64L << 20;
        var buffer = new byte[block + Marker.Length + 8];
        long position = 0;
        var carried = 0;
        while (position < Math.Min(file.Length, apphostLimit))
        {
            file.Position = position;
            var read = file.ReadAtLeast(buffer.AsSpan(carried, block), block, throwOnEndOfStream: false);
            var span = buffer.AsSpan(0, carried + read);
            var at = span.IndexOf(Marker);
            if (at >= 8)
            {
                var offset = BinaryPrimitives.ReadInt64LittleEndian(span[(at - 8)..]);
                return offset > 0 && offset < file.Length ? offset : null;
            }

            if (read < block)
            {
                return null;
            }

            // Keep the tail: a marker (and the offset before it) may straddle the blocks.
            carried = Marker.Length + 8;
            span[^carried..].CopyTo(buffer);
            position += read;
        }

        return null;
    }

    private static List<Entry> ReadEntries(Stream file, long offset)
    {
        file.Position = offset;
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        var major = reader.ReadUInt32();
        reader.ReadUInt32();
        var count = reader.ReadInt32();
        reader.ReadString(); // bundle id
        if (major >= 2)
        {
            // deps.json and runtimeconfig.json offsets and sizes, and the flags.
            reader.ReadBytes(8 * 5);
        }

        var entries = new List<Entry>(Math.Clamp(count, 0, 100_000));
        for (var i = 0; i < count; i++)
        {
            var entryOffset = reader.ReadInt64();
            var size = reader.ReadInt64();
            var compressed = major >= 6 ? reader.ReadInt64() : 0;
            var type = reader.ReadByte();
            entries.Add(new Entry(entryOffset, size, compressed, type, reader.ReadString().Replace('\\', '/')));
        }

        return entries;
    }

    private static byte[] ReadContent(Stream file, Entry entry)
    {
        file.Position = entry.Offset;
        var stored = new byte[entry.CompressedSize > 0 ? entry.CompressedSize : entry.Size];
        file.ReadExactly(stored);
        if (entry.CompressedSize == 0)
        {
            return stored;
        }

        using var inflate = new DeflateStream(new MemoryStream(stored), CompressionMode.Decompress);
        var content = new byte[entry.Size];
        inflate.ReadExactly(content);
        return content;
    }
}
