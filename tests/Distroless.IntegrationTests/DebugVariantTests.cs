using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// DistrolessDebug=true: Debian's static busybox at /busybox, on PATH, in one extra layer; a
/// shell session in the image runs as nonroot; the SBOM says busybox is in there.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DebugVariantTests
{
    private ImageArchive _image = null!;
    private string _archive = "";
    private string? _loaded;

    [OneTimeSetUp]
    public async Task PublishAsync()
    {
        (_image, _archive) = await SampleImages.PublishAsync(SampleProject.Create("debug"), "debug", "-r", "linux-x64", "-p:DistrolessDebug=true");
        _loaded = await Podman.LoadAsync(_archive);
    }

    [OneTimeTearDown]
    public async Task RemoveAsync()
    {
        if (_loaded is not null)
        {
            await Podman.RemoveImageAsync(_loaded);
        }
    }

    [Test]
    public async Task A_busybox_shell_runs_in_the_image_as_nonroot()
    {
        var shell = await Podman.RunCheckedAsync("run", "--rm", "--network", "none", "--entrypoint", "/busybox/sh", _loaded!,
            "-c", "id -u; echo $PATH; ls /app/HelloDistroless");

        var lines = shell.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("65532"));
            Assert.That(lines[1], Does.Contain("/busybox"));
            Assert.That(lines[2], Is.EqualTo("/app/HelloDistroless"));
        });
    }

    [Test]
    public async Task The_app_still_starts_by_default()
    {
        var run = await Podman.RunCheckedAsync("run", "--rm", "--network", "none", _loaded!);
        Assert.That(RunReport.Parse(run.Output)["hello"], Is.EqualTo("Hello from a distroless image!"));
    }

    [Test]
    public void Busybox_is_in_the_dpkg_records_and_the_SBOM()
    {
        var spdx = File.ReadAllText(Path.Combine(Path.GetDirectoryName(_archive)!, "debug.spdx.json"));
        Assert.Multiple(() =>
        {
            Assert.That(ImageFacts.DebianPackages(_image), Does.Contain("busybox-static"));
            Assert.That(spdx, Does.Contain("pkg:deb/debian/busybox-static@"));
        });
    }
}
