using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>`dotnet publish -p:LocalRegistry=Podman`: the image goes into podman's store, and no archive is left behind.</summary>
[TestFixture]
[Category("Registry")]
public sealed class LocalEngineTests
{
    [Test]
    public async Task LocalRegistry_Podman_loads_the_image_into_podman_and_writes_no_archive()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        var repository = "distroless-local-" + Guid.NewGuid().ToString("N")[..8];
        var sample = (await SharedSample.OriginalAsync()).Sample;
        var archivesBefore = Archives(sample.Directory);
        try
        {
            var publish = await SharedSample.PublishAsync(temp.Path, null, "-p:LocalRegistry=Podman", "-p:ContainerRepository=" + repository);
            Assert.That(publish.ExitCode, Is.Zero, publish.All);

            var images = await Podman.RunCheckedAsync("images", "--format", "{{.Repository}}:{{.Tag}} {{.Digest}}");
            var line = images.Output.Split('\n').FirstOrDefault(l => l.Contains($"{repository}:latest", StringComparison.Ordinal));
            Assert.Multiple(() =>
            {
                Assert.That(SharedSample.LastLine(publish), Does.Contain($"{repository}:latest").And.Contain("loaded into podman"));
                Assert.That(line, Is.Not.Null, "podman images lists it:\n" + images.Output);
                Assert.That(line, Does.EndWith(SharedSample.DigestOf(publish)));
                Assert.That(Archives(sample.Directory), Is.EqualTo(archivesBefore), "no archive was written");
                Assert.That(Directory.GetFiles(Path.GetTempPath(), "*.tar"), Has.None.Contains(repository));
            });

            var run = await Podman.RunAsync("run", "--rm", "--network", "none", repository + ":latest");
            Assert.That(run.Output, Does.Contain("hello: Hello from a distroless image!"), run.All);
        }
        finally
        {
            await Podman.RemoveImageAsync(repository + ":latest");
        }
    }

    private static List<string> Archives(string directory)
        => [.. Directory.GetFiles(directory, "*.tar", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}
