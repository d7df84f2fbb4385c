using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Distroless.Oci;

namespace Distroless.Testing.Registry;

/// <summary>Which schemes the fake registry answers on; the others fail like a closed port.</summary>
[Flags]
public enum RegistrySchemes
{
    Https = 1,
    Http = 2,
    Both = Https | Http,
}

public enum RegistryAuthMode
{
    /// <summary>Everything is allowed without credentials.</summary>
    None,

    /// <summary>Every request needs Basic credentials of a known user (401 <c>Basic realm=…</c> otherwise).</summary>
    Basic,

    /// <summary>Every request needs a token from the token service on <see cref="InMemoryRegistry.TokenHost"/>.</summary>
    Bearer,
}

public enum RegistryRequestKind
{
    Ping,
    BlobHead,
    BlobGet,
    UploadStart,
    Mount,
    UploadPatch,
    UploadPut,
    UploadStatus,
    UploadCancel,
    ManifestHead,
    ManifestGet,
    ManifestPut,
    Referrers,
    Token,
    Unknown,
}

/// <summary>
/// One request the fake received: its Authorization scheme (null without one), and how it was
/// answered (0: the connection broke).
/// </summary>
public sealed record RegistryExchange(RegistryRequestKind Kind, string Method, string Scheme, string PathAndQuery, string? Repository,
    string? Authorization, int Status);

/// <summary>
/// An in-process OCI distribution registry (the subset a pushing and pulling client uses),
/// served as an <see cref="HttpMessageHandler"/> for <c>RegistryOptions.HandlerFactory</c>:
/// ping, blobs, monolithic and chunked uploads (Content-Range checked, Range reported),
/// cross-repository mounts, manifests by tag and digest, Basic or Bearer authentication with
/// a token service on another host, and fault hooks (failed, throttled and broken requests).
/// Everything it receives is logged by kind, so tests can count exactly what a client sent.
/// Thread-safe; one instance can serve many clients at once.
/// </summary>
public sealed partial class InMemoryRegistry : HttpMessageHandler
{
    private readonly object _lock = new();
    private readonly Dictionary<Digest, byte[]> _blobs = [];
    private readonly Dictionary<string, HashSet<Digest>> _repositoryBlobs = new(StringComparer.Ordinal);
    private readonly Dictionary<Digest, (byte[] Content, string MediaType)> _manifests = [];
    private readonly Dictionary<string, Dictionary<string, Digest>> _references = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly List<RegistryExchange> _log = [];
    private readonly List<string> _contentRanges = [];
    private int _uploadCounter;
    private long _blobBytesReceived;
    private int _activeUploads;
    private int _maxActiveUploads;

    public InMemoryRegistry(string host = "registry.test", TimeProvider? time = null)
    {
        Host = host;
        Time = time ?? TimeProvider.System;
        Allow = DefaultAllow;
    }

    /// <summary>host[:port] the registry answers on.</summary>
    public string Host { get; }

    /// <summary>The clock tokens expire by.</summary>
    public TimeProvider Time { get; }

    public RegistrySchemes Serves { get; set; } = RegistrySchemes.Https;

    /// <summary>HTTPS requests fail as with a self-signed certificate (an AuthenticationException inside).</summary>
    public bool UntrustedCertificate { get; set; }

    /// <summary>Upload Location headers as absolute URLs (scheme://host/v2/…) rather than paths.</summary>
    public bool AbsoluteLocations { get; set; }

    /// <summary>A pause inside every upload request (POST, PATCH, PUT), so parallel uploads overlap measurably.</summary>
    public TimeSpan UploadLatency { get; set; }

    /// <summary>
    /// Store what an upload's PUT completes under the digest it names, without hashing it: a
    /// registry that does not check digests (and would keep whatever a client sends).
    /// </summary>
    public bool TrustsDigests { get; set; }

    /// <summary>When set, manifest PUTs are answered with this Docker-Content-Digest (a lying registry or proxy).</summary>
    public Digest? ManifestDigestOverride { get; set; }

    /// <summary>
    /// Answer manifest PUTs that carry a <c>subject</c> with an OCI-Subject header and serve
    /// GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;, as a registry with the OCI 1.1 referrers API
    /// does (docker-registry 2.8 does not: there the route is unknown, 404).
    /// </summary>
    public bool SupportsReferrers { get; set; }

