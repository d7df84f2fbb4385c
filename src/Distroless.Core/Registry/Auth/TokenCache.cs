using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Distroless.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Distroless.Registry.Auth;

/// <summary>
/// Bearer tokens of one registry (the Docker token authentication spec), cached per scope
/// until shortly before they expire. Fetches are single-flight: parallel uploads that need a
/// token wait for one request instead of sending one each.
/// </summary>
internal sealed class TokenCache : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _registry;
    private readonly Func<Task<RegistryCredential?>> _credentials;
    private readonly ILogger _logger;
    private readonly Action _countRequest;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    public TokenCache(HttpClient http, string registry, Func<Task<RegistryCredential?>> credentials, TimeProvider time, ILogger logger, Action countRequest)
    {
        _time = time;
        _http = http;
        _registry = registry;
        _credentials = credentials;
        _logger = logger;
        _countRequest = countRequest;
    }

    public void Invalidate(string scope)
    {
        lock (_tokens)
        {
            _tokens.Remove(scope);
        }
    }

    public async Task<string> GetAsync(AuthChallenge challenge, string scope, CancellationToken ct)
    {
        if (TryGet(scope) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (TryGet(scope) is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }

            var (token, lifetime) = await FetchAsync(challenge, scope, ct).ConfigureAwait(false);
            lock (_tokens)
            {
                // Renew ten seconds early (or at half-life for very short tokens).
                var margin = lifetime > TimeSpan.FromSeconds(20) ? TimeSpan.FromSeconds(10) : lifetime / 2;
                _tokens[scope] = (token, _time.GetUtcNow() + lifetime - margin);
            }

            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private string? TryGet(string scope)
    {
        lock (_tokens)
        {
            return _tokens.TryGetValue(scope, out var entry) && entry.Expires > _time.GetUtcNow() ? entry.Token : null;
        }
    }

    private async Task<(string Token, TimeSpan Lifetime)> FetchAsync(AuthChallenge challenge, string scope, CancellationToken ct)
    {
        if (challenge.Realm is not { } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
        {
            throw Errors.RegistryRejected(_registry, "authentication", "its Bearer challenge names no usable realm");
        }

        var credential = await _credentials().ConfigureAwait(false);
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var request = credential is { IsIdentityToken: true }
            ? RefreshTokenRequest(realmUri, challenge.Service, scopes, credential)
            : new HttpRequestMessage(HttpMethod.Get, WithQuery(realmUri, challenge.Service, scopes));
        if (credential is { IsIdentityToken: false })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicHeaderValue);
        }

        _countRequest();
        // A broken connection, a timeout or a transient status propagates as such: the transport
        // retries the request (token and all) like any other transient failure.
        var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        using (response)
        {
            if (RetryPolicy.IsTransient(response.StatusCode))
            {
                throw new HttpRequestException(
                    $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from the token service {realmUri.GetLeftPart(UriPartial.Path)}",
                    null, response.StatusCode);
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw Errors.RegistryAuthenticationFailed(_registry, credential is null
                    ? "its token service requires credentials and none were found"
                    : $"its token service refused the {credential}");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw Errors.RegistryRejected(_registry, "the token request", $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
            var root = document.RootElement;
            var token = (root.TryGetProperty("token", out var t) ? t.GetString() : null)
                ?? (root.TryGetProperty("access_token", out var a) ? a.GetString() : null)
                ?? throw Errors.RegistryRejected(_registry, "the token request", "the answer holds no token");
            var seconds = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var s) && s > 0 ? s : 60;
            _logger.LogDebug("Got a token for {Scope} on {Registry}, valid {Seconds} s", scope, _registry, seconds);
            return (token, TimeSpan.FromSeconds(seconds));
        }
    }

    private static Uri WithQuery(Uri realm, string? service, IEnumerable<string> scopes)
    {
        var query = new List<string>();
        if (service is not null)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        query.AddRange(scopes.Select(s => "scope=" + Uri.EscapeDataString(s)));
        var separator = string.IsNullOrEmpty(realm.Query) ? "?" : "&";
        return new Uri(realm + (query.Count == 0 ? "" : separator + string.Join('&', query)));
    }

    /// <summary>An OAuth2 refresh-token grant, for identity tokens (docker login to some registries stores these).</summary>
    private static HttpRequestMessage RefreshTokenRequest(Uri realm, string? service, IEnumerable<string> scopes, RegistryCredential credential)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", credential.Secret),
            new("client_id", "distroless-sdk"),
        };
        if (service is not null)
        {
            form.Add(new("service", service));
        }

        form.Add(new("scope", string.Join(' ', scopes)));
        return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
    }

    public void Dispose() => _gate.Dispose();
}
