using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// Publish shapes besides the plain one: a single-file publish (one bundle, so one app layer
/// holding it, started directly) and a trimmed self-contained publish (the trimmed runtime
/// still in a layer of its own, apart from the NuGet packages and the app). Both run.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class SingleFileAndTrimmedTests
{
    [Test]
    public async Task A_single_file_publish_is_one_app_layer_with_the_bundle_and_runs()
    {
        var (image, archive) = await SampleImages.PublishAsync(SampleProject.Create("single-file"), "single",
            "-r", "linux-x64", "--self-contained", "-p:PublishSingleFile=true");
        var app = image.LayerEntries(image.LayerDigests[^1]).Where(e => e.Type == System.Formats.Tar.TarEntryType.RegularFile).ToList();
        var report = await SampleImages.RunAsync(archive);

        Assert.Multiple(() =>
        {
            Assert.That(app.Select(e => e.Path), Is.EqualTo(new[] { "app/HelloDistroless" }), "the bundle, no .pdb");
            Assert.That(app.Single().Mode, Is.EqualTo(Convert.ToInt32("755", 8)));
            Assert.That(image.History, Has.None.Contains(".NET runtime"), "the runtime is inside the bundle");
            Assert.That(report["hello"], Is.EqualTo("Hello from a distroless image!"));
            Assert.That(report["uid"], Is.EqualTo("65532"));
        });
    }

    [Test]
    public async Task A_trimmed_publish_keeps_runtime_packages_and_app_apart_and_runs()
    {
        var (image, archive) = await SampleImages.PublishAsync(SampleProject.Create("trimmed"), "trimmed",
            "-r", "linux-x64", "--self-contained", "-p:PublishTrimmed=true");
        var report = await SampleImages.RunAsync(archive);

        Assert.Multiple(() =>
        {
            Assert.That(image.History[^3], Does.StartWith("distroless: .NET runtime (runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/"));
            Assert.That(image.History[^2], Does.StartWith("distroless: NuGet packages (Newtonsoft.Json/"));
            Assert.That(image.History[^1], Does.StartWith("distroless: app (HelloDistroless/"));
            Assert.That(report["timezone"], Is.EqualTo("Europe/Berlin 01:00:00"));
            // (Newtonsoft.Json serializes the trimmed-away anonymous type as "{}": the app's trimming, not the image.)
            Assert.That(int.Parse(report["root-certificates"]), Is.GreaterThan(100));
        });
    }
}
