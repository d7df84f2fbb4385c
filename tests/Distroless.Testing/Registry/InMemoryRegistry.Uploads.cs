using System.Net;
using System.Text.RegularExpressions;
using Distroless.Oci;

namespace Distroless.Testing.Registry;

/// <summary>
/// Blob uploads: sessions opened by POST (or by a mount the registry cannot do), PATCH chunks
/// that must continue at the session's length (416 otherwise), the completing PUT whose
/// ?digest= must match every byte received (400 DIGEST_INVALID otherwise), and status GETs
/// that report the Range received so far.
/// </summary>
public sealed partial class InMemoryRegistry
{
    private HttpResponseMessage Mount(HttpRequestMessage request, string repository, Routed route)
    {
        var from = First(route.Query, "from") ?? "";
        if (Digest.TryParse(First(route.Query, "mount"), out var digest) && MayPull(request, from))
        {
            lock (_lock)
            {
                if (HasBlobLocked(from, digest))
                {
                    RepositoryBlobs(repository).Add(digest);
                    var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent([]) };
                    response.Headers.Location = Location(request.RequestUri!, $"/v2/{repository}/blobs/{digest}");
                    response.Headers.Add("Docker-Content-Digest", digest.ToString());
                    return response;
                }
            }
        }

        // As distribution does: a mount it cannot do becomes an ordinary upload session.
        return Accepted(request.RequestUri!, StartUpload(repository));
    }

    private Upload StartUpload(string repository)
    {
        var upload = new Upload($"u{Interlocked.Increment(ref _uploadCounter)}", repository);
        lock (_lock)
        {
            _uploads[upload.Id] = upload;
        }

        return upload;
    }

    private async Task<HttpResponseMessage> PatchAsync(HttpRequestMessage request, string repository, string id, CancellationToken ct)
    {
        if (FindUpload(repository, id) is not { } upload)
        {
            return Error(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN", $"upload {id} is unknown");
        }

        var rangeText = ContentRange(request);
        long? expectedLength = null;
        if (rangeText is not null)
        {
            var match = ContentRangePattern().Match(rangeText);
            if (!match.Success)
            {
                return RangeNotSatisfiable(request.RequestUri!, upload, $"Content-Range \"{rangeText}\" is not <start>-<end>");
            }

            var start = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var end = long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (start != upload.Length || end < start)
            {
                return RangeNotSatisfiable(request.RequestUri!, upload, $"Content-Range {rangeText} does not continue at byte {upload.Length}");
            }

            expectedLength = end - start + 1;
        }

        var body = await ReadBlobBodyAsync(request, RegistryRequestKind.UploadPatch, upload, ct).ConfigureAwait(false);
        if (expectedLength is { } expected && body.Length != expected)
        {
            return RangeNotSatisfiable(request.RequestUri!, upload, $"Content-Range {rangeText} announces {expected} bytes, the body has {body.Length}");
        }

        upload.Append(body);
        lock (_lock)
        {
            _contentRanges.Add(rangeText ?? "(streamed)");
        }

        return Accepted(request.RequestUri!, upload);
    }

    private async Task<HttpResponseMessage> CompleteAsync(HttpRequestMessage request, string repository, Routed route, CancellationToken ct)
    {
        if (FindUpload(repository, route.Rest) is not { } upload)
        {
            return Error(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN", $"upload {route.Rest} is unknown");
        }

        if (!Digest.TryParse(First(route.Query, "digest"), out var digest))
        {
            return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", "the PUT names no valid ?digest=");
        }

        upload.Append(await ReadBlobBodyAsync(request, RegistryRequestKind.UploadPut, upload, ct).ConfigureAwait(false));
        var content = upload.Content();
        lock (_lock)
        {
            _uploads.Remove(upload.Id);
            if (!TrustsDigests && Digest.Compute(content) != digest)
            {
                return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", $"the {content.Length} bytes received do not have the digest {digest}");
            }

            _blobs[digest] = content;
            RepositoryBlobs(repository).Add(digest);
        }

        var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent([]) };
        response.Headers.Location = Location(request.RequestUri!, $"/v2/{repository}/blobs/{digest}");
        response.Headers.Add("Docker-Content-Digest", digest.ToString());
        return response;
    }

    private HttpResponseMessage Status(Uri requestUri, string repository, string id)
    {
        if (FindUpload(repository, id) is not { } upload)
        {
            return Error(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN", $"upload {id} is unknown");
        }

        var response = new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };
        AddUploadHeaders(response, requestUri, upload);
        return response;
    }

    /// <summary>Reads a blob body (or, when a break is armed, part of it, then fails like a reset connection).</summary>
    private async Task<byte[]> ReadBlobBodyAsync(HttpRequestMessage request, RegistryRequestKind kind, Upload upload, CancellationToken ct)
    {
        if (request.Content is null)
        {
            return [];
        }

        var broken = PeekBreak(kind);
        await using var body = await request.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        while (true)
        {
            var wanted = broken is null ? chunk.Length : (int)Math.Min(chunk.Length, broken.AfterBytes - buffer.Length);
            if (wanted <= 0 && !TryConsume(broken!))
            {
                // Another request used up the break meanwhile: read on normally.
                broken = null;
                continue;
            }

            if (wanted <= 0)
            {
                if (broken!.KeepPartial)
                {
                    upload.Append(buffer.ToArray());
                }

                throw new IOException("Connection reset by peer (InMemoryRegistry broke the upload on purpose)");
            }

            var read = await body.ReadAsync(chunk.AsMemory(0, wanted), ct).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.ToArray();
            }

            buffer.Write(chunk, 0, read);
            Interlocked.Add(ref _blobBytesReceived, read);
        }
    }

    private static string? ContentRange(HttpRequestMessage request)
        => request.Content?.Headers.TryGetValues("Content-Range", out var values) == true
            ? values.First()
            : request.Headers.TryGetValues("Content-Range", out var headerValues) ? headerValues.First() : null;

    [GeneratedRegex("^([0-9]+)-([0-9]+)$")]
    private static partial Regex ContentRangePattern();

    private HttpResponseMessage RangeNotSatisfiable(Uri requestUri, Upload upload, string message)
    {
        var response = Error(HttpStatusCode.RequestedRangeNotSatisfiable, "BLOB_UPLOAD_INVALID", message);
        AddUploadHeaders(response, requestUri, upload);
        return response;
    }

    private HttpResponseMessage Accepted(Uri requestUri, Upload upload)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new ByteArrayContent([]) };
        AddUploadHeaders(response, requestUri, upload);
        return response;
    }

    /// <summary>Location (with a _state query that changes with every chunk, escaped characters included), Range, Docker-Upload-UUID.</summary>
    private void AddUploadHeaders(HttpResponseMessage response, Uri requestUri, Upload upload)
    {
        var length = upload.Length;
        response.Headers.Location = Location(requestUri, $"/v2/{upload.Repository}/blobs/uploads/{upload.Id}?_state={upload.Id}%2B{length}%3D");
        response.Headers.TryAddWithoutValidation("Range", $"0-{Math.Max(length - 1, 0)}");
        response.Headers.Add("Docker-Upload-UUID", upload.Id);
    }

    private Upload? FindUpload(string repository, string id)
    {
        lock (_lock)
        {
            return _uploads.TryGetValue(id, out var upload) && upload.Repository == repository ? upload : null;
        }
    }

    private sealed class Upload(string id, string repository)
    {
        private readonly MemoryStream _data = new();

        public string Id { get; } = id;

        public string Repository { get; } = repository;

        public long Length
        {
            get
            {
                lock (_data)
                {
                    return _data.Length;
                }
            }
        }

        public void Append(byte[] bytes)
        {
            lock (_data)
            {
                _data.Write(bytes);
            }
        }

        public byte[] Content()
        {
            lock (_data)
            {
                return _data.ToArray();
            }
        }
    }
}
