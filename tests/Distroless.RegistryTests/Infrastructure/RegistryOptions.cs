namespace Distroless.RegistryTests.Infrastructure;

/// <summary>How the registry authenticates clients.</summary>
public enum RegistryAuth
{
    /// <summary>No authentication: anyone may pull and push.</summary>
    None,

    /// <summary><c>auth: htpasswd</c> with one bcrypt user: Basic credentials on every request.</summary>
    Basic,

    /// <summary><c>auth: token</c> with a <see cref="TokenIssuer"/> hosted in the test process: Bearer tokens.</summary>
    Token,
}

/// <summary>The configuration of one <see cref="DistributionRegistry"/>.</summary>
public sealed record RegistryOptions
{
    public RegistryAuth Auth { get; init; } = RegistryAuth.None;

    /// <summary>The user of <see cref="RegistryAuth.Basic"/> and <see cref="RegistryAuth.Token"/>.</summary>
    public string User { get; init; } = "tester";

    public string Password { get; init; } = "secret-password";

    /// <summary>Serve HTTPS with a certificate from a fresh <see cref="TestCertificateAuthority"/>.</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// <c>http.relativeurls</c>: Location headers as paths ("/v2/…") instead of absolute URLs.
    /// Clients must resolve both.
    /// </summary>
    public bool RelativeUrls { get; init; }

    /// <summary>
    /// Where the registry's directory (config, storage, certificates) is created, as a fresh
    /// subdirectory; normally the test's own temp directory. Null: a temp directory of its own,
    /// deleted on dispose.
    /// </summary>
    public string? ParentDirectory { get; init; }

    /// <summary>The registry's log level (error, warn, info, debug).</summary>
    public string LogLevel { get; init; } = "info";
}
