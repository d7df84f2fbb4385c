using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Distroless.RegistryTests.Infrastructure;

/// <summary>One resource scope of a token request: "repository:team/app:pull,push".</summary>
public sealed record ResourceScope(string Type, string Name, IReadOnlyList<string> Actions)
{
    /// <summary>
    /// Parses "type:name:actions"; the name may itself hold ':' (the type is before the first
    /// colon, the actions after the last). Returns null for anything else.
    /// </summary>
    public static ResourceScope? Parse(string scope)
    {
        var first = scope.IndexOf(':');
        var last = scope.LastIndexOf(':');
        if (first <= 0 || last <= first)
        {
            return null;
        }

        var type = scope[..first];
        var bracket = type.IndexOf('(');
        if (bracket > 0)
        {
            type = type[..bracket]; // "repository(plugin)": the class is not part of the resource.
        }

        return new ResourceScope(type, scope[(first + 1)..last],
            scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    public override string ToString() => $"{Type}:{Name}:{string.Join(',', Actions)}";
}

/// <summary>What the issuer saw in one request, and how it answered.</summary>
/// <param name="Method">GET (the token spec) or POST (the OAuth2 form flow).</param>
/// <param name="GrantType">"basic" for GET with Basic credentials, "anonymous" for GET without, else the POST's grant_type.</param>
/// <param name="User">The user name presented, if any.</param>
/// <param name="Service">The service asked for.</param>
/// <param name="Status">The status answered: 200 when a token was issued.</param>
/// <param name="Scopes">The scopes asked for, as sent.</param>
/// <param name="Granted">What the token grants.</param>
/// <param name="Offline">Whether a refresh token (identity token) was asked for.</param>
public sealed record TokenRequest(string Method, string GrantType, string? User, string? Service, int Status,
    IReadOnlyList<string> Scopes, IReadOnlyList<ResourceScope> Granted, bool Offline)
{
    public bool Issued => Status == 200;
}

/// <summary>
/// A token server for the registry's <c>auth: token</c> mode, hosted in the test process: the
/// Docker token spec's GET /token?service=…&amp;scope=…(repeated) with Basic credentials, and the
/// OAuth2 POST /token (grant_type password or refresh_token) that identity tokens use. Tokens are
/// RS256 JWTs with the signing certificate in the "x5c" header, which docker-registry 2.8 verifies
/// against its rootcertbundle (<see cref="WriteRootCertBundle"/>).
/// </summary>
public sealed class TokenIssuer : IAsyncDisposable
{
    public const string DefaultService = "distroless-test-registry";
    public const string DefaultIssuerName = "distroless-test-token-issuer";

    private static readonly Lazy<(RSA Key, X509Certificate2 Certificate)> Signer = new(CreateSigner);
    private static readonly Lock SignLock = new();

    private readonly Lock _lock = new();
    private readonly List<TokenRequest> _requests = [];
    private readonly string _password;
    private LoopbackHttpServer? _server;

    private TokenIssuer(string user, string password, string service, string issuerName)
    {
        User = user;
        _password = password;
        Service = service;
        IssuerName = issuerName;
        RefreshToken = "refresh-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    }

    public string User { get; }

    /// <summary>The registry's service name: the tokens' "aud", and the "service" the registry's challenge names.</summary>
    public string Service { get; }

    /// <summary>The tokens' "iss"; the registry's <c>auth.token.issuer</c>.</summary>
    public string IssuerName { get; }

    /// <summary>http://127.0.0.1:port (no trailing slash).</summary>
    public string BaseAddress => Server.BaseAddress;

    /// <summary>The token endpoint: the registry's <c>auth.token.realm</c>.</summary>
    public Uri Realm => new(BaseAddress + "/token");

    /// <summary>
    /// The identity token (OAuth2 refresh token) of <see cref="User"/>: returned as "refresh_token"
    /// when a GET asks for offline_token=true or a password POST for access_type=offline, and
    /// accepted by POST grant_type=refresh_token. Docker keeps it as "identitytoken".
    /// </summary>
    public string RefreshToken { get; }

    /// <summary>Reported as expires_in, and the "exp" claim's distance from now. Default 5 minutes.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When set, "exp" is now + this, whatever expires_in says. docker-registry 2.8 accepts a token
    /// until 60 s past exp (its leeway), so a value below -1 minute makes the registry refuse a
    /// fresh token at once: a way to test what a client does on a 401 for a token it just got.
    /// </summary>
    public TimeSpan? ExpClaimOffset { get; set; }

    /// <summary>Whether a GET without credentials gets a token (granting pull only). Default false: 401.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Decides the actions granted for one requested scope (user, or null when anonymous). By
    /// default everything asked is granted to the user, and pull to anonymous callers.
    /// </summary>
    public Func<string?, ResourceScope, IReadOnlyList<string>>? Authorize { get; set; }

    /// <summary>Requests that got a token.</summary>
    public int TokenRequestCount
    {
        get
        {
            lock (_lock)
            {
                return _requests.Count(r => r.Issued);
            }
        }
    }

    /// <summary>Every request, answered or refused, in arrival order.</summary>
    public IReadOnlyList<TokenRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The PEM certificate that verifies the tokens (self-signed RSA 2048).</summary>
    public static string SigningCertificatePem => Signer.Value.Certificate.ExportCertificatePem() + "\n";

    private LoopbackHttpServer Server => _server ?? throw new InvalidOperationException("the issuer is not started");

    public static async Task<TokenIssuer> StartAsync(string user, string password, string service = DefaultService,
        string issuerName = DefaultIssuerName, CancellationToken cancellationToken = default)
    {
        var issuer = new TokenIssuer(user, password, service, issuerName);
        _ = Signer.Value;
        issuer._server = await LoopbackHttpServer.StartAsync(issuer.HandleAsync, cancellationToken);
        return issuer;
    }

    /// <summary>Writes the registry's <c>rootcertbundle</c> (the signing certificate) and returns the path.</summary>
    public static string WriteRootCertBundle(string path)
    {
        File.WriteAllText(path, SigningCertificatePem);
        return path;
    }

    /// <summary>Forgets the requests seen so far.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }

    /// <summary>A token for <paramref name="scopes"/> as the issuer would grant it to <see cref="User"/>, without a request.</summary>
    public string CreateToken(params string[] scopes) => CreateToken(User, Grant(User, scopes)).Token;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path != "/token")
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (HttpMethods.IsGet(request.Method))
        {
            await HandleGetAsync(context);
        }
        else if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            await HandlePostAsync(context);
        }
        else
        {
            context.Response.StatusCode = 405;
        }
    }

