using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// A publish with nothing changed skips the image step and says so (the archive stays as it
/// was); a code change builds the image again.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class IncrementalPublishTests
{
    private const string Skipped = "image step skipped";

    [Test]
    public async Task An_unchanged_publish_skips_the_image_step_and_a_code_change_does_not()
    {
        var sample = SampleProject.Create("incremental");
        var archive = Path.Combine(sample.Directory, "app.tar");
        string[] arguments = ["-r", "linux-x64", "-p:ContainerArchiveOutputPath=" + archive];

        var first = await sample.PublishAsync(SharedCache.Path, arguments);
        Assert.That(first.ExitCode, Is.Zero, first.All);
        var firstDigest = ImageArchive.Open(archive).ManifestDigest;
        var firstWrite = File.GetLastWriteTimeUtc(archive);

        var second = await sample.PublishAsync(SharedCache.Path, arguments);
        Assert.That(second.ExitCode, Is.Zero, second.All);
        var secondWrite = File.GetLastWriteTimeUtc(archive);

        File.AppendAllText(sample.ProgramFile, "\nConsole.WriteLine(\"changed: yes\");\n");
        var third = await sample.PublishAsync(SharedCache.Path, arguments);
        Assert.That(third.ExitCode, Is.Zero, third.All);

        Assert.Multiple(() =>
        {
            Assert.That(first.Output, Does.Not.Contain(Skipped));
            Assert.That(second.Output, Does.Contain(Skipped).And.Contain(firstDigest));
            Assert.That(secondWrite, Is.EqualTo(firstWrite), "the skipped publish left the archive alone");
            Assert.That(File.GetLastWriteTimeUtc(archive), Is.Not.EqualTo(firstWrite), "the third publish wrote the archive again");
            Assert.That(third.Output, Does.Not.Contain(Skipped));
            Assert.That(ImageArchive.Open(archive).ManifestDigest, Is.Not.EqualTo(firstDigest));
        });
    }
}
