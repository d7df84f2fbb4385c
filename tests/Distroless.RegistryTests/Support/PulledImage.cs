using Distroless.RegistryTests.Infrastructure;

namespace Distroless.RegistryTests.Support;

/// <summary>The end-to-end check a pushed sample gets: podman pulls it from the registry over plain HTTP and runs it.</summary>
public static class PulledImage
{
    /// <summary>Pulls REGISTRY/REPOSITORY:TAG, runs it without network, checks it greeted, and removes it.</summary>
    public static async Task RunsAsync(DistributionRegistry registry, string repository, string tag)
    {
        var image = registry.Reference(repository, tag);
        try
        {
            var pull = await Podman.RunAsync("pull", "--tls-verify=false", image);
            Assert.That(pull.ExitCode, Is.Zero, pull.All);
            var run = await Podman.RunAsync("run", "--rm", "--network", "none", image);
            Assert.That(run.ExitCode, Is.Zero, run.All);
            Assert.That(run.Output, Does.Contain("hello: Hello from a distroless image!"));
        }
        finally
        {
            await Podman.RemoveImageAsync(image);
        }
    }
}