    // GET /token?service=…&scope=…&scope=…[&account=…][&offline_token=true]
    private async Task HandleGetAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var service = query["service"].ToString();
        var scopes = query["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var offline = string.Equals(query["offline_token"], "true", StringComparison.OrdinalIgnoreCase);
        var (user, password) = BasicCredentials(context.Request.Headers.Authorization.ToString());
        var grantType = user is null ? "anonymous" : "basic";

        if (service.Length > 0 && service != Service)
        {
            await RefuseAsync(context, new TokenRequest("GET", grantType, user, service, 400, scopes, [], offline), "invalid service");
            return;
        }

        if (user is null ? !AllowAnonymous : user != User || password != _password)
        {
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\"";
            await RefuseAsync(context, new TokenRequest("GET", grantType, user, service, 401, scopes, [], offline),
                user is null ? "authentication required" : "invalid username or password");
            return;
        }

        var granted = Grant(user, scopes);
        var (token, issuedAt) = CreateToken(user, granted);
        var body = new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = (long)TokenLifetime.TotalSeconds,
            ["issued_at"] = issuedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (offline && user is not null)
        {
            body["refresh_token"] = RefreshToken;
        }

        Record(new TokenRequest("GET", grantType, user, service, 200, scopes, granted, offline));
        await WriteJsonAsync(context, 200, body);
    }

