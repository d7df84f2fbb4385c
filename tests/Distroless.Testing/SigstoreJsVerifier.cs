using System.Security.Cryptography;
using System.Text.Json;

namespace Distroless.Testing;

/// <summary>What Sigstore's JavaScript verifier said about a bundle: verified (with the statement it held) or why not.</summary>
public sealed record SigstoreJsResult(bool Verified, string Output, JsonElement Statement);

/// <summary>
/// Sigstore's own verifier, @sigstore/verify from npm, run with node: a verifier this project
/// did not write checks the bundles it writes. The pinned packages (package-lock.json, with
/// their integrity hashes, which npm checks) are installed once per test cache with `npm ci`;
/// node 20 and npm must be on PATH (build/install-prerequisites checks).
/// </summary>
public static class SigstoreJsVerifier
{
    private static readonly string Sources = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Distroless.Testing", "SigstoreVerifier");
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static string? _installed;

    /// <summary>Verifies <paramref name="bundle"/> with the PEM public key <paramref name="publicKeyPem"/>.</summary>
    public static async Task<SigstoreJsResult> VerifyAsync(byte[] bundle, string publicKeyPem)
    {
        var directory = await InstallAsync();
        using var temp = new TempDirectory("sigstore-js-");
        var bundlePath = temp.Combine("bundle.json");
        var keyPath = temp.Combine("key.pem");
        await File.WriteAllBytesAsync(bundlePath, bundle);
        await File.WriteAllTextAsync(keyPath, publicKeyPem);
        var result = await ProcessRunner.RunAsync("node", [Path.Combine(directory, "verify.js"), bundlePath, keyPath], timeout: TimeSpan.FromMinutes(1));
        var verified = result.ExitCode == 0;
        var statement = verified ? JsonDocument.Parse(result.Output).RootElement.GetProperty("statement").Clone() : default;
        return new SigstoreJsResult(verified, result.All.Trim(), statement);
    }

    /// <summary>The directory with verify.js and its node_modules, installed on first use (atomically: several test processes may ask at once).</summary>
    private static async Task<string> InstallAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (_installed is not null)
            {
                return _installed;
            }

            var files = new[] { "package.json", "package-lock.json", "verify.js" };
            var version = Convert.ToHexStringLower(SHA256.HashData(files.SelectMany(f => File.ReadAllBytes(Path.Combine(Sources, f))).ToArray()))[..16];
            var target = Path.Combine(TestEnvironment.CacheRoot, "sigstore-verifier-" + version);
            if (!File.Exists(Path.Combine(target, "node_modules", "@sigstore", "verify", "package.json")))
            {
                var staging = target + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
                Directory.CreateDirectory(staging);
                foreach (var file in files)
                {
                    File.Copy(Path.Combine(Sources, file), Path.Combine(staging, file));
                }

                var npm = await ProcessRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], workingDirectory: staging,
                    timeout: TimeSpan.FromMinutes(5));
                if (npm.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm ci of @sigstore/verify failed (exit {npm.ExitCode}):\n{npm.All}");
                }

                try
                {
                    Directory.Move(staging, target);
                }
                catch (IOException) when (Directory.Exists(target))
                {
                    Directory.Delete(staging, recursive: true); // Another test process installed it first.
                }
            }

            return _installed = target;
        }
        finally
        {
            InstallGate.Release();
        }
    }
}
