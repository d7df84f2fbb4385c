using System.Xml.Linq;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// Packs Distroless.Sdk from the current sources once per test run into a private feed, and
/// clears any earlier copy of that version from the tests' NuGet packages folder.
/// </summary>
[SetUpFixture]
public sealed class PackedSdk
{
    public static string Feed { get; private set; } = "";

    public static string Version { get; private set; } = "";

    [OneTimeSetUp]
    public async Task PackAsync()
    {
        Feed = TestEnvironment.NewTempDirectory("feed");
        await ProcessRunner.RunCheckedAsync("dotnet",
            ["pack", Path.Combine(TestEnvironment.RepositoryRoot, "src", "Distroless.Sdk"), "-c", "Release", "-o", Feed, "-p:PackageOutputPath=" + Feed],
            timeout: TimeSpan.FromMinutes(5));
        var versionProps = XDocument.Load(Path.Combine(TestEnvironment.RepositoryRoot, "build", "version.props"));
        Version = versionProps.Descendants("DistrolessSdkVersion").Single().Value;
        var stale = Path.Combine(TestEnvironment.NuGetPackages, "distroless.sdk");
        if (Directory.Exists(stale))
        {
            Directory.Delete(stale, recursive: true);
        }
    }
}
