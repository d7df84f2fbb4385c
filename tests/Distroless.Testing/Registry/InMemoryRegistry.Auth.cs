using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Distroless.Testing.Registry;

/// <summary>
/// Authentication, as distribution and Docker Hub do it: Basic on every request, or Bearer
/// tokens from a token service on another host (<c>http://auth.test/token</c>) that checks
/// Basic credentials (or an OAuth refresh token, POSTed) and grants what <see cref="Allow"/>
/// allows of the scopes asked for; a missing, expired or revoked token, or one without the
/// scope, gets a 401 with the challenge naming the scope.
/// </summary>
public sealed partial class InMemoryRegistry
{
    private readonly Dictionary<string, string> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly List<string> _tokenScopes = [];
    private int _tokenCounter;

    public RegistryAuthMode Auth { get; set; }

    /// <summary>The token service's host; it answers on http and https alike.</summary>
    public string TokenHost { get; set; } = "auth.test";

    public string TokenRealm => $"http://{TokenHost}/token";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether requests without credentials may pull (tokens for anonymous users get pull scopes).</summary>
    public bool AnonymousPull { get; set; }

    /// <summary>
    /// (user, or null when anonymous; repository; "pull" or "push") → allowed. By default a
    /// known user may do everything and anonymous users may pull when <see cref="AnonymousPull"/>.
    /// </summary>
    public Func<string?, string, string, bool> Allow { get; set; }

    /// <summary>The scopes of every token request, space-separated, in order.</summary>
    public IReadOnlyList<string> TokenScopes
    {
        get
        {
            lock (_lock)
            {
                return [.. _tokenScopes];
            }
        }
    }

    public InMemoryRegistry WithUser(string user, string password)
    {
        lock (_lock)
        {
            _users[user] = password;
        }

        return this;
    }

    /// <summary>An identity (refresh) token the token service accepts for <paramref name="user"/>.</summary>
    public InMemoryRegistry WithRefreshToken(string refreshToken, string user)
    {
        lock (_lock)
        {
            _refreshTokens[refreshToken] = user;
        }

        return this;
    }

    /// <summary>Forgets every token issued, so cached tokens get 401s.</summary>
    public void RevokeTokens()
    {
        lock (_lock)
        {
            _tokens.Clear();
        }
    }

    private bool DefaultAllow(string? user, string repository, string action) => user is not null || (AnonymousPull && action == "pull");

    private HttpResponseMessage? Authorize(HttpRequestMessage request, Routed route)
    {
        if (Auth == RegistryAuthMode.None || route.Kind == RegistryRequestKind.Unknown)
        {
            return null;
        }

        string[] actions = route.Kind switch
        {
            RegistryRequestKind.Ping => [],
            RegistryRequestKind.BlobHead or RegistryRequestKind.BlobGet or RegistryRequestKind.ManifestHead or RegistryRequestKind.ManifestGet
                or RegistryRequestKind.Referrers => ["pull"],
            _ => ["pull", "push"],
        };
        var scope = route.Repository is null ? null : $"repository:{route.Repository}:{string.Join(',', actions)}";
        if (Auth == RegistryAuthMode.Basic)
        {
            if (BasicUser(request) is not { } user)
            {
                return Challenge("Basic", $"realm=\"{Host}\"");
            }

            return route.Repository is { } repository && !actions.All(a => Allow(user, repository, a))
                ? Error(HttpStatusCode.Forbidden, "DENIED", $"{user} may not {string.Join(',', actions)} {repository}")
                : null;
        }

        var parameters = $"realm=\"{TokenRealm}\",service=\"{Host}\"" + (scope is null ? "" : $",scope=\"{scope}\"");
        if (ValidToken(request) is not { } token)
        {
            return Challenge("Bearer", parameters);
        }

        return route.Repository is { } repo && !actions.All(a => token.Grants.Contains($"{repo}:{a}"))
            ? Challenge("Bearer", parameters + ",error=\"insufficient_scope\"")
            : null;
    }

    /// <summary>Whether the request may read <paramref name="repository"/> (a mount's source).</summary>
    private bool MayPull(HttpRequestMessage request, string repository) => Auth switch
    {
        RegistryAuthMode.Basic => Allow(BasicUser(request), repository, "pull"),
        RegistryAuthMode.Bearer => ValidToken(request)?.Grants.Contains($"{repository}:pull") == true,
        _ => true,
    };

    private static HttpResponseMessage Challenge(string scheme, string parameters)
    {
        var response = Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "authentication required");
        response.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue(scheme, parameters));
        return response;
    }

    /// <summary>The user whose Basic credentials the request carries, or null (none, or wrong).</summary>
    private string? BasicUser(HttpRequestMessage request)
    {
        if (request.Headers.Authorization is not { Scheme: "Basic", Parameter: { } encoded })
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':');
        if (colon < 0)
        {
            return null;
        }

        lock (_lock)
        {
            return _users.TryGetValue(decoded[..colon], out var password) && password == decoded[(colon + 1)..] ? decoded[..colon] : null;
        }
    }

    private IssuedToken? ValidToken(HttpRequestMessage request)
    {
        if (request.Headers.Authorization is not { Scheme: "Bearer", Parameter: { } token })
        {
            return null;
        }

        lock (_lock)
        {
            return _tokens.TryGetValue(token, out var issued) && issued.Expires > Time.GetUtcNow() ? issued : null;
        }
    }

    private async Task<HttpResponseMessage> TokenAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage? response = null;
        try
        {
            response = Fault(RegistryRequestKind.Token) ?? await IssueTokenAsync(request, ct).ConfigureAwait(false);
            response.RequestMessage = request;
            return response;
        }
        finally
        {
            Record(RegistryRequestKind.Token, request, null, response);
        }
    }

    private async Task<HttpResponseMessage> IssueTokenAsync(HttpRequestMessage request, CancellationToken ct)
    {
        string? user = null;
        IReadOnlyList<string> scopes;
        if (request.Method == HttpMethod.Post)
        {
            var form = ParseQuery(request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            lock (_lock)
            {
                if (First(form, "grant_type") != "refresh_token" || First(form, "refresh_token") is not { } refresh
                    || !_refreshTokens.TryGetValue(refresh, out user))
                {
                    return Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "invalid refresh token");
                }
            }

            scopes = (First(form, "scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        else
        {
            scopes = ParseQuery(request.RequestUri!.Query).GetValueOrDefault("scope") ?? [];
            if (request.Headers.Authorization is not null && (user = BasicUser(request)) is null)
            {
                return Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "incorrect username or password");
            }
        }

        var grants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            var parts = scope.Split(':');
            if (parts.Length == 3 && parts[0] == "repository")
            {
                grants.UnionWith(parts[2].Split(',').Where(action => Allow(user, parts[1], action)).Select(action => $"{parts[1]}:{action}"));
            }
        }

        var token = $"token-{Interlocked.Increment(ref _tokenCounter)}";
        var now = Time.GetUtcNow();
        lock (_lock)
        {
            _tokenScopes.Add(string.Join(' ', scopes));
            _tokens[token] = new IssuedToken(user, grants, now + TokenLifetime);
        }

        return Json(HttpStatusCode.OK, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = (int)TokenLifetime.TotalSeconds,
            ["issued_at"] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        }));
    }

    private sealed record IssuedToken(string? User, HashSet<string> Grants, DateTimeOffset Expires);
}
