using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// distroless.lock.json against the real archive, through a loopback proxy that records every
/// request: the first publish writes the lock; a locked publish reads no package index and
/// gives the same digest; with the mirror unreachable and the cache warm a publish still
/// succeeds (and says the archive could not be checked); a changed package set in CI mode
/// fails with DSTL2012 and writes nothing.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class LockFileTests
{
    private readonly string _cache = TestEnvironment.NewTempDirectory("lock-cache");
    private SampleProject _sample = null!;
    private string _lockFile = "";
    private (ProcessResult Result, ImageArchive? Image, IReadOnlyList<string> Requests) _first;
    private (ProcessResult Result, ImageArchive? Image, IReadOnlyList<string> Requests) _locked;
    private (ProcessResult Result, ImageArchive? Image) _offline;
    private (ProcessResult Result, string Archive) _changed;
    private string _lockAfterFirst = "";
    private string _lockAfterLocked = "";

    [OneTimeSetUp]
    public async Task PublishFourTimesAsync()
    {
        _sample = SampleProject.Create("lock");
        _lockFile = Path.Combine(_sample.Directory, "distroless.lock.json");

        using (var mirror = MirrorProxy.Start())
        {
            _first = await PublishThroughAsync(mirror, "first");
            Assert.That(_first.Result.ExitCode, Is.Zero, _first.Result.All);
            _lockAfterFirst = File.ReadAllText(_lockFile);
        }

        using (var mirror = MirrorProxy.Start())
        {
            _locked = await PublishThroughAsync(mirror, "locked", "-p:DistrolessLocked=true");
            _lockAfterLocked = File.ReadAllText(_lockFile);
        }

        var unreachable = $"http://127.0.0.1:{FreePort.Next()}/";
        var offlineArchive = Path.Combine(_sample.Directory, "offline.tar");
        var offline = await _sample.PublishAsync(_cache, "-r", "linux-x64", "-p:DistrolessIncremental=false",
            "-p:DistrolessDebianMirror=" + unreachable + "debian", "-p:DistrolessDebianSecurityMirror=" + unreachable + "debian-security",
            "-p:ContainerArchiveOutputPath=" + offlineArchive);
        _offline = (offline, File.Exists(offlineArchive) ? ImageArchive.Open(offlineArchive) : null);

        var project = File.ReadAllText(_sample.ProjectFile);
        File.WriteAllText(_sample.ProjectFile, project.Replace("</Project>",
            "  <ItemGroup><DistrolessPackage Include=\"libgssapi-krb5-2\" /></ItemGroup>\n</Project>"));
        var changedArchive = Path.Combine(_sample.Directory, "changed.tar");
        var changed = await _sample.PublishAsync(_cache, "-r", "linux-x64", "-p:DistrolessIncremental=false", "-p:DistrolessLocked=true",
            "-p:ContainerArchiveOutputPath=" + changedArchive);
        _changed = (changed, changedArchive);
    }

    private async Task<(ProcessResult, ImageArchive?, IReadOnlyList<string>)> PublishThroughAsync(MirrorProxy mirror, string name, params string[] extra)
    {
        var archive = Path.Combine(_sample.Directory, name + ".tar");
        var result = await _sample.PublishAsync(_cache, ["-r", "linux-x64", "-p:DistrolessIncremental=false",
            "-p:DistrolessDebianMirror=" + mirror.MainUri, "-p:DistrolessDebianSecurityMirror=" + mirror.SecurityUri,
            "-p:ContainerArchiveOutputPath=" + archive, .. extra]);
        return (result, File.Exists(archive) ? ImageArchive.Open(archive) : null, mirror.Requests);
    }

    [Test]
    public void The_first_publish_resolves_from_the_indexes_and_writes_the_lock()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_lockAfterFirst, Does.Contain("\"suite\": \"bookworm\"").And.Contain("\"sha256\""));
            Assert.That(_first.Requests, Has.Some.Contains("/binary-amd64/"), "the first resolve reads the package indexes (by hash)");
            Assert.That(_first.Requests, Has.Some.EndsWith(".deb"));
        });
    }

    [Test]
    public void A_locked_publish_reads_no_index_and_gives_the_same_image()
    {
        Assert.That(_locked.Result.ExitCode, Is.Zero, _locked.Result.All);
        Assert.Multiple(() =>
        {
            Assert.That(_locked.Image!.ManifestDigest, Is.EqualTo(_first.Image!.ManifestDigest));
            Assert.That(_locked.Requests.Where(r => r.Contains("/binary-", StringComparison.Ordinal)), Is.Empty, "no Packages request");
            Assert.That(_locked.Requests, Has.All.EndsWith("/InRelease"), "a warm locked publish checks the three InRelease files only");
            Assert.That(_lockAfterLocked, Is.EqualTo(_lockAfterFirst), "a locked publish never writes the lock");
        });
    }

    [Test]
    public void With_the_mirror_unreachable_a_warm_publish_succeeds_and_says_so()
    {
        Assert.That(_offline.Result.ExitCode, Is.Zero, _offline.Result.All);
        Assert.Multiple(() =>
        {
            Assert.That(_offline.Image!.ManifestDigest, Is.EqualTo(_first.Image!.ManifestDigest));
            Assert.That(_offline.Result.Output, Does.Contain("warning").IgnoreCase);
        });
    }

    [Test]
    public void A_changed_package_set_in_CI_mode_fails_with_DSTL2012_and_writes_nothing()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_changed.Result.ExitCode, Is.Not.Zero);
            Assert.That(_changed.Result.All, Does.Contain("DSTL2012").And.Contain("libgssapi-krb5-2"));
            Assert.That(File.Exists(_changed.Archive), Is.False);
            Assert.That(File.ReadAllText(_lockFile), Is.EqualTo(_lockAfterFirst));
        });
    }
}
