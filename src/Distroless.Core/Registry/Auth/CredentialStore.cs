using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Distroless.Registry.Auth;

/// <summary>
/// Finds credentials for a registry in the .NET SDK's order: the push (or pull) variables,
/// the generic variables (and their legacy SDK_ names), then the auth files podman and docker
/// write: REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, then DOCKER_CONFIG's or
/// ~/.docker/config.json. In a file, a registry's credHelpers entry wins, then credsStore, then
/// its auths entry (auth or identitytoken). The winning source is logged, never the secret.
/// </summary>
public sealed class CredentialStore
{
    private readonly Func<string, string?> _environment;
    private readonly string _home;
    private readonly ICredentialHelperRunner _helpers;
    private readonly ILogger _logger;

    public CredentialStore(Func<string, string?> environment, string homeDirectory, ICredentialHelperRunner helpers, ILogger logger)
    {
        _environment = environment;
        _home = homeDirectory;
        _helpers = helpers;
        _logger = logger;
    }

    /// <summary>A store that never has credentials (anonymous access only).</summary>
    public static CredentialStore Anonymous(ILogger logger) => new(_ => null, "", new ProcessCredentialHelperRunner(), logger) { _anonymous = true };

    private bool _anonymous;

    public async Task<RegistryCredential?> GetAsync(string registry, bool push, CancellationToken ct = default)
    {
        if (_anonymous)
        {
            return null;
        }

        var credential = FromEnvironment(push) ?? await FromFilesAsync(registry, ct).ConfigureAwait(false);
        if (credential is null)
        {
            _logger.LogDebug("No credentials for {Registry}; trying anonymous access", registry);
        }
        else
        {
            _logger.LogInformation("Using {Credential} for {Registry}", credential, registry);
        }

        return credential;
    }

    private RegistryCredential? FromEnvironment(bool push)
    {
        string[] prefixes = push
            ? ["DOTNET_CONTAINER_PUSH_REGISTRY", "DOTNET_CONTAINER_REGISTRY", "SDK_CONTAINER_REGISTRY"]
            : ["DOTNET_CONTAINER_PULL_REGISTRY", "DOTNET_CONTAINER_REGISTRY", "SDK_CONTAINER_REGISTRY"];
        foreach (var prefix in prefixes)
        {
            var user = _environment(prefix + "_UNAME");
            var password = _environment(prefix + "_PWORD");
            if (!string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(password))
            {
                return new RegistryCredential(user, password, $"{prefix}_UNAME/_PWORD");
            }
        }

        return null;
    }

    /// <summary>The auth files to consult, in order (missing ones are skipped).</summary>
    public IEnumerable<string> AuthFiles()
    {
        if (_environment("REGISTRY_AUTH_FILE") is { Length: > 0 } explicitFile)
        {
            yield return explicitFile;
        }

        if (_environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtimeDir)
        {
            yield return Path.Combine(runtimeDir, "containers", "auth.json");
        }

        yield return Path.Combine(_environment("XDG_CONFIG_HOME") is { Length: > 0 } config ? config : Path.Combine(_home, ".config"), "containers", "auth.json");
        yield return Path.Combine(_environment("DOCKER_CONFIG") is { Length: > 0 } docker ? docker : Path.Combine(_home, ".docker"), "config.json");
    }

    private async Task<RegistryCredential?> FromFilesAsync(string registry, CancellationToken ct)
    {
        foreach (var file in AuthFiles().Where(File.Exists))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false));
            }
            catch (JsonException e)
            {
                _logger.LogWarning("Ignoring {File}: it is not valid JSON ({Message})", file, e.Message);
                continue;
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (FindEntry(root, "credHelpers", registry) is { ValueKind: JsonValueKind.String } helper
                    && await _helpers.GetAsync(helper.GetString()!, ServerUrl(registry), ct).ConfigureAwait(false) is { } fromHelper)
                {
                    return fromHelper;
                }

                // docker's order: a configured store owns the credentials; auths entries are then
                // placeholders (or stale leftovers from before the store was set up).
                if (root.TryGetProperty("credsStore", out var store) && store.GetString() is { Length: > 0 } storeName
                    && await _helpers.GetAsync(storeName, ServerUrl(registry), ct).ConfigureAwait(false) is { } fromStore)
                {
                    return fromStore;
                }

                if (FindEntry(root, "auths", registry) is { ValueKind: JsonValueKind.Object } auth && FromAuthEntry(auth, file) is { } fromAuths)
                {
                    return fromAuths;
                }
            }
        }

        return null;
    }

    private static RegistryCredential? FromAuthEntry(JsonElement entry, string file)
    {
        if (entry.TryGetProperty("identitytoken", out var token) && token.GetString() is { Length: > 0 } identityToken)
        {
            return new RegistryCredential("<token>", identityToken, file);
        }

        if (entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
        {
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
            return colon <= 0 ? null : new RegistryCredential(decoded[..colon], decoded[(colon + 1)..], file);
        }

        return null;
    }

    /// <summary>
    /// An entry for <paramref name="registry"/> in a map keyed by registry: keys may carry a
    /// scheme and path ("https://index.docker.io/v1/"), and Docker Hub has several names.
    /// </summary>
    private static JsonElement? FindEntry(JsonElement root, string property, string registry)
    {
        if (!root.TryGetProperty(property, out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var wanted = HostAliases(registry);
        foreach (var entry in map.EnumerateObject())
        {
            if (wanted.Contains(NormalizeKey(entry.Name)))
            {
                return entry.Value;
            }
        }

        return null;
    }

    private static string NormalizeKey(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/');
        return (slash >= 0 ? host[..slash] : host).ToLowerInvariant();
    }

    private static HashSet<string> HostAliases(string registry)
    {
        var host = registry.ToLowerInvariant();
        return host is ImageReference.DockerHub or "index.docker.io" or "registry-1.docker.io"
            ? new HashSet<string>(StringComparer.Ordinal) { "docker.io", "index.docker.io", "registry-1.docker.io" }
            : new HashSet<string>(StringComparer.Ordinal) { host };
    }

    /// <summary>What credential helpers are asked for: Docker Hub's historical URL, else the host.</summary>
    private static string ServerUrl(string registry)
        => registry is ImageReference.DockerHub or "index.docker.io" or "registry-1.docker.io" ? "https://index.docker.io/v1/" : registry;
}
