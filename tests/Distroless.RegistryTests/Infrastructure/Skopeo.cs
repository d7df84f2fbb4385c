namespace Distroless.RegistryTests.Infrastructure;

/// <summary>
/// skopeo as an independent registry client, isolated from the machine: HOME, TMPDIR,
/// XDG_RUNTIME_DIR and the credential files are under the given work directory, so no login of
/// the machine's user leaks in and temp files stay in the test's directory. No signature policy
/// is consulted (--insecure-policy).
/// </summary>
public sealed class Skopeo
{
    public const string ExecutablePath = "/usr/bin/skopeo";

    public Skopeo(string workDirectory)
    {
        var home = Path.Combine(workDirectory, "skopeo-home");
        var temp = Path.Combine(workDirectory, "skopeo-tmp");
        var run = Path.Combine(workDirectory, "skopeo-run");
        foreach (var dir in new[] { home, temp, run })
        {
            Directory.CreateDirectory(dir);
        }

        Environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["TMPDIR"] = temp,
            ["XDG_RUNTIME_DIR"] = run,
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
            // Unless a test points these at its own files: no credentials at all.
            ["DOCKER_CONFIG"] = Path.Combine(home, ".docker"),
            ["REGISTRY_AUTH_FILE"] = Path.Combine(run, "containers", "auth.json"),
        };
    }

    /// <summary>The child's environment on top of this process's; tests add SSL_CERT_FILE, PATH, DOCKER_CONFIG, REGISTRY_AUTH_FILE.</summary>
    public Dictionary<string, string> Environment { get; }

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public Task<ProcessResult> RunAsync(params string[] arguments)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install the apt package skopeo (build/install-prerequisites does)");
        }

        return ProcessRunner.RunAsync(ExecutablePath, ["--insecure-policy", .. arguments], Environment, timeout: TimeSpan.FromMinutes(2));
    }

    /// <summary>skopeo copy SOURCE DESTINATION OPTIONS… (e.g. oci-archive:x.tar docker://host/repo:tag --dest-tls-verify=false).</summary>
    public Task<ProcessResult> CopyAsync(string source, string destination, params string[] options)
        => RunAsync(["copy", .. options, source, destination]);

    /// <summary>skopeo inspect OPTIONS… REFERENCE (e.g. docker://host/repo:tag --tls-verify=false).</summary>
    public Task<ProcessResult> InspectAsync(string reference, params string[] options)
        => RunAsync(["inspect", .. options, reference]);
}
