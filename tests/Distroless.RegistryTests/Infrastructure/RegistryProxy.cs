using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Distroless.RegistryTests.Infrastructure;

/// <summary>One request the proxy handled.</summary>
/// <param name="Sequence">Arrival order, from 1 (restarts at <see cref="RegistryProxy.Reset"/>).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Target">The request target exactly as the client sent it (path and query).</param>
/// <param name="Kind">What the request does.</param>
/// <param name="RequestBodyBytes">Body bytes received from the client.</param>
/// <param name="Status">The status the client got; null when the connection was dropped or the client went away.</param>
/// <param name="Fault">The injected fault, if any.</param>
public sealed record ProxiedRequest(long Sequence, string Method, string Target, RequestKind Kind, long RequestBodyBytes,
    int? Status, ProxyFault? Fault);

/// <summary>
/// An HTTP/1.1 reverse proxy on 127.0.0.1 in front of a registry (and, optionally, its token
/// server) that counts requests by kind and method and the blob bytes uploaded, and injects
/// faults: scripted (<see cref="EnqueueFault"/>) or random (<see cref="Faults"/>). Absolute URLs
/// pointing at the upstreams — Location, and the realm of WWW-Authenticate — are rewritten to
/// the proxy, so a client that follows them stays behind the proxy. Request targets are
/// forwarded byte for byte, bodies streamed both ways (chunked or with Content-Length).
/// </summary>
public sealed class RegistryProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Expect", "Host",
        "Content-Length",
    };

    private readonly string _registryBase;
    private readonly string? _tokenBase;
    private readonly HttpClient _upstream;
    private readonly Lock _lock = new();
    private readonly List<ProxiedRequest> _requests = [];
    private readonly ConcurrentDictionary<RequestKind, int> _byKind = new();
    private readonly ConcurrentDictionary<string, int> _byMethod = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<RequestKind, ConcurrentQueue<ProxyFault>> _scripted = new();
    private LoopbackHttpServer? _server;
    private FaultPolicy _faults = FaultPolicy.None;
    private Random _random = new(FaultPolicy.None.Seed);
    private long _sequence;
    private long _uploadedBytes;
    private int _injectedErrors;
    private int _droppedUploads;
    private int _inFlight;
    private int _maxInFlight;

    private RegistryProxy(Uri registry, string? tokenServer, TestCertificateAuthority? upstreamAuthority)
    {
        _registryBase = registry.GetLeftPart(UriPartial.Authority);
        _tokenBase = tokenServer is null ? null : new Uri(tokenServer).GetLeftPart(UriPartial.Authority);
        var handler = upstreamAuthority?.CreateHttpHandler() ?? new SocketsHttpHandler();
        handler.UseProxy = false;
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        handler.AutomaticDecompression = DecompressionMethods.None;
        handler.MaxConnectionsPerServer = int.MaxValue;
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10);
        _upstream = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>"127.0.0.1:port": use it in image references instead of the registry's host.</summary>
    public string Host => Server.Host;

    /// <summary>http://127.0.0.1:port/ (the proxy speaks plain HTTP, whatever the upstream speaks).</summary>
    public Uri Uri => new(Server.BaseAddress + "/");

    /// <summary>
    /// The random fault policy. Setting it re-seeds the generator with its <see cref="FaultPolicy.Seed"/>.
    /// </summary>
    public FaultPolicy Faults
    {
        get => _faults;
        set
        {
            lock (_lock)
            {
                _faults = value;
                _random = new Random(value.Seed);
            }
        }
    }

    /// <summary>Blob upload body bytes (POST, PATCH, PUT under /blobs/uploads/) received from clients, whether forwarded or not.</summary>
    public long UploadedBytes => Interlocked.Read(ref _uploadedBytes);

    /// <summary>Requests answered with an injected status.</summary>
    public int InjectedErrors => Volatile.Read(ref _injectedErrors);

    /// <summary>Requests whose connection was dropped on purpose.</summary>
    public int DroppedUploads => Volatile.Read(ref _droppedUploads);

    /// <summary>The most requests in flight at once since the last <see cref="Reset"/>.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxInFlight);

    /// <summary>Every request handled, in the order they finished.</summary>
    public IReadOnlyList<ProxiedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    private LoopbackHttpServer Server => _server ?? throw new InvalidOperationException("the proxy is not started");

    /// <summary>A proxy in front of <paramref name="registry"/>, and its token issuer if it has one.</summary>
    public static Task<RegistryProxy> StartAsync(DistributionRegistry registry, CancellationToken cancellationToken = default)
        => StartAsync(registry.Uri, registry.TokenIssuer?.BaseAddress, registry.CertificateAuthority, cancellationToken);

    /// <summary>
    /// A proxy in front of <paramref name="registry"/>. Requests outside /v2/ go to
    /// <paramref name="tokenServer"/> when given (the realm in the registry's challenges is
    /// rewritten to point at the proxy); <paramref name="upstreamAuthority"/> is trusted for an
    /// HTTPS upstream.
    /// </summary>
    public static async Task<RegistryProxy> StartAsync(Uri registry, string? tokenServer = null,
        TestCertificateAuthority? upstreamAuthority = null, CancellationToken cancellationToken = default)
    {
        var proxy = new RegistryProxy(registry, tokenServer, upstreamAuthority);
        proxy._server = await LoopbackHttpServer.StartAsync(proxy.HandleAsync, cancellationToken);
        return proxy;
    }

    /// <summary>"127.0.0.1:proxyport/repository:tag".</summary>
    public string Reference(string repository, string tag) => $"{Host}/{repository}:{tag}";

    /// <summary>Requests of <paramref name="kind"/> since the last <see cref="Reset"/> (faulted ones included).</summary>
    public int Count(RequestKind kind) => _byKind.GetValueOrDefault(kind);

    /// <summary>Requests with <paramref name="method"/> since the last <see cref="Reset"/>.</summary>
    public int Count(string method) => _byMethod.GetValueOrDefault(method);

    /// <summary>The next request of <paramref name="kind"/> gets <paramref name="fault"/> (queued faults come before random ones).</summary>
    public void EnqueueFault(RequestKind kind, ProxyFault fault)
        => _scripted.GetOrAdd(kind, _ => new ConcurrentQueue<ProxyFault>()).Enqueue(fault);

    /// <summary>Clears the counters, the request log and queued faults; the fault policy stays (re-seeded).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _requests.Clear();
            _byKind.Clear();
            _byMethod.Clear();
            _scripted.Clear();
            _random = new Random(_faults.Seed);
            Interlocked.Exchange(ref _sequence, 0);
            Interlocked.Exchange(ref _uploadedBytes, 0);
            Interlocked.Exchange(ref _injectedErrors, 0);
            Interlocked.Exchange(ref _droppedUploads, 0);
            Interlocked.Exchange(ref _maxInFlight, Volatile.Read(ref _inFlight));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); inFlight > max; max = Volatile.Read(ref _maxInFlight))
        {
            if (Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) == max)
            {
                break;
            }
        }

        try
        {
            await HandleCoreAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var kind = RequestKinds.Classify(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "");
        if (kind == RequestKind.Token && _tokenBase is null)
        {
            kind = RequestKind.Other;
        }

        var sequence = Interlocked.Increment(ref _sequence);
        _byKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
        _byMethod.AddOrUpdate(request.Method, 1, (_, n) => n + 1);
        var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        var isUpload = RequestKinds.Uploads.Contains(kind);
        var bodyBytes = 0L;
        void CountBody(int n)
        {
            bodyBytes += n;
            if (isUpload)
            {
                Interlocked.Add(ref _uploadedBytes, n);
            }
        }

        var policy = _faults;
        if (policy.Latency > TimeSpan.Zero)
        {
            await Task.Delay(policy.Latency, context.RequestAborted);
        }

        var fault = NextFault(kind, hasBody);
        int? status = null;
        try
        {
            if (fault?.StatusCode is { } injected)
            {
                await DrainAsync(request.Body, CountBody, context.RequestAborted);
                Interlocked.Increment(ref _injectedErrors);
                await WriteErrorAsync(context.Response, injected, fault.RetryAfter);
                status = injected;
                return;
            }

            if (fault is not null && !hasBody)
            {
                Interlocked.Increment(ref _droppedUploads);
                context.Abort();
                return;
            }

            status = await ForwardAsync(context, target, kind, hasBody, fault?.DropAfterFraction, CountBody);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        finally
        {
            lock (_lock)
            {
                _requests.Add(new ProxiedRequest(sequence, request.Method, target, kind, bodyBytes, status, fault));
            }
        }
    }

    private ProxyFault? NextFault(RequestKind kind, bool hasBody)
    {
        if (_scripted.TryGetValue(kind, out var queue) && queue.TryDequeue(out var scripted))
        {
            return scripted;
        }

        lock (_lock)
        {
            return _faults.Draw(_random, kind, hasBody);
        }
    }

    /// <summary>Forwards the request; returns the status sent to the client, or null when the connection was dropped.</summary>
    private async Task<int?> ForwardAsync(HttpContext context, string target, RequestKind kind, bool hasBody, double? dropAfterFraction,
        Action<int> countBody)
    {
        var request = context.Request;
        var upstreamBase = kind == RequestKind.Token ? _tokenBase! : _registryBase;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), upstreamBase + target);
        var contentHeaders = new List<KeyValuePair<string, string[]>>();
        foreach (var (name, values) in request.Headers)
        {
            if (!HopByHop.Contains(name) && !message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                contentHeaders.Add(new(name, values.ToArray()!));
            }
        }

        ForwardedBody? body = null;
        if (hasBody || request.ContentLength is not null)
        {
            long? dropAfter = dropAfterFraction is { } fraction
                ? request.ContentLength is { } length ? (long)(length * fraction) : 16 * 1024
                : null;
            body = new ForwardedBody(request.Body, request.ContentLength, dropAfter, countBody);
            message.Content = body;
            foreach (var (name, values) in contentHeaders)
            {
                message.Content.Headers.TryAddWithoutValidation(name, values);
            }

            message.Content.Headers.ContentLength = request.ContentLength;
        }
        else if (dropAfterFraction is not null)
        {
            Interlocked.Increment(ref _droppedUploads);
            context.Abort();
            return null;
        }

        HttpResponseMessage response;
        try
        {
            response = await _upstream.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (Exception) when (body?.Dropped == true)
        {
            Interlocked.Increment(ref _droppedUploads);
            context.Abort();
            return null;
        }
        catch (HttpRequestException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            await WriteErrorAsync(context.Response, 502, null, "proxy: upstream failed: " + e.Message);
            return 502;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            context.Response.StatusCode = status;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ||
                    name.Equals("Connection", StringComparison.OrdinalIgnoreCase) ||
                    name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase) ||
                    (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && status is 204 or 304))
                {
                    continue;
                }

                context.Response.Headers[name] = values.Select(Rewrite).ToArray();
            }

            if (!HttpMethods.IsHead(request.Method) && status is not (204 or 304))
            {
                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            }

            return status;
        }
    }

    /// <summary>Points absolute URLs of the registry and the token server at the proxy.</summary>
    private string Rewrite(string value)
    {
        var proxy = Server.BaseAddress;
        value = value.Replace(_registryBase, proxy, StringComparison.OrdinalIgnoreCase);
        return _tokenBase is null ? value : value.Replace(_tokenBase, proxy, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task DrainAsync(Stream body, Action<int> count, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                count(n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task WriteErrorAsync(HttpResponse response, int status, TimeSpan? retryAfter, string? message = null)
    {
        var code = status switch
        {
            429 => "TOOMANYREQUESTS",
            503 => "UNAVAILABLE",
            401 => "UNAUTHORIZED",
            _ => "UNKNOWN",
        };
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        if (retryAfter is { } after)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var text = message ?? $"injected by the test proxy ({status})";
        var json = $"{{\"errors\":[{{\"code\":\"{code}\",\"message\":{System.Text.Json.JsonSerializer.Serialize(text)},\"detail\":null}}]}}\n";
        var bytes = Encoding.UTF8.GetBytes(json);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    /// <summary>
    /// The client's request body, streamed to the registry and counted; with a drop point, the
    /// body is cut there: what was read is flushed to the registry, then the send fails.
    /// </summary>
    private sealed class ForwardedBody(Stream source, long? length, long? dropAfter, Action<int> count) : HttpContent
    {
        public bool Dropped { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                var forwarded = 0L;
                while (true)
                {
                    var want = buffer.Length;
                    if (dropAfter is { } limit)
                    {
                        want = (int)Math.Min(want, limit - forwarded);
                        if (want <= 0)
                        {
                            break;
                        }
                    }

                    var n = await source.ReadAsync(buffer.AsMemory(0, want), cancellationToken);
                    if (n == 0)
                    {
                        break;
                    }

                    count(n);
                    await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                    forwarded += n;
                }

                if (dropAfter is not null)
                {
                    // Let the registry read what it got before its connection goes.
                    await stream.FlushAsync(cancellationToken);
                    await Task.Delay(50, cancellationToken);
                    Dropped = true;
                    throw new IOException("upload dropped by the test proxy");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        protected override bool TryComputeLength(out long computed)
        {
            computed = length ?? 0;
            return length is not null;
        }
    }
}
