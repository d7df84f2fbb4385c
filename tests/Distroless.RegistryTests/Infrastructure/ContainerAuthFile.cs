using System.Text;
using System.Text.Json.Nodes;

namespace Distroless.RegistryTests.Infrastructure;

/// <summary>
/// Builds the credential files clients read: docker's <c>config.json</c> (found through
/// DOCKER_CONFIG) and podman's / containers' <c>auth.json</c> (REGISTRY_AUTH_FILE, or
/// <c>--authfile</c>). Both use the same JSON: "auths" (base64 "auth" = user:password,
/// "identitytoken"), "credsStore" and "credHelpers".
/// </summary>
public sealed class ContainerAuthFile
{
    private readonly JsonObject _auths = [];
    private readonly JsonObject _credHelpers = [];
    private string? _credsStore;

    /// <summary>auths[registry].auth = base64("user:password").</summary>
    public ContainerAuthFile WithAuth(string registry, string user, string password)
    {
        _auths[registry] = new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")) };
        return this;
    }

    /// <summary>
    /// auths[registry].identitytoken = token (an OAuth2 refresh token for the registry's token
    /// server), with "auth" holding base64("user:") when a user is given, as docker login writes it.
    /// </summary>
    public ContainerAuthFile WithIdentityToken(string registry, string token, string? user = null)
    {
        var entry = new JsonObject { ["identitytoken"] = token };
        if (user is not null)
        {
            entry["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":"));
        }

        _auths[registry] = entry;
        return this;
    }

    /// <summary>An entry exactly as given: for malformed or unusual files.</summary>
    public ContainerAuthFile WithRawAuthEntry(string registry, JsonObject entry)
    {
        _auths[registry] = entry;
        return this;
    }

    /// <summary>credsStore = helper: the docker-credential-HELPER program for every registry without a credHelpers entry.</summary>
    public ContainerAuthFile WithCredsStore(string helper)
    {
        _credsStore = helper;
        return this;
    }

    /// <summary>credHelpers[registry] = helper.</summary>
    public ContainerAuthFile WithCredHelper(string registry, string helper)
    {
        _credHelpers[registry] = helper;
        return this;
    }

    public string ToJson()
    {
        var root = new JsonObject { ["auths"] = _auths.DeepClone() };
        if (_credsStore is not null)
        {
            root["credsStore"] = _credsStore;
        }

        if (_credHelpers.Count > 0)
        {
            root["credHelpers"] = _credHelpers.DeepClone();
        }

        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Writes DIRECTORY/config.json and returns DIRECTORY: the value for DOCKER_CONFIG.</summary>
    public string WriteDockerConfig(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), ToJson());
        return directory;
    }

    /// <summary>Writes <paramref name="path"/> (podman's auth.json) and returns it: the value for REGISTRY_AUTH_FILE or --authfile.</summary>
    public string WriteAuthFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, ToJson());
        return path;
    }
}
