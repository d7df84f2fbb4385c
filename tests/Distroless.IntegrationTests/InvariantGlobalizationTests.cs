using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// A framework-dependent app with InvariantGlobalization=true: no ICU package and no ICU file in
/// the image, .NET told so in the environment, and the app runs.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class InvariantGlobalizationTests
{
    private ImageArchive _image = null!;
    private Dictionary<string, string> _report = [];

    [OneTimeSetUp]
    public async Task PublishAndRunAsync()
    {
        var sample = SampleProject.Create("invariant");
        // The sample formats a de-DE date, which invariant mode rejects; this app only reports.
        File.WriteAllText(sample.ProgramFile, """
            Console.WriteLine("hello: invariant");
            Console.WriteLine($"culture: [{System.Globalization.CultureInfo.CurrentCulture.Name}]");
            Console.WriteLine($"upper: {"istanbul".ToUpperInvariant()}");
            """);
        (_image, var archive) = await SampleImages.PublishAsync(sample, "invariant", "-r", "linux-x64", "-p:InvariantGlobalization=true");
        _report = await SampleImages.RunAsync(archive);
    }

    [Test]
    public void There_is_no_ICU_and_the_environment_says_invariant()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ImageFacts.DebianPackages(_image), Has.None.StartsWith("libicu"));
            Assert.That(_image.FileSystem().Keys, Has.None.Contains("libicu"));
            Assert.That(ImageFacts.Environment(_image), Does.Contain("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true"));
        });
    }

    [Test]
    public void The_app_runs()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_report["hello"], Is.EqualTo("invariant"));
            Assert.That(_report["culture"], Is.EqualTo("[]"));
            Assert.That(_report["upper"], Is.EqualTo("ISTANBUL"));
        });
    }
}
