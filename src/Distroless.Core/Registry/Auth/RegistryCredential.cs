namespace Distroless.Registry.Auth;

/// <summary>
/// A user name and secret for a registry, or an identity (refresh) token. ToString never shows
/// the secret, so a credential in a log line or an exception message leaks nothing.
/// </summary>
public sealed class RegistryCredential
{
    public RegistryCredential(string username, string secret, string source)
    {
        Username = username;
        Secret = secret;
        Source = source;
    }

    public string Username { get; }

    public string Secret { get; }

    /// <summary>Where it came from (an environment variable name, a file, a helper), for the log.</summary>
    public string Source { get; }

    /// <summary>docker and podman store OAuth refresh tokens under the user name "&lt;token&gt;".</summary>
    public bool IsIdentityToken => Username == "<token>";

    public string BasicHeaderValue
        => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Username}:{Secret}"));

    public override string ToString() => $"credentials for {Username} from {Source}";
}
