using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Distroless.Testing;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>
/// A .NET single-file bundle as the SDK's bundler writes one (format 6): an apphost whose data
/// holds the 8-byte manifest offset and the 32-byte bundle marker, the embedded files, then the
/// manifest (version, file count, bundle id, deps.json and runtimeconfig.json locations, flags,
/// and per file: offset, size, compressed size, type, path).
/// </summary>
internal static class FakeBundle
{
    public static readonly byte[] Marker =
    [
        0x8b, 0x12, 0x02, 0xb9, 0x6a, 0x61, 0x20, 0x38, 0x72, 0x7b, 0x93, 0x02, 0x14, 0xd7, 0xa0, 0x32,
        0x13, 0xf5, 0xb9, 0xe6, 0xef, 0xae, 0x33, 0x18, 0xee, 0x3b, 0x2d, 0xce, 0x24, 0xb3, 0x6a, 0xae,
    ];

    /// <summary>(path, content, type: 1 assembly, 2 native; compressed with deflate or stored).</summary>
    public static byte[] Create(params (string Path, byte[] Content, byte Type, bool Compress)[] files)
    {
        var apphost = new ElfBuilder { Interpreter = "/lib64/ld-linux-x86-64.so.2", Needed = ["libc.so.6"], Trailer = [.. new byte[8], .. Marker] }.Build();
        var output = new MemoryStream();
        output.Write(apphost);
        var entries = new List<(long Offset, long Size, long Compressed, byte Type, string Path)>();
        foreach (var (path, content, type, compress) in files)
        {
            var offset = output.Position;
            if (compress)
            {
                using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
                {
                    deflate.Write(content);
                }

                entries.Add((offset, content.Length, output.Position - offset, type, path));
            }
            else
            {
                output.Write(content);
                entries.Add((offset, content.Length, 0, type, path));
            }
        }

        var manifest = output.Position;
        using (var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(6u);
            writer.Write(0u);
            writer.Write(entries.Count);
            writer.Write("bundle-id");
            for (var i = 0; i < 5; i++)
            {
                writer.Write(0L);
            }

            foreach (var (offset, size, compressed, type, path) in entries)
            {
                writer.Write(offset);
                writer.Write(size);
                writer.Write(compressed);
                writer.Write(type);
                writer.Write(path);
            }
        }

        var bytes = output.ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(apphost.Length - Marker.Length - 8), manifest);
        return bytes;
    }
}
