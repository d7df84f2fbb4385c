using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// Publish and rebase (in process and through the CLI, as Visual Studio's MSBuild runs it) map a
/// project's inputs with one mapper, so they agree on the image's name and place even for an
/// awkward AssemblyName ("My+Probe.Service": upper case, '+', dots) and a relative archive path
/// given while dotnet runs in another directory.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class NameAgreementTests
{
    private const string AssemblyName = "My+Probe.Service";
    private const string ImageName = "my-probe.service:latest";

    private SampleProject _sample = null!;
    private string _elsewhere = "";
    private string _archive = "";
    private string _project = "";

    [OneTimeSetUp]
    public void CreateSample()
    {
        _sample = SampleProject.Create("awkward-name");
        _elsewhere = TestEnvironment.NewTempDirectory("cwd");
        _archive = Path.Combine(_sample.Directory, "out", "my-probe.service.tar");
        _project = Path.GetRelativePath(_elsewhere, _sample.ProjectFile);
    }

    private Task<ProcessResult> DotnetAsync(params string[] arguments) => _sample.DotnetInAsync(_elsewhere, SharedCache.Path, new Dictionary<string, string>(),
        [.. arguments, "-p:Configuration=Release", "-p:RuntimeIdentifier=linux-x64", "-p:AssemblyName=" + AssemblyName, "-p:ContainerArchiveOutputPath=out/"]);

    private static string NameIn(ImageArchive image) => image.Index.GetProperty("manifests")[0].GetProperty("annotations")
        .GetProperty("io.containerd.image.name").GetString()!;

    [Test, Order(1)]
    public async Task Publish_names_the_image_after_the_assembly_normalized()
    {
        var published = await DotnetAsync("publish", _project, "-p:PublishDistroless=true", "-p:DistrolessIncremental=false");

        Assert.That(published.ExitCode, Is.Zero, published.All);
        Assert.Multiple(() =>
        {
            Assert.That(published.Output, Does.Contain(ImageName));
            Assert.That(NameIn(ImageArchive.Open(_archive)), Does.EndWith(ImageName));
            Assert.That(File.ReadAllText(Path.Combine(_sample.Directory, "obj", "Release", "net10.0", "linux-x64", "distroless.plan.json")),
                Does.Contain("\"repository\": \"my-probe.service\""));
        });
    }

    [TestCase(false), Order(2)]
    [TestCase(true)]
    public async Task Rebase_writes_the_same_name_to_the_same_place(bool outOfProcess)
    {
        Assume.That(File.Exists(_archive), "the publish made the archive");
        var before = ImageArchive.Open(_archive);

        var rebased = await DotnetAsync("msbuild", _project, "-t:DistrolessRebase", "-p:DistrolessOutOfProcess=" + (outOfProcess ? "true" : "false"));

        Assert.That(rebased.ExitCode, Is.Zero, rebased.All);
        var after = ImageArchive.Open(_archive);
        Assert.Multiple(() =>
        {
            Assert.That(rebased.Output, Does.Contain("-> " + ImageName).Or.Contain(ImageName + " (sha256:"));
            Assert.That(rebased.Output, Does.Not.Contain("my+probe"));
            Assert.That(NameIn(after), Is.EqualTo(NameIn(before)));
            Assert.That(after.LayerDigests.TakeLast(3), Is.EqualTo(before.LayerDigests.TakeLast(3)), "the app layers stay");
            Assert.That(Directory.GetFileSystemEntries(_elsewhere), Is.Empty, "nothing lands where dotnet was started");
        });
    }
}
