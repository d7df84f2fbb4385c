namespace Distroless.IO;

/// <summary>
/// A read-only pass-through that tells a <see cref="TransferReporter"/> how far reading has got:
/// every read adds to the count, and positioning the stream (the start of a chunk, a retry
/// resuming at the offset the registry holds) sets it. It seeks when the inner stream does, so
/// HTTP content around it keeps its Content-Length and can rewind.
/// </summary>
internal sealed class ProgressStream : Stream
{
    private readonly Stream _inner;
    private readonly TransferReporter _reporter;
    private long _done;

    public ProgressStream(Stream inner, TransferReporter reporter)
    {
        _inner = inner;
        _reporter = reporter;
        _done = inner.CanSeek ? inner.Position : 0;
    }

    public override bool CanRead => true;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.CanSeek ? _inner.Position : _done;
        set => Restart(_inner.Position = value);
    }

    public override long Seek(long offset, SeekOrigin origin) => Restart(_inner.Seek(offset, origin));

    public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count), count);

    public override int Read(Span<byte> buffer) => Count(_inner.Read(buffer), buffer.Length);

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Count(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false), count);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Count(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private long Restart(long position)
    {
        _done = position;
        _reporter.Report(position, restart: true);
        return position;
    }

    private int Count(int read, int requested)
    {
        if (read > 0)
        {
            _done += read;
            _reporter.Report(_done);
        }
        else if (requested > 0)
        {
            // The end: an empty item gets its one report here.
            _reporter.Report(_done);
        }

        return read;
    }
}
