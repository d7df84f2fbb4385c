using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// What a push costs, counted by the proxy in front of a real registry: the first push uploads
/// every blob (three requests for a small one), an unchanged republish uploads nothing, a
/// one-line code change uploads one layer, the config and the manifests, and a push of the same
/// image to another repository mounts every blob instead of uploading it. The pushes run the
/// core <see cref="Building.Containerizer"/> on the plan of the shared sample's publish. What a
/// push attaches to the image (SBOM referrers) is counted apart (<see cref="PushTraffic"/>).
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class PushCountingTests
{
    [Test]
    public async Task The_first_push_uploads_every_blob_with_three_requests_per_small_blob_and_a_republish_uploads_nothing()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        var sample = await SharedSample.OriginalAsync();
        var plan = sample.PushPlan(proxy.Host, "shop/api", "1.4.2", "latest");
        var archive = ImageArchive.Open(sample.ArchivePath);
        var sizes = archive.Manifest.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("size").GetInt64())
            .Append(archive.Manifest.GetProperty("config").GetProperty("size").GetInt64()).ToList();
        var threshold = plan.RegistrySettings.ChunkedUploadThreshold;
        var small = sizes.Count(s => s < threshold);
        var chunks = sizes.Where(s => s >= threshold).Sum(s => (int)Math.Ceiling(s / (double)plan.RegistrySettings.ChunkSize));

        var first = await CoreBuild.RunAsync(plan, temp.Path);
        var push = first.Push!;
        var traffic = new PushTraffic(proxy.Requests, sample.BlobDigests, plan.Tags);
        TestContext.Out.WriteLine(traffic);
        Assert.Multiple(() =>
        {
            Assert.That(first.Image.Digest.ToString(), Is.EqualTo(sample.Digest));
            Assert.That(push.BlobsUploaded, Is.EqualTo(sizes.Count));
            Assert.That(push.BytesUploaded, Is.EqualTo(sizes.Sum()));
            Assert.That(traffic.UploadedBytes, Is.EqualTo(sizes.Sum()), "every byte once, nothing twice");
            Assert.That(small, Is.GreaterThan(10), "the sample has many small blobs");
            Assert.That(chunks, Is.GreaterThan(1), "and one large enough for a chunked upload");
            // Every blob: HEAD, POST, then one PUT with the body (small) or PATCHes and an empty PUT (large).
            Assert.That(traffic.Count(RequestKind.BlobHead), Is.EqualTo(sizes.Count));
            Assert.That(traffic.Count(RequestKind.UploadStart), Is.EqualTo(sizes.Count));
            Assert.That(traffic.Count(RequestKind.UploadPut), Is.EqualTo(sizes.Count));
            Assert.That(traffic.Count(RequestKind.UploadPatch), Is.EqualTo(chunks));
            Assert.That(traffic.Count(RequestKind.ManifestHead), Is.EqualTo(2));
            Assert.That(traffic.Count(RequestKind.ManifestPut), Is.EqualTo(2));
            Assert.That(traffic.Count(RequestKind.Ping), Is.EqualTo(1));
            Assert.That(traffic.Image, Has.Count.EqualTo(1 + 2 + (3 * sizes.Count) + chunks + 2), "nothing else was sent for the image");
            Assert.That(proxy.Requests.Count(r => r.Kind != RequestKind.Ping), Is.EqualTo(push.Requests), "the push counts what it sends");
        });
        var large = sizes.Count - small;
        var perSmallBlob = (traffic.Image.Count - 1 - 4 - (3 * large) - chunks) / (double)small;
        TestContext.Out.WriteLine($"requests per new small blob: {perSmallBlob}; attached to the image: {traffic.Other.Count} requests");
        Assert.That(perSmallBlob, Is.EqualTo(3));

        proxy.Reset();
        var again = await CoreBuild.RunAsync(plan, temp.Path);
        var republish = new PushTraffic(proxy.Requests, sample.BlobDigests, plan.Tags);
        Assert.Multiple(() =>
        {
            Assert.That(again.Image.Digest, Is.EqualTo(first.Image.Digest));
            Assert.That(again.Push!.BlobsUploaded, Is.Zero);
            Assert.That(again.Push.ManifestsPut, Is.Zero);
            Assert.That(proxy.UploadedBytes, Is.Zero);
            Assert.That(republish.Image.Select(r => r.Kind).Order(), Is.EqualTo(new[] { RequestKind.Ping, RequestKind.ManifestHead, RequestKind.ManifestHead }),
                republish.ToString());
            Assert.That(republish.Other.Select(r => r.Kind), Is.All.EqualTo(RequestKind.ManifestHead), "an attached artifact costs one HEAD");
        });
    }

    [Test]
    public async Task A_one_line_code_change_uploads_one_layer_the_config_and_the_manifests()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        var original = await SharedSample.OriginalAsync();
        var changed = await SharedSample.ChangedAsync();
        string[] tags = ["1.4.2", "latest"];
        await CoreBuild.RunAsync(original.PushPlan(proxy.Host, "shop/api", tags), temp.Path);
        proxy.Reset();

        var result = await CoreBuild.RunAsync(changed.PushPlan(proxy.Host, "shop/api", tags), temp.Path);
        var traffic = new PushTraffic(proxy.Requests, changed.BlobDigests, tags);

        var newLayers = changed.LayerDigests.Except(original.LayerDigests).ToList();
        var changedArchive = ImageArchive.Open(changed.ArchivePath);
        var configSize = changedArchive.Manifest.GetProperty("config").GetProperty("size").GetInt64();
        var appLayerSize = changedArchive.Manifest.GetProperty("layers").EnumerateArray().Last().GetProperty("size").GetInt64();
        Assert.Multiple(() =>
        {
            Assert.That(result.Image.Digest.ToString(), Is.EqualTo(changed.Digest));
            Assert.That(newLayers, Is.EqualTo(new[] { changed.LayerDigests[^1] }), "a code change moves the app layer only");
            Assert.That(result.Push!.BlobsUploaded, Is.EqualTo(2), "the app layer and the config");
            Assert.That(result.Push.BlobsPresent, Is.EqualTo(changed.LayerDigests.Count - 1));
            Assert.That(result.Push.ManifestsPut, Is.EqualTo(2));
            Assert.That(traffic.Count(RequestKind.UploadPut), Is.EqualTo(2));
            Assert.That(traffic.Count(RequestKind.UploadPatch), Is.Zero);
            Assert.That(traffic.UploadedBytes, Is.EqualTo(appLayerSize + configSize));
            Assert.That(traffic.Count(RequestKind.ManifestPut), Is.EqualTo(2));
            Assert.That(traffic.Count(RequestKind.BlobHead), Is.EqualTo(changed.LayerDigests.Count + 1), "each blob is checked once");
        });
        TestContext.Out.WriteLine($"code change: {traffic.UploadedBytes} bytes of the image uploaded in {traffic.Image.Count} requests; " +
            $"{proxy.UploadedBytes - traffic.UploadedBytes} bytes in {traffic.Other.Count} requests for what is attached to it");
    }

    [Test]
    public async Task A_push_of_the_same_image_to_another_repository_mounts_every_blob()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        var sample = await SharedSample.OriginalAsync();
        await CoreBuild.RunAsync(sample.PushPlan(proxy.Host, "shop/api", "1"), temp.Path);
        proxy.Reset();

        var result = await CoreBuild.RunAsync(sample.PushPlan(proxy.Host, "shop/api-copy", "1"), temp.Path);

        var blobs = sample.LayerDigests.Count + 1;
        var traffic = new PushTraffic(proxy.Requests, sample.BlobDigests, ["1"]);
        var mounts = traffic.Image.Where(r => r.Kind == RequestKind.BlobMount).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.Push!.BlobsMounted, Is.EqualTo(blobs));
            Assert.That(result.Push.BlobsUploaded, Is.Zero);
            Assert.That(mounts, Has.Count.EqualTo(blobs));
            Assert.That(mounts.Select(r => r.Status), Is.All.EqualTo(201));
            Assert.That(mounts.Select(r => r.Target), Is.All.Contains("from=shop%2Fapi"));
            Assert.That(traffic.Count(RequestKind.UploadStart), Is.Zero);
            Assert.That(traffic.UploadedBytes, Is.Zero);
            Assert.That(traffic.Count(RequestKind.ManifestPut), Is.EqualTo(1));
        });

        var skopeo = new Skopeo(temp.Path);
        var inspect = await skopeo.InspectAsync("docker://" + registry.Reference("shop/api-copy", "1"), "--tls-verify=false");
        Assert.That(inspect.ExitCode, Is.Zero, inspect.All);
        using var json = System.Text.Json.JsonDocument.Parse(inspect.Output);
        Assert.That(json.RootElement.GetProperty("Digest").GetString(), Is.EqualTo(sample.Digest));
    }
}
