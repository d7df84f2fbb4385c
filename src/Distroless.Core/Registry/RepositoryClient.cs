using System.Net;
using System.Net.Http.Headers;
using Distroless.Diagnostics;
using Distroless.Oci;

namespace Distroless.Registry;

/// <summary>
/// The distribution API for one repository: blob existence, cross-repository mount, monolithic
/// and chunked uploads, manifests. One small method per endpoint; retries and authorization
/// live in <see cref="RegistryTransport"/>, the push order in <see cref="ImagePusher"/>.
/// </summary>
public sealed class RepositoryClient
{
    public static readonly string[] ManifestMediaTypes =
    [
        MediaTypes.ImageManifest, MediaTypes.ImageIndex,
        "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
    ];

    private readonly RegistryTransport _transport;

    public RepositoryClient(RegistryTransport transport, string repository, IEnumerable<string>? pullFrom = null)
    {
        _transport = transport;
        Repository = repository;
        PushScope = string.Join(' ', new[] { $"repository:{repository}:pull,push" }
            .Concat((pullFrom ?? []).Where(r => r != repository).Distinct().Select(r => $"repository:{r}:pull")));
        PullScope = $"repository:{repository}:pull";
    }

    public string Repository { get; }

    public string Registry => _transport.Registry;

    public RegistryOptions Options => _transport.Options;

    /// <summary>One scope for everything a push does (mount sources included), so one token serves all requests.</summary>
    public string PushScope { get; }

    public string PullScope { get; }

    private string Path(string rest) => $"v2/{Repository}/{rest}";