    // POST /token, form: grant_type=password|refresh_token, service, client_id, scope (space-separated),
    // username/password or refresh_token, access_type=offline.
    private async Task HandlePostAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var grantType = form["grant_type"].ToString();
        var service = form["service"].ToString();
        var scopes = form["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var offline = form["access_type"] == "offline";
        string? user;
        switch (grantType)
        {
            case "password":
                user = form["username"].ToString();
                if (user != User || form["password"] != _password)
                {
                    await RefuseAsync(context, new TokenRequest("POST", grantType, user, service, 401, scopes, [], offline), "invalid username or password");
                    return;
                }

                break;
            case "refresh_token":
                user = User;
                if (form["refresh_token"] != RefreshToken)
                {
                    await RefuseAsync(context, new TokenRequest("POST", grantType, null, service, 401, scopes, [], offline), "invalid refresh token");
                    return;
                }

                break;
            default:
                await RefuseAsync(context, new TokenRequest("POST", grantType, null, service, 400, scopes, [], offline), "unsupported grant_type");
                return;
        }

        if (service.Length > 0 && service != Service)
        {
            await RefuseAsync(context, new TokenRequest("POST", grantType, user, service, 400, scopes, [], offline), "invalid service");
            return;
        }

        var granted = Grant(user, scopes);
        var (token, issuedAt) = CreateToken(user, granted);
        var body = new JsonObject
        {
            ["access_token"] = token,
            ["scope"] = string.Join(' ', scopes),
            ["expires_in"] = (long)TokenLifetime.TotalSeconds,
            ["issued_at"] = issuedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (offline && grantType == "password")
        {
            body["refresh_token"] = RefreshToken;
        }

        Record(new TokenRequest("POST", grantType, user, service, 200, scopes, granted, offline));
        await WriteJsonAsync(context, 200, body);
    }

    private List<ResourceScope> Grant(string? user, IEnumerable<string> scopes)
    {
        var granted = new List<ResourceScope>();
        foreach (var scope in scopes.Select(ResourceScope.Parse).OfType<ResourceScope>())
        {
            var actions = Authorize is not null
                ? Authorize(user, scope)
                : user is null ? scope.Actions.Where(a => a == "pull").ToList() : scope.Actions;
            var existing = granted.FindIndex(g => g.Type == scope.Type && g.Name == scope.Name);
            if (existing >= 0)
            {
                granted[existing] = granted[existing] with { Actions = [.. granted[existing].Actions.Union(actions)] };
            }
            else
            {
                granted.Add(scope with { Actions = [.. actions.Distinct()] });
            }
        }

        return granted;
    }

    private (string Token, DateTimeOffset IssuedAt) CreateToken(string? user, IReadOnlyList<ResourceScope> granted)
    {
        var (key, certificate) = Signer.Value;
        var now = DateTimeOffset.UtcNow;
        // Header: typ, alg and the certificate chain. distribution 2.8 (registry/auth/token/token.go)
        // takes the key from "x5c" (verified against rootcertbundle), else "jwk", else "kid" as a
        // libtrust fingerprint; x5c needs nothing else to agree on.
        var header = new JsonObject
        {
            ["typ"] = "JWT",
            ["alg"] = "RS256",
            ["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData)),
        };
        // Claims: 2.8 reads "aud" as a single string (an array fails to parse: "malformed token").
        var claims = new JsonObject
        {
            ["iss"] = IssuerName,
            ["sub"] = user ?? "",
            ["aud"] = Service,
            ["exp"] = (now + (ExpClaimOffset ?? TokenLifetime)).ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["access"] = new JsonArray([.. granted.Select(g => new JsonObject
            {
                ["type"] = g.Type,
                ["name"] = g.Name,
                ["actions"] = new JsonArray([.. g.Actions.Select(a => JsonValue.Create(a))]),
            })]),
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." +
                           Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        byte[] signature;
        lock (SignLock)
        {
            signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        return (signingInput + "." + Base64Url(signature), now);
    }

    private static (string? User, string? Password) BasicCredentials(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = decoded.IndexOf(':');
            return colon < 0 ? (decoded, "") : (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return ("", "");
        }
    }

    private async Task RefuseAsync(HttpContext context, TokenRequest request, string message)
    {
        Record(request);
        await WriteJsonAsync(context, request.Status, new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = request.Status == 401 ? "UNAUTHORIZED" : "INVALID_REQUEST",
                ["message"] = message,
            }),
        });
    }

    private void Record(TokenRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (RSA, X509Certificate2) CreateSigner()
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Distroless test token signer, O=Distroless.Sdk tests", key,
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var now = DateTimeOffset.UtcNow;
        using var withKey = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        return (key, X509CertificateLoader.LoadCertificate(withKey.RawData));
    }
}
