using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using Distroless.Diagnostics;
using Distroless.Registry.Auth;
using Microsoft.Extensions.Logging;

namespace Distroless.Registry;

/// <summary>
/// One registry host: how it is reached (HTTPS with the system trust store; plain HTTP only
/// for loopback and listed registries, decided once by the ping and logged, never as a silent
/// retry), how requests are authorized (Basic, or Bearer tokens fetched once per scope and
/// shared by parallel requests), and how transient failures are retried (5xx, 429 with
/// Retry-After, broken connections, timeouts; bounded attempts and total time).
/// </summary>
public sealed class RegistryTransport : IDisposable
{
    private readonly RegistryOptions _options;
    private readonly CredentialStore _credentials;
    private readonly bool _push;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly TokenCache _tokens;
    private readonly SemaphoreSlim _ready = new(1, 1);
    private string? _tlsError;
    private AuthChallenge? _challenge;
    private Uri? _baseUri;
    private int _requests;

    public RegistryTransport(string registry, RegistryOptions options, CredentialStore credentials, bool push, ILogger logger)
    {
        Registry = registry;
        _options = options;
        _credentials = credentials;
        _push = push;
        _logger = logger;
        _http = new HttpClient(options.HandlerFactory?.Invoke() ?? CreateHandler(options.IsInsecure(registry)), disposeHandler: true)
        {
            Timeout = options.RequestTimeout,
        };
        // Registries log the client; operators can tell our traffic apart (and we can in tests).
        _http.DefaultRequestHeaders.UserAgent.Add(UserAgent);
        _tokens = new TokenCache(_http, registry, () => Credentials(), options.Time, logger, () => Interlocked.Increment(ref _requests));
    }

    public string Registry { get; }

    /// <summary>"Distroless.Sdk/&lt;version&gt;", sent with every registry request.</summary>
    public static ProductInfoHeaderValue UserAgent { get; } = new("Distroless.Sdk", Building.SbomFactory.ToolVersion);

    public RegistryOptions Options => _options;

    /// <summary>Requests sent, including token requests and retries.</summary>
    public int RequestCount => _requests;

    public Uri BaseUri => _baseUri ?? throw new InvalidOperationException("call EnsureReadyAsync first");

    private Task<RegistryCredential?>? _credentialTask;

    private Task<RegistryCredential?> Credentials()
        => _credentialTask ??= _credentials.GetAsync(Registry, _push);

