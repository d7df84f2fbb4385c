using System.IO.Compression;
using Distroless.Compression;

namespace Distroless.Testing;

/// <summary>
/// Compresses test data the way Debian's tools do, independently of the code under test:
/// gzip through the BCL, xz through the <c>xz</c> command (xz-utils is on every Debian
/// machine), zstd through ZstdSharp.
/// </summary>
public static class TestCompression
{
    public static string Extension(CompressionFormat format) => format switch
    {
        CompressionFormat.None => "",
        CompressionFormat.Gzip => ".gz",
        CompressionFormat.Xz => ".xz",
        CompressionFormat.Zstd => ".zst",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static byte[] Compress(byte[] data, CompressionFormat format) => format switch
    {
        CompressionFormat.None => data,
        CompressionFormat.Gzip => Gzip(data),
        CompressionFormat.Xz => Xz(data),
        CompressionFormat.Zstd => Zstd(data),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Runs <c>xz -c -6</c>; xz-utils is a required package of every Debian system.</summary>
    public static byte[] Xz(byte[] data) => ExternalTool.RunChecked("xz", ["-c", "-6", "-T1"], data);

    public static byte[] Zstd(byte[] data)
    {
        using var compressor = new ZstdSharp.Compressor(19);
        return compressor.Wrap(data).ToArray();
    }
}
