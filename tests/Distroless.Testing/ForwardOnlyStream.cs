namespace Distroless.Testing;

/// <summary>
/// A read-only, non-seekable view of a stream that returns at most <paramref name="maxRead"/>
/// bytes per read, like a network response: code under test must not rely on Seek, Length
/// or full reads.
/// </summary>
public sealed class ForwardOnlyStream(Stream inner, int maxRead = int.MaxValue) : Stream
{
    public ForwardOnlyStream(byte[] content, int maxRead = int.MaxValue)
        : this(new MemoryStream(content, writable: false), maxRead)
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, maxRead));

    public override int Read(Span<byte> buffer) => inner.Read(buffer[..Math.Min(buffer.Length, maxRead)]);

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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
