using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// The Visual Studio path, forced on the .NET SDK's MSBuild: with DistrolessOutOfProcess=true the
/// targets write the inputs file and run the packed CLI (tools/cli) instead of loading the task.
/// The image must be the one the in-process task builds, problems must still be DSTL errors of
/// the build, and the task's outputs must come back.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class OutOfProcessTests
{
    private SampleProject _sample = null!;
    private string _cache = null!;

    [OneTimeSetUp]
    public void CreateSample()
    {
        _sample = SampleProject.Create("oop");
        _cache = TestEnvironment.NewTempDirectory("cache");
    }

    private Task<ProcessResult> PublishAsync(string archive, params string[] arguments)
        => _sample.PublishAsync(_cache, ["-r", "linux-x64", "-p:ContainerArchiveOutputPath=" + archive, "-p:DistrolessIncremental=false", .. arguments]);

    [Test]
    public async Task Forced_out_of_process_path_produces_the_same_digest_as_the_in_process_path()
    {
        var inProcessArchive = Path.Combine(TestEnvironment.NewTempDirectory("in"), "image.tar");
        var outOfProcessArchive = Path.Combine(TestEnvironment.NewTempDirectory("out"), "image.tar");
        // Values MSBuild would split or take for escapes on the way through a file: ';' and '%'.
        string[] tricky = ["-p:ContainerImageTags=1.0%3Blatest", "-p:Description=100%25 distroless"];

        var inProcess = await PublishAsync(inProcessArchive, tricky);
        Assert.That(inProcess.ExitCode, Is.Zero, inProcess.All);
        var outOfProcess = await PublishAsync(outOfProcessArchive, [.. tricky, "-p:DistrolessOutOfProcess=true"]);
        Assert.That(outOfProcess.ExitCode, Is.Zero, outOfProcess.All);

        var digest = ImageArchive.Open(inProcessArchive).ManifestDigest;
        Assert.Multiple(() =>
        {
            Assert.That(ImageArchive.Open(outOfProcessArchive).ManifestDigest, Is.EqualTo(digest));
            Assert.That(outOfProcess.Output, Does.Contain($"hellodistroless:1.0, hellodistroless:latest ({digest})"), "the CLI's summary is shown");
            Assert.That(File.ReadAllText(Path.Combine(_sample.Directory, "obj", "Release", "net10.0", "linux-x64", "distroless.result.tsv")),
                Does.Contain("ImageDigest\t" + digest));
        });
    }

    [Test]
    public async Task The_task_outputs_come_back_from_the_cli()
    {
        var archive = Path.Combine(TestEnvironment.NewTempDirectory("outputs"), "image.tar");

        var result = await PublishAsync(archive, "-p:DistrolessOutOfProcess=true",
            "-getProperty:DistrolessImageDigest", "-getProperty:DistrolessArchivePath", "-getItem:DistrolessSbomFile");

        Assert.That(result.ExitCode, Is.Zero, result.All);
        Assert.That(result.Output, Does.Contain($"\"DistrolessImageDigest\": \"{ImageArchive.Open(archive).ManifestDigest}\""));
        Assert.That(result.Output, Does.Contain($"\"DistrolessArchivePath\": \"{archive}\""));
        Assert.That(result.Output, Does.Contain("\"Format\": \"spdx\"").And.Contain("\"Format\": \"cyclonedx\""));
    }

    [Test]
    public async Task A_bad_input_is_the_same_DSTL_error_of_the_project()
    {
        var archive = Path.Combine(TestEnvironment.NewTempDirectory("bad"), "image.tar");

        var result = await PublishAsync(archive, "-p:DistrolessOutOfProcess=true", "-p:ContainerRepository=UPPER CASE");

        Assert.That(result.ExitCode, Is.Not.Zero, result.All);
        Assert.That(result.Output, Does.Contain($"{_sample.ProjectFile} : error DSTL1004: ContainerRepository has the invalid value \"UPPER CASE\""),
            result.All);
        Assert.That(File.Exists(archive), Is.False);
    }
}
