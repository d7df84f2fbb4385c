using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// The ways a project can use Distroless.Sdk besides the PackageReference the other fixtures
/// use: the MSBuild SDK form (&lt;Sdk Name="Distroless.Sdk" /&gt;, no PackageReference) and the
/// sample's publish profile (`dotnet publish -p:PublishProfile=Distroless`, nothing else on
/// the command line). Each gives an image that runs.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ProjectFormsTests
{
    [Test]
    public async Task The_MSBuild_SDK_form_publishes_a_runnable_image()
    {
        var sample = SampleProject.Create("sdk-form");
        // The project as a user of the SDK form writes it: no PackageReference to Distroless.Sdk.
        File.WriteAllText(sample.ProjectFile, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="Distroless.Sdk" Version="{PackedSdk.Version}" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Newtonsoft.Json" Version="13.0.4" />
              </ItemGroup>
            </Project>
            """);

        var (_, archive) = await SampleImages.PublishAsync(sample, "sdk-form", "-r", "linux-x64");

        Assert.That(await SampleImages.RunAsync(archive), Does.ContainKey("hello").WithValue("Hello from a distroless image!"));
    }

    [Test]
    public async Task Published_from_another_directory_the_outputs_are_still_the_projects()
    {
        var sample = SampleProject.Create("elsewhere");
        var elsewhere = TestEnvironment.NewTempDirectory("cwd");

        var published = await sample.DotnetInAsync(elsewhere, SharedCache.Path, new Dictionary<string, string>(),
            "publish", sample.ProjectFile, "-c", "Release", "-r", "linux-x64", "-p:PublishDistroless=true", "-p:ContainerArchiveOutputPath=out/app.tar");

        Assert.That(published.ExitCode, Is.Zero, published.All);
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(sample.Directory, "out", "app.tar")), "a relative archive path is the project's");
            Assert.That(File.Exists(Path.Combine(sample.Directory, "obj", "Release", "net10.0", "linux-x64", "distroless.plan.json")));
            Assert.That(Directory.GetFileSystemEntries(elsewhere), Is.Empty, "nothing lands where dotnet was started");
        });
    }

    [Test]
    public async Task The_publish_profile_alone_publishes_a_runnable_image()
    {
        var sample = SampleProject.Create("profile");

        var published = await sample.DotnetAsync(SharedCache.Path, new Dictionary<string, string>(),
            "publish", sample.ProjectFile, "-p:PublishProfile=Distroless");

        Assert.That(published.ExitCode, Is.Zero, published.All);
        var archive = Directory.GetFiles(Path.Combine(sample.Directory, "bin"), "hellodistroless.tar", SearchOption.AllDirectories).Single();
        var report = await SampleImages.RunAsync(archive);
        Assert.Multiple(() =>
        {
            Assert.That(archive, Does.Contain("/linux-x64/distroless/"), "the profile's runtime identifier");
            Assert.That(report["uid"], Is.EqualTo("65532"));
        });
    }
}
