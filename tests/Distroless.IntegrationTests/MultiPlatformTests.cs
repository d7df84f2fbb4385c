using System.Text;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// RuntimeIdentifiers=linux-x64;linux-arm64 makes one image index: each platform on a base
/// from its own architecture's Debian packages, every ELF file of the arm64 image an AArch64
/// one, and podman on this x86-64 machine picks and runs the amd64 image.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class MultiPlatformTests
{
    private string _archive = "";
    private ImageArchive _index = null!;
    private IReadOnlyDictionary<string, ImageArchive> _platforms = null!;
    private Dictionary<string, string> _report = [];

    [OneTimeSetUp]
    public async Task PublishAndRunAsync()
    {
        // Quoted for MSBuild (no shell in between): one list-valued property, not two properties.
        (_index, _archive) = await SampleImages.PublishAsync(SampleProject.Create("multi"), "multi", "-p:RuntimeIdentifiers=\"linux-x64;linux-arm64\"");
        _platforms = _index.Platforms();
        _report = await SampleImages.RunAsync(_archive);
    }

    [Test]
    public void The_archive_is_one_index_of_amd64_and_arm64_v8()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_index.Index.GetProperty("manifests").GetArrayLength(), Is.EqualTo(1), "one entry: the index, no per-platform tags");
            Assert.That(_platforms.Keys, Is.EquivalentTo(new[] { "linux/amd64", "linux/arm64/v8" }));
            Assert.That(_platforms["linux/arm64/v8"].Config.GetProperty("architecture").GetString(), Is.EqualTo("arm64"));
            Assert.That(_platforms["linux/arm64/v8"].Config.GetProperty("variant").GetString(), Is.EqualTo("v8"));
        });
    }

    [TestCase("linux/arm64/v8", ElfFile.AArch64, "arm64")]
    [TestCase("linux/amd64", ElfFile.X8664, "amd64")]
    public void Every_ELF_file_and_every_package_is_for_the_platform(string platform, int machine, string debianArchitecture)
    {
        var image = _platforms[platform];
        var elves = image.FileContents(_ => true).Where(f => ElfFile.IsElf(f.Value)).ToList();
        var libc = Encoding.UTF8.GetString(image.FileContents(p => p == "var/lib/dpkg/status.d/libc6").Single().Value);

        Assert.Multiple(() =>
        {
            Assert.That(elves, Has.Count.GreaterThan(20));
            Assert.That(elves.Where(f => ElfFile.Machine(f.Value) != machine).Select(f => f.Key), Is.Empty);
            Assert.That(libc, Does.Contain($"Architecture: {debianArchitecture}\n"));
        });
    }

    [Test]
    public void Podman_picks_the_amd64_image_and_it_runs()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_report["hello"], Is.EqualTo("Hello from a distroless image!"));
            Assert.That(_report["uid"], Is.EqualTo("65532"));
        });
    }

    [Test]
    public void Each_platform_has_its_SBOMs_beside_the_archive()
    {
        var stem = Path.Combine(Path.GetDirectoryName(_archive)!, "multi");
        Assert.That(new[] { ".amd64.spdx.json", ".amd64.cdx.json", ".arm64.spdx.json", ".arm64.cdx.json" }.Where(s => !File.Exists(stem + s)), Is.Empty);
    }
}
