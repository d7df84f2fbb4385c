using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// Same input, same digest: two clean publishes, each with its own empty cache (so every
/// layer is rebuilt from downloaded packages), give the same manifest digest; a one-line code
/// change then moves only the app layer.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ReproducibilityTests
{
    [Test]
    public async Task Two_clean_publishes_give_the_same_digest_and_a_code_change_moves_only_the_app_layer()
    {
        var sample = SampleProject.Create("repro");
        var archive = Path.Combine(sample.Directory, "image.tar");
        string[] arguments = ["-r", "linux-x64", "-p:ContainerArchiveOutputPath=" + archive];

        var first = await sample.PublishAsync(TestEnvironment.NewTempDirectory("cache-a"), arguments);
        Assert.That(first.ExitCode, Is.Zero, first.All);
        var firstImage = ImageArchive.Open(archive);

        sample.Clean();
        var secondCache = TestEnvironment.NewTempDirectory("cache-b");
        var second = await sample.PublishAsync(secondCache, arguments);
        Assert.That(second.ExitCode, Is.Zero, second.All);
        var secondImage = ImageArchive.Open(archive);
        Assert.That(secondImage.ManifestDigest, Is.EqualTo(firstImage.ManifestDigest));

        var program = Path.Combine(sample.Directory, "Program.cs");
        File.AppendAllText(program, "\nConsole.WriteLine(\"changed: yes\");\n");
        var third = await sample.PublishAsync(secondCache, arguments);
        Assert.That(third.ExitCode, Is.Zero, third.All);
        var thirdImage = ImageArchive.Open(archive);

        Assert.That(thirdImage.ManifestDigest, Is.Not.EqualTo(secondImage.ManifestDigest));
        Assert.That(thirdImage.LayerDigests.SkipLast(1), Is.EqualTo(secondImage.LayerDigests.SkipLast(1)),
            "only the app layer may change after a code change");
        Assert.That(thirdImage.LayerDigests[^1], Is.Not.EqualTo(secondImage.LayerDigests[^1]));
    }
}
