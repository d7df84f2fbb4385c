using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>The steps most fixtures share: publish a sample to an archive, and run an archive once with podman.</summary>
public static class SampleImages
{
    /// <summary>Publishes with the shared cache to &lt;sample&gt;/&lt;name&gt;.tar; fails the fixture with the build output if the publish fails.</summary>
    public static async Task<(ImageArchive Image, string Archive)> PublishAsync(SampleProject sample, string name, params string[] arguments)
    {
        var archive = Path.Combine(sample.Directory, name + ".tar");
        var published = await sample.PublishAsync(SharedCache.Path, [.. arguments, "-p:ContainerArchiveOutputPath=" + archive]);
        Assert.That(published.ExitCode, Is.Zero, published.All);
        return (ImageArchive.Open(archive), archive);
    }

    /// <summary>Loads the archive, runs it once without network, removes it, and returns the "key: value" report it printed.</summary>
    public static async Task<Dictionary<string, string>> RunAsync(string archive)
    {
        var loaded = await Podman.LoadAsync(archive);
        try
        {
            return RunReport.Parse((await Podman.RunCheckedAsync("run", "--rm", "--network", "none", loaded)).Output);
        }
        finally
        {
            await Podman.RemoveImageAsync(loaded);
        }
    }
}
