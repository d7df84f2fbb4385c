using System.Xml.Linq;

namespace Distroless.Testing;

/// <summary>
/// Distroless.Sdk packed from the current sources into a private feed, once per test process
/// (each test project's set-up calls <see cref="EnsurePackedAsync"/>), with any earlier copy of
/// that version cleared from the project's NuGet packages folder
/// (<see cref="TestEnvironment.NuGetPackages"/>), so a restore always takes the fresh package.
/// </summary>
public static class PackedSdk
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _packed;

    public static string Feed { get; private set; } = "";

    public static string Version { get; private set; } = "";

    /// <param name="packagesFolder">The name of the NuGet packages folder under <see cref="TestEnvironment.CacheRoot"/>.</param>
    public static async Task EnsurePackedAsync(string packagesFolder = "nuget-packages")
    {
        await Gate.WaitAsync();
        try
        {
            if (_packed)
            {
                return;
            }

            var feed = TestEnvironment.NewTempDirectory("feed");
            // Test projects run in parallel processes and pack the same project into the same
            // artifacts directory: one pack at a time, machine-wide.
            using (await CrossProcessLock.AcquireAsync(Path.Combine(TestEnvironment.CacheRoot, "pack.lock"), TimeSpan.FromMinutes(10)))
            {
                await ProcessRunner.RunCheckedAsync("dotnet",
                    ["pack", Path.Combine(TestEnvironment.RepositoryRoot, "src", "Distroless.Sdk"), "-c", "Release", "-o", feed, "-p:PackageOutputPath=" + feed],
                    timeout: TimeSpan.FromMinutes(5));
            }

            TestEnvironment.NuGetPackages = Path.Combine(TestEnvironment.CacheRoot, packagesFolder);
            var versionProps = XDocument.Load(Path.Combine(TestEnvironment.RepositoryRoot, "build", "version.props"));
            Version = versionProps.Descendants("DistrolessSdkVersion").Single().Value;
            var stale = Path.Combine(TestEnvironment.NuGetPackages, "distroless.sdk");
            if (Directory.Exists(stale))
            {
                Directory.Delete(stale, recursive: true);
            }

            Feed = feed;
            _packed = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>An exclusively opened lock file: held by one process at a time, released on dispose (or when the process dies).</summary>
    private static class CrossProcessLock
    {
        public static async Task<IDisposable> AcquireAsync(string path, TimeSpan timeout)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
            }
        }
    }
}
