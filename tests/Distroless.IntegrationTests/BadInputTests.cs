using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// Bad input seen through `dotnet publish`: each case ends in its own DSTL error, and nothing
/// is left at the archive path. (Signature, checksum and unknown-package failures against a
/// signed fixture archive are covered in the unit tests; here the signature check meets a real,
/// tampered Debian InRelease.)
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class BadInputTests
{
    private SampleProject _sample = null!;

    [OneTimeSetUp]
    public void CreateSample() => _sample = SampleProject.Create("bad");

    private async Task<(ProcessResult Result, string Archive)> PublishAsync(params string[] arguments)
    {
        var archive = Path.Combine(TestEnvironment.NewTempDirectory("out"), "image.tar");
        var result = await _sample.PublishAsync(TestEnvironment.NewTempDirectory("cache"),
            ["-r", "linux-x64", "-p:ContainerArchiveOutputPath=" + archive, .. arguments]);
        return (result, archive);
    }

    private static void AssertFailedWith(ProcessResult result, string archive, string code)
    {
        Assert.That(result.ExitCode, Is.Not.Zero, result.All);
        Assert.That(result.Output, Does.Contain($"error {code}:"), result.All);
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(archive)!), Is.Empty, "nothing may be left at the output path");
    }

    [Test]
    public async Task A_non_linux_runtime_identifier_is_refused()
    {
        var archive = Path.Combine(TestEnvironment.NewTempDirectory("out"), "image.tar");
        var result = await _sample.PublishAsync(TestEnvironment.NewTempDirectory("cache"),
            "-r", "win-x64", "-p:ContainerArchiveOutputPath=" + archive);
        AssertFailedWith(result, archive, "DSTL1002");
    }

    [Test]
    public async Task No_mirror_anywhere_says_how_to_set_one()
    {
        var noApt = TestEnvironment.NewTempDirectory("apt");
        var (result, archive) = await PublishAsync("-p:DistrolessAptSourcesDirectory=" + noApt);
        AssertFailedWith(result, archive, "DSTL1001");
        Assert.That(result.Output, Does.Contain("DistrolessDebianMirror").And.Contain("DISTROLESS_DEBIAN_MIRROR"));
    }

    [Test]
    public async Task An_unreachable_mirror_is_named_in_the_error()
    {
        var port = FreePort.Next();
        var mirror = $"http://127.0.0.1:{port}/debian";
        var (result, archive) = await PublishAsync("-p:DistrolessDebianMirror=" + mirror, "-p:DistrolessDebianSecurityMirror=" + mirror);
        AssertFailedWith(result, archive, "DSTL2001");
        Assert.That(result.Output, Does.Contain($"127.0.0.1:{port}/debian/dists/bookworm"));
    }

    [Test]
    public async Task A_tampered_InRelease_from_the_real_archive_fails_the_signature_check()
    {
        using var mirror = MirrorProxy.Start(tamperWithInRelease: true);
        var (result, archive) = await PublishAsync("-p:DistrolessDebianMirror=" + mirror.MainUri, "-p:DistrolessDebianSecurityMirror=" + mirror.SecurityUri);
        AssertFailedWith(result, archive, "DSTL2002");
    }
}