    /// <summary>Every request received, in order (token requests included).</summary>
    public IReadOnlyList<RegistryExchange> Exchanges
    {
        get
        {
            lock (_lock)
            {
                return [.. _log];
            }
        }
    }

    public int Count(RegistryRequestKind kind) => Exchanges.Count(e => e.Kind == kind);

    /// <summary>Requests about blobs: HEAD, GET, upload start, mount, PATCH, PUT and status.</summary>
    public int BlobRequests => Exchanges.Count(e => e.Kind is RegistryRequestKind.BlobHead or RegistryRequestKind.BlobGet
        or RegistryRequestKind.UploadStart or RegistryRequestKind.Mount or RegistryRequestKind.UploadPatch
        or RegistryRequestKind.UploadPut or RegistryRequestKind.UploadStatus);

    /// <summary>Blob bytes read from PATCH and PUT bodies (partial bodies of broken requests included).</summary>
    public long BlobBytesReceived => Interlocked.Read(ref _blobBytesReceived);

    /// <summary>The most upload requests (POST, PATCH, PUT) in progress at once.</summary>
    public int MaxConcurrentUploads => Volatile.Read(ref _maxActiveUploads);

    /// <summary>The Content-Range of every PATCH that was accepted, in order.</summary>
    public IReadOnlyList<string> ContentRanges
    {
        get
        {
            lock (_lock)
            {
                return [.. _contentRanges];
            }
        }
    }

