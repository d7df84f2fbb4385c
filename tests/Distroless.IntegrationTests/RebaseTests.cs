using System.Text.Json.Nodes;
using Distroless.Building;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Http;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// A security fix arrives, the app is not rebuilt: the image is published on a lock that pins
/// tzdata at bookworm's original version (read from the real, verified bookworm index), then
/// `dotnet msbuild -t:DistrolessRebase -p:DistrolessUpdateLock=true` gives it the current
/// base. Only the tzdata layer changes; the app layers are the same bytes; the image runs.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class RebaseTests
{
    private SampleProject _sample = null!;
    private ImageArchive _before = null!;
    private ImageArchive _after = null!;
    private ProcessResult _rebase = null!;
    private string _pinnedVersion = "";
    private string _lockFile = "";
    private Dictionary<string, string> _report = [];

    [OneTimeSetUp]
    public async Task PublishOnAnOldTzdataThenRebaseAsync()
    {
        _sample = SampleProject.Create("rebase");
        _lockFile = Path.Combine(_sample.Directory, "distroless.lock.json");
        var archive = Path.Combine(_sample.Directory, "app.tar");
        string[] common = ["-r", "linux-x64", "-p:DistrolessIncremental=false", "-p:ContainerArchiveOutputPath=" + archive];

        var first = await _sample.PublishAsync(SharedCache.Path, common);
        Assert.That(first.ExitCode, Is.Zero, first.All);

        var original = await OriginalTzdataAsync();
        _pinnedVersion = original.Version.ToString();
        PinInLock(original);
        var pinned = await _sample.PublishAsync(SharedCache.Path, [.. common, "-p:DistrolessLocked=true"]);
        Assert.That(pinned.ExitCode, Is.Zero, pinned.All);
        _before = ImageArchive.Open(archive);
        File.Copy(archive, Path.Combine(_sample.Directory, "before.tar"));

        _rebase = await _sample.DotnetAsync(SharedCache.Path, new Dictionary<string, string>(),
            "msbuild", _sample.ProjectFile, "-t:DistrolessRebase", "-p:DistrolessUpdateLock=true", "-p:ContainerArchiveOutputPath=" + archive);
        Assert.That(_rebase.ExitCode, Is.Zero, _rebase.All);
        _after = ImageArchive.Open(archive);

        _report = await SampleImages.RunAsync(archive);
    }

    /// <summary>tzdata as bookworm itself has it (the point release), older than the -updates/-security one a fresh resolve takes.</summary>
    private static async Task<PackageRecord> OriginalTzdataAsync()
    {
        var (mirror, _) = HostDefaults.ResolveMirrors(null, null, "bookworm", Environment.GetEnvironmentVariable);
        using var http = new HttpClient();
        var cache = new BlobCache(TestEnvironment.NewTempDirectory("rebase-index"));
        var archive = new DebianArchiveClient(new HttpFetcher(http, NullLogger.Instance), cache,
            new InReleaseVerifier(DebianKeyring.Default, TimeProvider.System), TimeProvider.System, NullLogger.Instance);
        var release = await archive.FetchReleaseAsync(new ArchiveSuite(new Uri(mirror.TrimEnd('/') + "/"), "bookworm"));
        var index = await archive.FetchIndexAsync(release, "amd64");
        return index.Find("tzdata").OrderByDescending(p => p.Version).First();
    }

    private void PinInLock(PackageRecord tzdata)
    {
        var root = JsonNode.Parse(File.ReadAllText(_lockFile))!;
        var entry = root["platforms"]!["amd64"]!["packages"]!.AsArray().Single(p => (string?)p!["name"] == "tzdata")!;
        Assume.That((string?)entry["version"], Is.Not.EqualTo(tzdata.Version.ToString()),
            "bookworm's own tzdata is the newest one today, so there is nothing to rebase onto");
        entry["version"] = tzdata.Version.ToString();
        entry["suite"] = "bookworm";
        entry["filename"] = tzdata.Filename;
        entry["size"] = tzdata.Size;
        entry["sha256"] = tzdata.Sha256.Hex;
        File.WriteAllText(_lockFile, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    [Test]
    public void The_image_before_had_the_pinned_tzdata_and_the_rebased_one_has_the_current()
    {
        string Version(ImageArchive image) => System.Text.Encoding.UTF8.GetString(image.FileContents(p => p == "var/lib/dpkg/status.d/tzdata").Single().Value)
            .Split('\n').First(l => l.StartsWith("Version: ", StringComparison.Ordinal))["Version: ".Length..];

        Assert.Multiple(() =>
        {
            Assert.That(Version(_before), Is.EqualTo(_pinnedVersion));
            Assert.That(Version(_after), Is.Not.EqualTo(_pinnedVersion));
            Assert.That(File.ReadAllText(_lockFile), Does.Contain(Version(_after)), "the lock was updated");
            var sbom = File.ReadAllText(Path.Combine(_sample.Directory, "app.cdx.json"));
            Assert.That(sbom, Does.Contain($"pkg:deb/debian/tzdata@{Uri.EscapeDataString(Version(_after))}").And.Contain("pkg:nuget/Newtonsoft.Json@"),
                "the rebased image's SBOM: its new base, and the app read back from the image");
        });
    }

    [Test]
    public void Only_the_tzdata_layer_changed_and_the_app_layers_are_the_same_bytes()
    {
        var changed = _before.LayerDigests.Zip(_after.LayerDigests).Select((pair, i) => (pair, i)).Where(x => x.pair.First != x.pair.Second)
            .Select(x => _after.History[x.i]).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(_after.LayerDigests, Has.Count.EqualTo(_before.LayerDigests.Count));
            Assert.That(changed, Has.Count.EqualTo(1));
            Assert.That(changed.Single(), Does.StartWith("distroless: debian package tzdata "));
            Assert.That(_after.LayerDigests.TakeLast(3), Is.EqualTo(_before.LayerDigests.TakeLast(3)), "runtime, NuGet and app layers");
            Assert.That(_after.ManifestDigest, Is.Not.EqualTo(_before.ManifestDigest));
        });
    }

    [Test]
    public void The_rebased_image_runs()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_report["hello"], Is.EqualTo("Hello from a distroless image!"));
            Assert.That(_report["timezone"], Is.EqualTo("Europe/Berlin 01:00:00"));
        });
    }
}
