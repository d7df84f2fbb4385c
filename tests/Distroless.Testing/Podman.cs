namespace Distroless.Testing;

/// <summary>
/// podman as these machines need it (see the repository's test notes): runc, cgroupfs, and a
/// containers.conf without default ulimits.
/// </summary>
public static class Podman
{
    private static readonly Lazy<string> ConfigFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), "distroless-tests-containers.conf");
        File.WriteAllText(path, "[containers]\ndefault_ulimits = []\n");
        return path;
    });

    private static Dictionary<string, string> Environment => new() { ["CONTAINERS_CONF"] = ConfigFile.Value };

    private static IEnumerable<string> Global => ["--runtime", "runc", "--cgroup-manager", "cgroupfs"];

    public static Task<ProcessResult> RunAsync(params string[] arguments)
        => ProcessRunner.RunAsync("podman", Global.Concat(arguments), Environment, timeout: TimeSpan.FromMinutes(3));

    public static Task<ProcessResult> RunCheckedAsync(params string[] arguments)
        => ProcessRunner.RunCheckedAsync("podman", Global.Concat(arguments), Environment, timeout: TimeSpan.FromMinutes(3));

    /// <summary>Loads an archive and returns the name podman gave the image.</summary>
    public static async Task<string> LoadAsync(string archive)
    {
        var result = await RunCheckedAsync("load", "-i", archive);
        var line = result.All.Split('\n').LastOrDefault(l => l.StartsWith("Loaded image", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("podman load printed no image name:\n" + result.All);
        return line[(line.IndexOf(':') + 1)..].Trim();
    }

    public static Task RemoveImageAsync(string image) => RunAsync("rmi", "--force", image);
}
