using System.Text.Json;
using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// What a user sees: `dotnet publish -p:ContainerRegistry=… -p:ContainerRepository=shop/api
/// -p:ContainerImageTags="1.4.2;latest"` pushes the sample to a real registry (behind the
/// counting proxy), skopeo and podman read it back, podman runs it, and an unchanged
/// republish costs one HEAD per tag.
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class PublishToRegistryTests
{
    [Test]
    public async Task Publish_pushes_both_tags_that_skopeo_and_podman_read_back_and_an_unchanged_republish_sends_nothing()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        var expected = await SharedSample.OriginalAsync();
        string[] arguments = ["-p:ContainerRegistry=" + proxy.Host, "-p:ContainerRepository=shop/api", "-p:ContainerImageTags=\"1.4.2;latest\""];

        var publish = await SharedSample.PublishAsync(temp.Path, null, arguments);
        Assert.That(publish.ExitCode, Is.Zero, publish.All);
        var digest = SharedSample.DigestOf(publish);
        string[] tags = ["1.4.2", "latest"];
        var first = new PushTraffic(proxy.Requests, expected.BlobDigests, tags);
        var firstUploads = (Blobs: first.Count(RequestKind.UploadPut), Bytes: first.UploadedBytes, Manifests: first.Count(RequestKind.ManifestPut));
        var lastLine = SharedSample.LastLine(publish);

        Assert.Multiple(() =>
        {
            Assert.That(lastLine, Does.StartWith($"{proxy.Host}/shop/api:1.4.2, {proxy.Host}/shop/api:latest ({digest})"));
            Assert.That(lastLine, Does.Contain($"pushed: {expected.LayerDigests.Count + 1} blob(s) uploaded"));
            Assert.That(digest, Is.EqualTo(expected.Digest), "the same build pushed or written to an archive has one digest");
            Assert.That(firstUploads.Blobs, Is.EqualTo(expected.LayerDigests.Count + 1), "every layer and the config");
            Assert.That(firstUploads.Manifests, Is.EqualTo(2));
            Assert.That(Directory.GetFiles(expected.Sample.Directory, "*.tar", SearchOption.AllDirectories),
                Is.EqualTo(new[] { expected.ArchivePath }), "a push writes no archive");
        });

        // An independent client reads both tags straight from the registry.
        var skopeo = new Skopeo(temp.Path);
        foreach (var tag in new[] { "1.4.2", "latest" })
        {
            var inspect = await skopeo.InspectAsync("docker://" + registry.Reference("shop/api", tag), "--tls-verify=false");
            Assert.That(inspect.ExitCode, Is.Zero, inspect.All);
            using var json = JsonDocument.Parse(inspect.Output);
            Assert.That(json.RootElement.GetProperty("Digest").GetString(), Is.EqualTo(digest), tag);
            Assert.That(json.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()), Is.EqualTo(expected.LayerDigests));
        }

        // podman pulls it over plain HTTP and runs it.
        await PulledImage.RunsAsync(registry, "shop/api", "1.4.2");

        // Republish without a change: one HEAD per tag (after the version check), nothing uploaded;
        // what the push attaches to the image (SBOM referrers) costs one HEAD each.
        proxy.Reset();
        var again = await SharedSample.PublishAsync(temp.Path, null, arguments);
        Assert.That(again.ExitCode, Is.Zero, again.All);
        var republish = new PushTraffic(proxy.Requests, expected.BlobDigests, tags);
        Assert.Multiple(() =>
        {
            Assert.That(SharedSample.DigestOf(again), Is.EqualTo(digest));
            Assert.That(SharedSample.LastLine(again), Does.Contain(
                $"pushed: 0 blob(s) uploaded (0.0 KiB), 0 mounted, {expected.LayerDigests.Count + 1} already present, 0 manifest(s) written"));
            Assert.That(proxy.UploadedBytes, Is.Zero);
            Assert.That(republish.Image.Select(r => $"{r.Method} {r.Kind}").Order(), Is.EqualTo(new[]
            {
                "GET Ping", "HEAD ManifestHead", "HEAD ManifestHead",
            }), republish.ToString());
            Assert.That(republish.Other.Select(r => r.Kind), Is.All.EqualTo(RequestKind.ManifestHead), republish.ToString());
        });
    }
}