    /// <summary>Pings /v2/ (deciding HTTPS or HTTP, and learning how the registry authenticates).</summary>
    public async Task EnsureReadyAsync(CancellationToken ct = default)
    {
        if (_baseUri is not null)
        {
            return;
        }

        await _ready.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_baseUri is null)
            {
                await PingAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _ready.Release();
        }
    }

    private async Task PingAsync(CancellationToken ct)
    {
        var allowHttp = RegistryOptions.IsLoopback(Registry) || _options.IsInsecure(Registry);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string last = "";
        Exception? lastError = null;
        for (var attempt = 1; ; attempt++)
        {
            var https = new Uri($"https://{Registry}/");
            try
            {
                _challenge = await PingOnceAsync(https, ct).ConfigureAwait(false);
                _baseUri = https;
                return;
            }
            catch (HttpRequestException e) when (_tlsError is not null)
            {
                throw Errors.RegistryTlsFailed(Registry, "the certificate is not trusted: " + _tlsError, e);
            }
            catch (Exception e) when (IsConnectionFailure(e, ct))
            {
                last = Describe(e);
                lastError = e;
                if (e is HttpRequestException { StatusCode: not null })
                {
                    // HTTPS answered, with a transient status: retry HTTPS, never fall back to plain HTTP.
                    goto Backoff;
                }
            }

            var http = new Uri($"http://{Registry}/");
            try
            {
                var challenge = await PingOnceAsync(http, ct).ConfigureAwait(false);
                if (!allowHttp)
                {
                    throw Errors.InsecureRegistryRefused(Registry);
                }

                _logger.LogInformation("Using plain HTTP for {Registry} ({Why})", Registry,
                    RegistryOptions.IsLoopback(Registry) ? "a loopback registry" : "listed as insecure");
                _challenge = challenge;
                _baseUri = http;
                return;
            }
            catch (Exception e) when (IsConnectionFailure(e, ct))
            {
                if (!last.Contains("SSL", StringComparison.OrdinalIgnoreCase))
                {
                    last = Describe(e);
                    lastError = e;
                }
            }

        Backoff:
            if (attempt >= _options.Retry.MaxAttempts || clock.Elapsed > _options.Retry.TotalTime)
            {
                throw Errors.RegistryUnavailable(Registry, "the connection check (GET /v2/)", attempt, last, lastError);
            }

            await Task.Delay(_options.Retry.Delay(attempt, null), ct).ConfigureAwait(false);
        }
    }

    private async Task<AuthChallenge?> PingOnceAsync(Uri baseUri, CancellationToken ct)
    {
        Interlocked.Increment(ref _requests);
        using var response = await _http.GetAsync(new Uri(baseUri, "v2/"), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (RetryPolicy.IsTransient(response.StatusCode))
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }

        return response.StatusCode == HttpStatusCode.Unauthorized ? AuthChallenge.From(response) : null;
    }

    /// <summary>
    /// Sends the request <paramref name="create"/> builds (called again for every attempt, so
    /// bodies are fresh), authorized for <paramref name="scope"/>. Transient failures are
    /// retried when <paramref name="retry"/>; the caller handles every other status.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<Uri, HttpRequestMessage> create, string scope, string operation,
        bool retry = true, CancellationToken ct = default)
    {
        await EnsureReadyAsync(ct).ConfigureAwait(false);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var reauthenticated = false;
        string last = "";
        Exception? lastError = null;
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            using var request = create(BaseUri);
            HttpResponseMessage response;
            try
            {
                await AuthorizeAsync(request, scope, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _requests);
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e, ct))
            {
                if (!retry)
                {
                    throw;
                }

                last = Describe(e);
                lastError = e;
                goto Backoff;
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && !reauthenticated)
            {
                // The first 401: learn the challenge (or a fresher token) and try once more.
                reauthenticated = true;
                _challenge = AuthChallenge.From(response) ?? _challenge;
                _tokens.Invalidate(scope);
                response.Dispose();
                attempt--;
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                var credential = await Credentials().ConfigureAwait(false);
                throw Errors.RegistryAuthenticationFailed(Registry, credential is null
                    ? "it requires authentication and no credentials were found"
                    : $"{operation} was not authorized with the {credential}");
            }

            if (!retry || !RetryPolicy.IsTransient(response.StatusCode))
            {
                return response;
            }

            last = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            retryAfter = RetryAfter(response);
            response.Dispose();

        Backoff:
            if (attempt >= _options.Retry.MaxAttempts || clock.Elapsed > _options.Retry.TotalTime)
            {
                throw Errors.RegistryUnavailable(Registry, operation, attempt, last, lastError);
            }

            var delay = _options.Retry.Delay(attempt, retryAfter);
            _logger.LogDebug("{Operation} on {Registry} failed ({Last}); attempt {Attempt} in {Delay:F1} s", operation, Registry, last, attempt + 1, delay.TotalSeconds);
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    private async Task AuthorizeAsync(HttpRequestMessage request, string scope, CancellationToken ct)
    {
        if (_challenge is null)
        {
            return;
        }

        if (_challenge.IsBearer)
        {
            var token = await _tokens.GetAsync(_challenge, scope, ct).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (_challenge.IsBasic && await Credentials().ConfigureAwait(false) is { } credential)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicHeaderValue);
        }
    }

    public Uri Resolve(string location) => new(BaseUri, location);

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date ? date - _options.Time.GetUtcNow() : null;
    }

    /// <summary>
    /// A failure worth another attempt: a broken or refused connection, a timeout. Not a damaged
    /// cache entry or a local file's failure surfacing through a request body (an HTTP client
    /// wraps what the body's stream throws): sending again cannot fix those.
    /// </summary>
    internal static bool IsConnectionFailure(Exception e, CancellationToken ct)
        => (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            && Caching.CorruptCacheEntryException.Find(e) is null && !FileSystemErrors.IsFileSystemError(e);

    private static string Describe(Exception e) => e switch
    {
        TaskCanceledException => "the request timed out",
        HttpRequestException { InnerException: { } inner } h when !h.Message.Contains(inner.Message, StringComparison.Ordinal)
            => $"{h.Message} ({inner.Message})",
        _ => e.Message,
    };

    private HttpMessageHandler CreateHandler(bool acceptAnyCertificate) => new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.None,
            RemoteCertificateValidationCallback = (_, _, _, errors) =>
            {
                if (errors == SslPolicyErrors.None || acceptAnyCertificate)
                {
                    return true;
                }

                _tlsError = errors.ToString();
                return false;
            },
        },
    };

    public void Dispose()
    {
        _http.Dispose();
        _ready.Dispose();
        _tokens.Dispose();
    }
}
