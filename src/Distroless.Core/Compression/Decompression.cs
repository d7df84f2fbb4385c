using System.IO.Compression;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Distroless.Compression;

public enum CompressionFormat
{
    None,
    Gzip,
    Xz,
    Zstd,
}

/// <summary>Opens decompressing streams for the formats Debian uses in indexes and .deb members.</summary>
public static class Decompression
{
    public static CompressionFormat FormatOf(string fileName) => Path.GetExtension(fileName) switch
    {
        ".gz" => CompressionFormat.Gzip,
        ".xz" => CompressionFormat.Xz,
        ".zst" => CompressionFormat.Zstd,
        "" or ".tar" => CompressionFormat.None,
        var other => throw new NotSupportedException($"\"{fileName}\": {other} compression is not supported"),
    };

    /// <summary>How a layer of the given media type (OCI or Docker, "…tar+gzip", "….tar.gzip", "…+zstd") is compressed.</summary>
    public static CompressionFormat FormatOfMediaType(string mediaType)
        => mediaType.EndsWith("gzip", StringComparison.Ordinal) ? CompressionFormat.Gzip
            : mediaType.EndsWith("zstd", StringComparison.Ordinal) ? CompressionFormat.Zstd
            : CompressionFormat.None;

    /// <summary>Decompresses <paramref name="compressed"/>; .xz uses the system liblzma when it loads (faster) unless <paramref name="preferNative"/> is false.</summary>
    public static Stream Open(Stream compressed, CompressionFormat format, bool leaveOpen = false, bool preferNative = true)
        => format switch
        {
            CompressionFormat.None => leaveOpen ? new ForwardReadStream(compressed, leaveOpen: true) : compressed,
            CompressionFormat.Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen),
            CompressionFormat.Xz => (preferNative ? NativeXzStream.TryCreate(compressed, leaveOpen) : null)
                ?? new XZStream(new ForwardReadStream(compressed, leaveOpen)),
            CompressionFormat.Zstd => new DecompressionStream(compressed, leaveOpen: leaveOpen),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

    /// <summary>Whether .xz decoding uses the native liblzma on this machine.</summary>
    public static bool NativeXzAvailable => NativeXzStream.IsAvailable;

    /// <summary>
    /// A read-only view whose Position counts the bytes read: SharpCompress's XZStream reads
    /// Position (block padding), which an ar member or a download cannot give. The inner stream
    /// is disposed only when <paramref name="leaveOpen"/> is false.
    /// </summary>
    private sealed class ForwardReadStream(Stream inner, bool leaveOpen) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            _position += n;
            return n;
        }

        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