    /// <summary>Forgets what was received (not what is stored): counters, the log, content ranges.</summary>
    public void ResetCounters()
    {
        lock (_lock)
        {
            _log.Clear();
            _contentRanges.Clear();
            _tokenScopes.Clear();
        }

        Interlocked.Exchange(ref _blobBytesReceived, 0);
        Interlocked.Exchange(ref _maxActiveUploads, 0);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var uri = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));
        if (uri.Authority.Equals(TokenHost, StringComparison.OrdinalIgnoreCase))
        {
            return await TokenAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (!uri.Authority.Equals(Host, StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Name or service not known ({uri.Authority})",
                new SocketException((int)SocketError.HostNotFound));
        }

        var https = uri.Scheme == Uri.UriSchemeHttps;
        if (!Serves.HasFlag(https ? RegistrySchemes.Https : RegistrySchemes.Http))
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({uri.Authority})",
                new SocketException((int)SocketError.ConnectionRefused));
        }

        if (https && UntrustedCertificate)
        {
            throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.",
                new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot"));
        }

        var route = Route(request.Method, uri);
        var uploading = route.Kind is RegistryRequestKind.UploadStart or RegistryRequestKind.Mount
            or RegistryRequestKind.UploadPatch or RegistryRequestKind.UploadPut;
        if (uploading)
        {
            var active = Interlocked.Increment(ref _activeUploads);
            for (var max = Volatile.Read(ref _maxActiveUploads); active > max; max = Volatile.Read(ref _maxActiveUploads))
            {
                Interlocked.CompareExchange(ref _maxActiveUploads, active, max);
            }
        }

        HttpResponseMessage? response = null;
        try
        {
            if (uploading && UploadLatency > TimeSpan.Zero)
            {
                await Task.Delay(UploadLatency, cancellationToken).ConfigureAwait(false);
            }

            response = Fault(route.Kind) ?? Authorize(request, route) ?? await HandleAsync(request, route, cancellationToken).ConfigureAwait(false);
            response.RequestMessage = request;
            return response;
        }
        finally
        {
            if (uploading)
            {
                Interlocked.Decrement(ref _activeUploads);
            }

            Record(route.Kind, request, route.Repository, response);
        }
    }

    private void Record(RegistryRequestKind kind, HttpRequestMessage request, string? repository, HttpResponseMessage? response)
    {
        var uri = request.RequestUri!;
        lock (_lock)
        {
            _log.Add(new RegistryExchange(kind, request.Method.Method, uri.Scheme, uri.PathAndQuery, repository,
                request.Headers.Authorization?.Scheme, (int?)response?.StatusCode ?? 0));
        }
    }

    private sealed record Routed(RegistryRequestKind Kind, string? Repository, string Rest, IReadOnlyDictionary<string, List<string>> Query);

    private static Routed Route(HttpMethod method, Uri uri)
    {
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        var query = ParseQuery(uri.Query);
        if (path is "/v2/" or "/v2")
        {
            return new Routed(method == HttpMethod.Get ? RegistryRequestKind.Ping : RegistryRequestKind.Unknown, null, "", query);
        }

        var match = RoutePattern().Match(path);
        if (!match.Success)
        {
            return new Routed(RegistryRequestKind.Unknown, null, "", query);
        }

        var repository = match.Groups["name"].Value;
        var rest = match.Groups["rest"].Value;
        var kind = (match.Groups["what"].Value, method.Method) switch
        {
            ("blobs/uploads", "POST") when rest.Length == 0 => query.ContainsKey("mount") ? RegistryRequestKind.Mount : RegistryRequestKind.UploadStart,
            ("blobs/uploads", "PATCH") => RegistryRequestKind.UploadPatch,
            ("blobs/uploads", "PUT") => RegistryRequestKind.UploadPut,
            ("blobs/uploads", "GET") => RegistryRequestKind.UploadStatus,
            ("blobs/uploads", "DELETE") => RegistryRequestKind.UploadCancel,
            ("blobs", "HEAD") => RegistryRequestKind.BlobHead,
            ("blobs", "GET") => RegistryRequestKind.BlobGet,
            ("manifests", "HEAD") => RegistryRequestKind.ManifestHead,
            ("manifests", "GET") => RegistryRequestKind.ManifestGet,
            ("manifests", "PUT") => RegistryRequestKind.ManifestPut,
            ("referrers", "GET") => RegistryRequestKind.Referrers,
            _ => RegistryRequestKind.Unknown,
        };
        return new Routed(kind, repository, rest, query);
    }

    [GeneratedRegex("^/v2/(?<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)/(?<what>blobs/uploads|blobs|manifests|referrers)/(?<rest>[^/]*)$")]
    private static partial Regex RoutePattern();

    private static Dictionary<string, List<string>> ParseQuery(string query)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            if (!result.TryGetValue(key, out var values))
            {
                result[key] = values = [];
            }

            values.Add(value);
        }

        return result;
    }

    private static string? First(IReadOnlyDictionary<string, List<string>> query, string key)
        => query.TryGetValue(key, out var values) ? values[0] : null;

    private async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, Routed route, CancellationToken ct)
    {
        var repository = route.Repository!;
        switch (route.Kind)
        {
            case RegistryRequestKind.Ping:
                return Json(HttpStatusCode.OK, "{}");
            case RegistryRequestKind.BlobHead or RegistryRequestKind.BlobGet:
                return GetBlob(repository, route.Rest, head: route.Kind == RegistryRequestKind.BlobHead);
            case RegistryRequestKind.Mount:
                return Mount(request, repository, route);
            case RegistryRequestKind.UploadStart:
                return Accepted(request.RequestUri!, StartUpload(repository));
            case RegistryRequestKind.UploadPatch:
                return await PatchAsync(request, repository, route.Rest, ct).ConfigureAwait(false);
            case RegistryRequestKind.UploadPut:
                return await CompleteAsync(request, repository, route, ct).ConfigureAwait(false);
            case RegistryRequestKind.UploadStatus:
                return Status(request.RequestUri!, repository, route.Rest);
            case RegistryRequestKind.UploadCancel:
                lock (_lock)
                {
                    return _uploads.Remove(route.Rest) ? new HttpResponseMessage(HttpStatusCode.NoContent) : Error(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN", "no such upload");
                }

            case RegistryRequestKind.ManifestHead or RegistryRequestKind.ManifestGet:
                return GetManifest(repository, route.Rest, head: route.Kind == RegistryRequestKind.ManifestHead);
            case RegistryRequestKind.ManifestPut:
                return await PutManifestAsync(request, repository, route.Rest, ct).ConfigureAwait(false);
            case RegistryRequestKind.Referrers when SupportsReferrers:
                return Referrers(repository, route.Rest);
            default:
                return Error(HttpStatusCode.NotFound, "UNSUPPORTED", $"{request.Method} {request.RequestUri!.AbsolutePath}");
        }
    }

    private HttpResponseMessage GetBlob(string repository, string reference, bool head)
    {
        if (!Digest.TryParse(reference, out var digest))
        {
            return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", $"\"{reference}\" is not a digest", head);
        }

        byte[] content;
        lock (_lock)
        {
            if (!HasBlobLocked(repository, digest))
            {
                return Error(HttpStatusCode.NotFound, "BLOB_UNKNOWN", $"blob unknown to registry: {digest}", head);
            }

            content = _blobs[digest];
        }

        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(head ? [] : content) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        response.Headers.Add("Docker-Content-Digest", digest.ToString());
        return response;
    }

    private Uri Location(Uri requestUri, string path)
        => AbsoluteLocations ? new Uri($"{requestUri.Scheme}://{requestUri.Authority}{path}") : new Uri(path, UriKind.Relative);

    private HttpResponseMessage GetManifest(string repository, string reference, bool head)
    {
        (byte[] Content, string MediaType) manifest;
        Digest digest;
        lock (_lock)
        {
            if (ResolveLocked(repository, reference) is not { } found)
            {
                return Error(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", $"manifest unknown: {repository}:{reference}", head);
            }

            digest = found;
            manifest = _manifests[digest];
        }

        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(head ? [] : manifest.Content) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
        response.Headers.Add("Docker-Content-Digest", digest.ToString());
        return response;
    }

    private async Task<HttpResponseMessage> PutManifestAsync(HttpRequestMessage request, string repository, string reference, CancellationToken ct)
    {
        var content = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var mediaType = request.Content?.Headers.ContentType?.MediaType ?? MediaTypes.ImageManifest;
        var digest = Digest.Compute(content);
        if (Digest.TryParse(reference, out var named) && named != digest)
        {
            return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", $"the manifest has the digest {digest}, not {named}");
        }

        List<Digest> references;
        Digest? subject;
        try
        {
            references = ReferencedDigests(content);
            subject = SubjectDigest(content);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return Error(HttpStatusCode.BadRequest, "MANIFEST_INVALID", e.Message);
        }

        lock (_lock)
        {
            var missing = references.Where(d => !HasBlobLocked(repository, d) && ResolveLocked(repository, d.ToString()) is null).ToList();
            if (missing.Count > 0)
            {
                return Error(HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry: " + string.Join(", ", missing));
            }

            StoreManifestLocked(repository, digest, content, mediaType, Digest.TryParse(reference, out _) ? [] : [reference]);
        }

        var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent([]) };
        response.Headers.Location = Location(request.RequestUri!, $"/v2/{repository}/manifests/{digest}");
        response.Headers.Add("Docker-Content-Digest", (ManifestDigestOverride ?? digest).ToString());
        if (SupportsReferrers && subject is { } subjectDigest)
        {
            response.Headers.Add("OCI-Subject", subjectDigest.ToString());
        }

        return response;
    }

    /// <summary>The digest a referrer's <c>subject</c> names (it need not exist), or null.</summary>
    private static Digest? SubjectDigest(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.TryGetProperty("subject", out var subject) ? Digest.Parse(subject.GetProperty("digest").GetString()!) : null;
    }

    /// <summary>The config and layers of a manifest, or the manifests of an index.</summary>
    private static List<Digest> ReferencedDigests(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        var root = document.RootElement;
        var result = new List<Digest>();
        if (root.TryGetProperty("config", out var config))
        {
            result.Add(Digest.Parse(config.GetProperty("digest").GetString()!));
        }

        foreach (var property in new[] { "layers", "manifests" })
        {
            if (root.TryGetProperty(property, out var list))
            {
                result.AddRange(list.EnumerateArray().Select(d => Digest.Parse(d.GetProperty("digest").GetString()!)));
            }
        }

        return result;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json)
        => new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    /// <summary>A distribution error body (none for HEAD, as a real server sends).</summary>
    private static HttpResponseMessage Error(HttpStatusCode status, string code, string message, bool head = false)
        => head
            ? new HttpResponseMessage(status) { Content = new ByteArrayContent([]) }
            : Json(status, JsonSerializer.Serialize(new { errors = new[] { new { code, message } } }));
}