    public async Task<bool> BlobExistsAsync(Digest digest, string scope, CancellationToken ct)
    {
        using var response = await _transport.SendAsync(b => new HttpRequestMessage(HttpMethod.Head, new Uri(b, Path($"blobs/{digest}"))),
            scope, $"the check for blob {digest.Short}", ct: ct).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw Rejected($"the check for blob {digest.Short}", response),
        };
    }

    /// <summary>
    /// Asks the registry to link a blob it already has in <paramref name="from"/>: true when
    /// mounted; otherwise the upload session it opened instead (202), to upload into.
    /// </summary>
    public async Task<(bool Mounted, Uri? Upload)> MountBlobAsync(Digest digest, string from, CancellationToken ct)
    {
        using var response = await _transport.SendAsync(
            b => new HttpRequestMessage(HttpMethod.Post, new Uri(b, Path($"blobs/uploads/?mount={digest}&from={Uri.EscapeDataString(from)}"))),
            PushScope, $"the mount of blob {digest.Short}", ct: ct).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.Created => (true, null),
            HttpStatusCode.Accepted => (false, Location(response)),
            _ => throw Rejected($"the mount of blob {digest.Short}", response),
        };
    }

    public async Task<Uri> StartUploadAsync(CancellationToken ct)
    {
        using var response = await _transport.SendAsync(b => new HttpRequestMessage(HttpMethod.Post, new Uri(b, Path("blobs/uploads/"))),
            PushScope, "starting an upload", ct: ct).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Accepted ? Location(response) : throw Rejected("starting an upload", response);
    }

    /// <summary>
    /// Completes an upload session with a PUT that carries the rest of the blob (all of a small
    /// blob: 3 requests in all) or nothing (after chunks). False when it failed in a way worth
    /// retrying (a broken connection, 5xx, 429); a real rejection throws.
    /// </summary>
    public async Task<bool> CompleteUploadAsync(Uri upload, Descriptor blob, Func<Stream>? content, CancellationToken ct)
    {
        var operation = $"the upload of blob {blob.Digest.Short}";
        using var response = await SendOnceAsync(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, WithDigest(upload, blob.Digest));
            request.Content = content is null ? new ByteArrayContent([]) : new StreamContent(content());
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return request;
        }, operation, ct).ConfigureAwait(false);
        if (response is null)
        {
            return false;
        }

        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw Rejected(operation, response);
        }

        CheckDigest(response, blob.Digest, "blob");
        return true;
    }

    /// <summary>
    /// Sends bytes [<paramref name="offset"/>, offset + length) of a chunked upload; returns the
    /// session's next location, or null when the attempt failed in a way worth resuming from
    /// the registry's offset (a broken connection, 5xx, 429).
    /// </summary>
    public async Task<Uri?> PatchChunkAsync(Uri upload, Func<Stream> content, long offset, int length, CancellationToken ct)
    {
        using var response = await SendOnceAsync(_ =>
        {
            var stream = content();
            stream.Position = offset;
            var request = new HttpRequestMessage(HttpMethod.Patch, upload)
            {
                Content = new StreamContent(new BoundedStream(stream, length)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Content.Headers.ContentLength = length;
            request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
            return request;
        }, "a chunk upload", ct).ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        return response.StatusCode == HttpStatusCode.Accepted ? Location(response) : throw Rejected("a chunk upload", response);
    }

    /// <summary>One attempt; null when it failed transiently (the caller decides how to go on).</summary>
    private async Task<HttpResponseMessage?> SendOnceAsync(Func<Uri, HttpRequestMessage> create, string operation, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _transport.SendAsync(create, PushScope, operation, retry: false, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RegistryTransport.IsConnectionFailure(e, ct))
        {
            LastFailure = e.Message;
            return null;
        }

        if (RetryPolicy.IsTransient(response.StatusCode))
        {
            LastFailure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            response.Dispose();
            return null;
        }

        return response;
    }

    /// <summary>What the last transient upload failure was, for the final error message.</summary>
    public string LastFailure { get; private set; } = "";

    /// <summary>Where an interrupted upload stands: the next byte the registry expects, and the session's location.</summary>
    public async Task<(long Next, Uri Upload)?> UploadStatusAsync(Uri upload, CancellationToken ct)
    {
        using var response = await _transport.SendAsync(_ => new HttpRequestMessage(HttpMethod.Get, upload),
            PushScope, "an upload status check", ct: ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw Rejected("an upload status check", response);
        }

        // "Range: 0-<last byte received>"; "0-0" can also mean nothing yet, so trust only "-N" > 0.
        var range = response.Headers.TryGetValues("Range", out var values) ? values.First() : "0-0";
        var end = long.TryParse(range[(range.IndexOf('-') + 1)..], out var last) ? last : 0;
        return (end > 0 ? end + 1 : 0, response.Headers.Location is null ? upload : Location(response));
    }

    /// <summary>The digest a tag points at, or null when the tag does not exist.</summary>
    public async Task<Digest?> ManifestDigestAsync(string reference, string scope, CancellationToken ct)
    {
        using var response = await _transport.SendAsync(b =>
        {
            var request = new HttpRequestMessage(HttpMethod.Head, new Uri(b, Path($"manifests/{reference}")));
            foreach (var type in ManifestMediaTypes)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            return request;
        }, scope, $"the check for manifest {reference}", ct: ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Rejected($"the check for manifest {reference}", response);
        }

        return response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.First(), out var digest)
            ? digest
            : null;
    }

    /// <summary>
    /// Stores a manifest under a tag or digest. Returns whether the registry processed a
    /// <c>subject</c> field (it answers with an OCI-Subject header); registries without the
    /// referrers API store the manifest but leave the referrers tag schema to the client.
    /// </summary>
    public async Task<bool> PutManifestAsync(string reference, byte[] manifest, string mediaType, CancellationToken ct)
    {
        var expected = Digest.Compute(manifest);
        using var response = await _transport.SendAsync(b =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, new Uri(b, Path($"manifests/{reference}")))
            {
                Content = new ByteArrayContent(manifest),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return request;
        }, PushScope, $"the manifest {reference}", ct: ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw Rejected($"the manifest {reference}", response);
        }

        CheckDigest(response, expected, "the manifest");
        return response.Headers.Contains("OCI-Subject");
    }

    /// <summary>A manifest (or index) by tag or digest: bytes, media type, digest of the bytes.</summary>
    public async Task<(byte[] Content, string MediaType, Digest Digest)?> GetManifestAsync(string reference, CancellationToken ct, string? scope = null)
    {
        using var response = await _transport.SendAsync(b =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(b, Path($"manifests/{reference}")));
            foreach (var type in ManifestMediaTypes)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            return request;
        }, scope ?? PullScope, $"the manifest {reference}", ct: ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Rejected($"the manifest {reference}", response);
        }

        var content = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? MediaTypes.ImageManifest;
        var digest = Digest.Compute(content);
        // By tag nothing else vouches for the bytes: the registry's own digest for them must agree.
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values)
            && Digest.TryParse(values.First(), out var sent) && sent != digest)
        {
            var named = Repository + (Digest.TryParse(reference, out _) ? "@" : ":") + reference;
            throw Errors.FetchedManifestDigestMismatch(Registry, named, sent.ToString(), digest.ToString());
        }

        return (content, mediaType, digest);
    }

    /// <summary>
    /// The referrers index of a manifest from the OCI 1.1 referrers API; null when the registry
    /// has no such API (404, or any other refusal: then the referrers tag schema is the fallback).
    /// </summary>
    public async Task<byte[]?> GetReferrersAsync(Digest subject, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _transport.SendAsync(b =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(b, Path($"referrers/{subject}")));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.ImageIndex));
                return request;
            }, PullScope, $"the referrers of {subject.Short}", ct: ct).ConfigureAwait(false);
        }
        catch (DistrolessException e) when (e.Code == DiagnosticCodes.RegistryAuthenticationFailed)
        {
            // Some registries guard routes they do not have as if they were forbidden; the tag
            // schema's manifest request then says whether the credentials really are refused.
            return null;
        }

        using var _ = response;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        return response.StatusCode == HttpStatusCode.OK && mediaType == MediaTypes.ImageIndex
            ? await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false)
            : null;
    }

    /// <summary>Streams a blob into <paramref name="consume"/> (registries may redirect to storage; that is followed).</summary>
    public async Task<T> GetBlobAsync<T>(Digest digest, Func<Stream, Task<T>> consume, CancellationToken ct)
    {
        using var response = await _transport.SendAsync(b => new HttpRequestMessage(HttpMethod.Get, new Uri(b, Path($"blobs/{digest}"))),
            PullScope, $"the blob {digest.Short}", ct: ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Rejected($"the blob {digest.Short}", response);
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await consume(body).ConfigureAwait(false);
    }

    private Uri Location(HttpResponseMessage response)
        => response.Headers.Location is { } location
            ? (location.IsAbsoluteUri ? location : _transport.Resolve(location.OriginalString))
            : throw Errors.RegistryRejected(Registry, "an upload", "the answer has no Location header");

    private static Uri WithDigest(Uri upload, Digest digest)
        => new(upload + (string.IsNullOrEmpty(upload.Query) ? "?" : "&") + "digest=" + Uri.EscapeDataString(digest.ToString()));

    private void CheckDigest(HttpResponseMessage response, Digest expected, string what)
    {
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values)
            && Digest.TryParse(values.First(), out var actual) && actual != expected)
        {
            throw Errors.RegistryDigestMismatch(Registry, what, expected.ToString(), actual.ToString());
        }
    }

    private DistrolessException Rejected(string operation, HttpResponseMessage response)
    {
        var detail = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (body.Length > 0)
            {
                detail += ": " + (body.Length > 300 ? body[..300] + "…" : body.Trim());
            }
        }
        catch (HttpRequestException)
        {
        }

        return response.StatusCode is HttpStatusCode.Forbidden
            ? Errors.RegistryAuthenticationFailed(Registry, $"{operation} was denied ({detail})")
            : detail.Contains("DIGEST_INVALID", StringComparison.Ordinal)
                ? Errors.RegistryDigestInvalid(Registry, operation, detail)
                : Errors.RegistryRejected(Registry, operation, detail);
    }

    /// <summary>A read-only view of the next <c>length</c> bytes of a stream.</summary>
    private sealed class BoundedStream(Stream inner, long size) : Stream
    {
        private readonly long _size = size;
        private long _remaining = size;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_remaining <= 0)
            {
                return 0;
            }

            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            _remaining -= n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _size;
        public override long Position { get => _size - _remaining; set => throw new NotSupportedException(); }
        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
