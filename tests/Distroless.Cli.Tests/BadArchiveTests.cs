using Distroless.Testing.Registry;

namespace Distroless.Cli.Tests;

/// <summary>
/// Input the core now rejects itself (the command line no longer checks it first): a damaged
/// archive given to push or inspect, a mirror that is no URI given to base. Each is exit 1 with
/// its DSTL code, never DSTL9001.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class BadArchiveTests
{
    private static string Truncated(TempDirectory temp)
    {
        var archive = TestImages.WriteArchive(temp);
        var bytes = File.ReadAllBytes(archive);
        var cut = temp.Combine("cut.tar");
        File.WriteAllBytes(cut, bytes[..700]);
        return cut;
    }

    [Test]
    public async Task Pushing_a_truncated_archive_is_DSTL4004_and_uploads_nothing()
    {
        using var temp = new TempDirectory();
        var registry = new InMemoryRegistry();
        var cut = Truncated(temp);

        var result = await Cli.In(temp, registry: registry).RunAsync("push", cut, "registry.test/shop/api:1.0");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.StartWith($"error DSTL4004: cannot read the image {cut}: it is truncated or not a tar file"));
        Assert.That(registry.Exchanges, Is.Empty, "the archive is read before the registry is asked anything");
    }

    [Test]
    public async Task Inspecting_a_truncated_archive_is_DSTL4004()
    {
        using var temp = new TempDirectory();
        var cut = Truncated(temp);

        var result = await Cli.In(temp).RunAsync("inspect", cut);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.StartWith("error DSTL4004:").And.Contain("truncated or not a tar file"));
    }

    [Test]
    public async Task Base_with_a_mirror_that_is_no_URI_is_DSTL1004_before_any_download()
    {
        using var temp = new TempDirectory();
        var cli = new Cli { Home = temp.Combine("home"), ArchiveHandler = new NoArchive() };
        cli.Environment["DISTROLESS_CACHE"] = temp.Combine("cache");

        var result = await cli.RunAsync("--mirror", "mirror.example/debian", "--security-mirror", "http://deb.test/debian-security",
            "base", "--archive", temp.Combine("base.tar"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.StartWith("error DSTL1004: --mirror has the invalid value \"mirror.example/debian\""));
    }

    private sealed class NoArchive : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException($"unexpected Debian request {request.RequestUri}");
    }
}
