namespace Distroless.Cli.Output;

/// <summary>
/// Wraps every response body in a stream that reports to a <see cref="TransferMeter"/>. Used for
/// the Debian archive, whose HttpClient the host owns (the core creates registry clients itself).
/// </summary>
internal sealed class MeteredHandler(HttpMessageHandler inner, TransferMeter meter, bool ownsInner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content is not { } content)
        {
            return response;
        }

        var body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var metered = new StreamContent(new MeteredStream(body, meter.Start(content.Headers.ContentLength)));
        foreach (var header in content.Headers)
        {
            metered.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = metered;
        return response;
    }

    protected override void Dispose(bool disposing)
    {
        // A handler the host was given (a test's fake) belongs to whoever gave it.
        if (ownsInner)
        {
            base.Dispose(disposing);
        }
    }

    private sealed class MeteredStream(Stream inner, TransferMeter.Transfer transfer) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => transfer.Done; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count), count);

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer), buffer.Length);

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false), count);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

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
                transfer.Finish();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read, int requested)
        {
            if (read > 0)
            {
                transfer.Add(read);
            }
            else if (requested > 0)
            {
                transfer.Finish();
            }

            return read;
        }
    }
}
