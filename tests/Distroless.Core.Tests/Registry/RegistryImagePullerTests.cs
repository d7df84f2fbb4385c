using System.Text;
using System.Text.Json.Nodes;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Registry;
using Distroless.Testing;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Logging.Abstractions;
using static Distroless.Core.Tests.Registry.RegistryTestKit;
using Kind = Distroless.Testing.Registry.RegistryRequestKind;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// A registry base image: the platform's manifest chosen from an index, every part verified
/// against its digest on the way into the cache, Docker media types named the OCI way, and a
/// digest-pinned base that is fully cached read without touching the network.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class RegistryImagePullerTests
{
    private static readonly TestImage Amd64 = TestImage.Create("base", "amd64", layers: 3);
    private static readonly TestImage Arm64 = TestImage.Create("base", "arm64", "v8", layers: 2);

    private sealed class Setup : IDisposable
    {
        private readonly TempDirectory _temp = new();
        private readonly List<RegistryTransport> _transports = [];

        public Setup(RegistryAuthMode auth = RegistryAuthMode.None) => Registry = NewRegistry(auth);

        public InMemoryRegistry Registry { get; }

        public string CacheDirectory => _temp.Combine("cache");

        public Task<BaseImage> PullAsync(string reference, Platform? platform = null)
            => Puller(Registry).PullAsync(ImageReference.Parse(reference), platform ?? Platform.LinuxAmd64);

        public RegistryImagePuller Puller(HttpMessageHandler handler) => new(new BlobCache(CacheDirectory), host =>
        {
            Assert.That(host, Is.EqualTo("registry.test"));
            var transport = new RegistryTransport(host, Options(Registry) with { HandlerFactory = () => handler }, Anonymous(), push: false, NullLogger.Instance);
            _transports.Add(transport);
            return transport;
        }, NullLogger.Instance);

        public void Dispose()
        {
            _transports.ForEach(t => t.Dispose());
            _temp.Dispose();
        }
    }

    private static IEnumerable<TestCaseData> Platforms()
    {
        yield return new TestCaseData(false, Platform.LinuxAmd64, "amd64").SetName("An OCI index gives linux/amd64 its manifest");
        yield return new TestCaseData(false, Platform.LinuxArm64, "arm64").SetName("An OCI index gives linux/arm64/v8 its manifest");
        yield return new TestCaseData(true, Platform.LinuxAmd64, "amd64").SetName("A Docker manifest list gives linux/amd64 its manifest");
        yield return new TestCaseData(true, Platform.LinuxArm64, "arm64").SetName("A Docker manifest list gives linux/arm64/v8 its manifest");
    }

    [TestCaseSource(nameof(Platforms))]
    public async Task Picks_the_platform_from_an_index(bool docker, Platform platform, string architecture)
    {
        using var setup = new Setup();
        var images = new[] { TestImage.Create("base", "amd64", layers: 3, docker: docker), TestImage.Create("base", "arm64", "v8", layers: 2, docker: docker) };
        var indexDigest = setup.Registry.AddIndex("base/app", images, docker, "1.0");
        var expected = images.Single(i => i.Architecture == architecture);

        var image = await setup.PullAsync("registry.test/base/app:1.0", platform);

        Assert.Multiple(() =>
        {
            Assert.That(image.Layers.Select(l => l.Digest), Is.EqualTo(expected.LayerDigests));
            Assert.That(image.Layers.Select(l => l.DiffId), Is.EqualTo(expected.DiffIds));
            Assert.That(image.Config!.Platform.Architecture, Is.EqualTo(architecture));
            Assert.That(image.Description, Is.EqualTo($"registry.test/base/app:1.0@{expected.Digest}"));
            Assert.That(image.Annotations, Is.EqualTo(new Dictionary<string, string>
            {
                ["org.opencontainers.image.base.digest"] = expected.Digest.ToString(),
                ["org.opencontainers.image.base.name"] = "registry.test/base/app:1.0",
            }));
            Assert.That(setup.Registry.Exchanges.Where(e => e.Kind == Kind.ManifestGet).Select(e => e.PathAndQuery),
                Is.EqualTo(new[] { "/v2/base/app/manifests/1.0", $"/v2/base/app/manifests/{expected.Digest}" }));
            Assert.That(indexDigest, Is.Not.EqualTo(expected.Digest));
        });
    }

    [Test]
    public async Task An_index_entry_without_a_variant_serves_arm64_v8()
    {
        using var setup = new Setup();
        var noVariant = TestImage.Create("base", "arm64", variant: null);
        setup.Registry.AddIndex("base/app", [TestImage.Create("base", "arm", "v7"), noVariant], tags: "1.0");

        var image = await setup.PullAsync("registry.test/base/app:1.0", Platform.LinuxArm64);

        Assert.That(image.Layers.Select(l => l.Digest), Is.EqualTo(noVariant.LayerDigests));
    }

    [Test]
    public void An_index_without_the_platform_is_DSTL5009_listing_what_it_has()
    {
        using var setup = new Setup();
        setup.Registry.AddIndex("base/app", [Amd64, TestImage.Create("base", "s390x"), TestImage.Create("base", "arm", "v7")], tags: "1.0");

        var error = Fails(() => setup.PullAsync("registry.test/base/app:1.0", Platform.LinuxArm64));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.NoMatchingPlatform));
        Assert.That(error.Message, Does.Contain("linux/arm64/v8").And.Contain("linux/amd64, linux/s390x, linux/arm/v7"));
    }

    [Test]
    public void A_single_manifest_for_another_platform_is_DSTL5009()
    {
        using var setup = new Setup();
        setup.Registry.AddImage("base/app", Arm64, "arm-only");

        var error = Fails(() => setup.PullAsync("registry.test/base/app:arm-only", Platform.LinuxAmd64));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.NoMatchingPlatform));
        Assert.That(error.Message, Does.Contain("linux/amd64").And.Contain("linux/arm64/v8"));
    }

    [Test]
    public async Task A_single_manifest_is_used_as_it_is()
    {
        using var setup = new Setup();
        var digest = setup.Registry.AddImage("base/app", Amd64, "1.0");

        var image = await setup.PullAsync("registry.test/base/app:1.0");

        Assert.That(image.Layers.Select(l => l.Digest), Is.EqualTo(Amd64.LayerDigests));
        Assert.That(image.Description, Is.EqualTo($"registry.test/base/app:1.0@{digest}"));
    }

    [TestCase("registry.test/base/app:2.0", TestName = "A missing tag is DSTL5006")]
    [TestCase("registry.test/base/nothing:1.0", TestName = "A missing repository is DSTL5006")]
    public void Missing_is_DSTL5006(string reference)
    {
        using var setup = new Setup();
        setup.Registry.AddImage("base/app", Amd64, "1.0");

        var error = Fails(() => setup.PullAsync(reference));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.BaseImageNotFound));
        Assert.That(error.Message, Does.Contain(reference));
    }

    [Test]
    public void A_pinned_manifest_whose_bytes_have_another_digest_is_DSTL5005()
    {
        using var setup = new Setup();
        var claimed = Amd64.Digest;
        setup.Registry.AddManifest("base/app", claimed, Arm64.Manifest, MediaTypes.ImageManifest);

        var error = Fails(() => setup.PullAsync($"registry.test/base/app@{claimed}"));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryDigestMismatch));
        Assert.That(new BlobCache(setup.CacheDirectory).Contains(claimed), Is.False);
    }

    [Test]
    public void A_manifest_under_a_tag_whose_bytes_do_not_match_the_registrys_digest_is_DSTL5005()
    {
        using var setup = new Setup();
        // The registry resolves the tag to Amd64's digest (and says so in Docker-Content-Digest), but serves other bytes.
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Amd64.Manifest).Replace("\"schemaVersion\":2", "\"schemaVersion\": 2", StringComparison.Ordinal));
        Assert.That(tampered, Is.Not.EqualTo(Amd64.Manifest));
        setup.Registry.AddManifest("base/app", Amd64.Digest, tampered, MediaTypes.ImageManifest, "1.0");

        var error = Fails(() => setup.PullAsync("registry.test/base/app:1.0"));

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryDigestMismatch));
            Assert.That(error.Diagnostic.Message, Is.EqualTo(
                $"the registry registry.test sent the manifest base/app:1.0 as {Amd64.Digest} (Docker-Content-Digest), but its content hashes to {Digest.Compute(tampered)}."));
            Assert.That(new BlobCache(setup.CacheDirectory).Contains(Digest.Compute(tampered)), Is.False, "nothing of it is cached");
        });
    }

    [Test]
    public void A_platform_manifest_that_does_not_match_its_index_entry_is_DSTL5005()
    {
        using var setup = new Setup();
        setup.Registry.AddIndex("base/app", [Amd64], tags: "1.0");
        setup.Registry.AddManifest("base/app", Amd64.Digest, Arm64.Manifest, MediaTypes.ImageManifest);

        Assert.That(Fails(() => setup.PullAsync("registry.test/base/app:1.0")).Code, Is.EqualTo(DiagnosticCodes.RegistryDigestMismatch));
    }

    [TestCase(0, TestName = "A layer whose bytes have another digest is DSTL5005")]
    [TestCase(-1, TestName = "A config whose bytes have another digest is DSTL5005")]
    public void A_blob_whose_bytes_have_another_digest_is_DSTL5005(int which)
    {
        using var setup = new Setup();
        setup.Registry.AddImage("base/app", Amd64, "1.0");
        var digest = which < 0 ? Amd64.ConfigDigest : Amd64.LayerDigests[which];
        var original = setup.Registry.BlobContent(digest)!;
        setup.Registry.AddBlob("base/app", digest, [.. original.Take(original.Length - 1), (byte)(original[^1] ^ 1)]);

        var error = Fails(() => setup.PullAsync("registry.test/base/app:1.0"));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryDigestMismatch));
        Assert.That(error.Message, Does.Contain(digest.ToString()));
        Assert.That(new BlobCache(setup.CacheDirectory).Contains(digest), Is.False, "nothing unverified stays in the cache");
    }

    [Test]
    public async Task A_digest_pinned_base_that_is_fully_cached_is_read_without_any_request()
    {
        using var setup = new Setup();
        var index = setup.Registry.AddIndex("base/app", [Amd64, Arm64], tags: "1.0");
        var first = await setup.PullAsync($"registry.test/base/app:1.0@{index}");
        var offline = new CountingOfflineHandler();

        var again = await setup.Puller(offline).PullAsync(ImageReference.Parse($"registry.test/base/app:1.0@{index}"), Platform.LinuxAmd64);

        Assert.That(offline.Calls, Is.Zero);
        Assert.That(again.Layers, Is.EqualTo(first.Layers));
        Assert.That(again.Config, Is.EqualTo(first.Config).Using<ImageConfig>((a, b) => a.DiffIds.SequenceEqual(b.DiffIds) && a.Env.SequenceEqual(b.Env)));
        Assert.That(again.Description, Is.EqualTo(first.Description));
    }

    [Test]
    public async Task A_tag_with_everything_cached_asks_only_for_the_tag()
    {
        using var setup = new Setup();
        setup.Registry.AddIndex("base/app", [Amd64, Arm64], tags: "1.0");
        await setup.PullAsync("registry.test/base/app:1.0");
        setup.Registry.ResetCounters();

        await setup.PullAsync("registry.test/base/app:1.0");

        Assert.That(setup.Registry.Exchanges.Select(e => (e.Kind, e.PathAndQuery)), Is.EqualTo(new[]
        {
            (Kind.Ping, "/v2/"), (Kind.ManifestGet, "/v2/base/app/manifests/1.0"),
        }));
    }

    [Test]
    public async Task Docker_media_types_become_OCI_ones_in_the_layers()
    {
        using var setup = new Setup();
        var docker = TestImage.Create("base", "amd64", docker: true);
        setup.Registry.AddImage("base/app", docker, "1.0");

        var image = await setup.PullAsync("registry.test/base/app:1.0");

        Assert.That(docker.LayerMediaType, Is.EqualTo(TestImage.DockerLayer));
        Assert.That(image.Layers.Select(l => l.Descriptor.MediaType), Has.All.EqualTo(MediaTypes.LayerGzip));
        Assert.That(image.Layers.Select(l => l.Digest), Is.EqualTo(docker.LayerDigests), "the bytes are the same");
    }

    [Test]
    public async Task Layers_are_described_by_the_history_entries_that_have_layers()
    {
        using var setup = new Setup();
        setup.Registry.AddImage("base/app", Amd64, "1.0");

        var image = await setup.PullAsync("registry.test/base/app:1.0");

        Assert.Multiple(() =>
        {
            Assert.That(Amd64.History, Has.Count.EqualTo(5), "layer, ENV (empty), layer, layer, CMD (empty)");
            Assert.That(image.Layers.Select(l => l.CreatedBy), Is.EqualTo(new[] { "base: layer 1", "base: layer 2", "base: layer 3" }));
            Assert.That(image.Config!.History.Select(h => (h.CreatedBy, h.EmptyLayer)), Is.EqualTo(new[]
            {
                ("base: layer 1", false), ("ENV BASE=1", true), ("base: layer 2", false), ("base: layer 3", false), ("CMD [\"/bin/sh\"]", true),
            }));
        });
    }

    [Test]
    public void A_manifest_and_config_that_disagree_on_the_layers_is_DSTL5004()
    {
        using var setup = new Setup();
        setup.Registry.AddImage("base/app", Amd64);
        var manifest = JsonNode.Parse(Amd64.Manifest)!;
        var extra = setup.Registry.AddBlob("base/app", Bytes(10, 1));
        manifest["layers"]!.AsArray().Add(new JsonObject { ["mediaType"] = MediaTypes.LayerGzip, ["digest"] = extra.ToString(), ["size"] = 10 });
        setup.Registry.AddManifest("base/app", Encoding.UTF8.GetBytes(manifest.ToJsonString()), MediaTypes.ImageManifest, "1.0");

        var error = Fails(() => setup.PullAsync("registry.test/base/app:1.0"));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryRejected));
        Assert.That(error.Message, Does.Contain("disagree"));
    }

    [Test]
    public async Task Pulled_layers_are_remembered_for_mounts_into_other_repositories()
    {
        using var setup = new Setup();
        setup.Registry.AddImage("base/app", Amd64, "1.0");

        await setup.PullAsync("registry.test/base/app:1.0");

        var locations = new BlobLocations(new BlobCache(setup.CacheDirectory), "registry.test");
        Assert.That(Amd64.LayerDigests.Select(locations.Find), Has.All.EqualTo("base/app"));
    }

    [Test]
    public async Task An_anonymous_pull_through_a_token_service_works()
    {
        using var setup = new Setup(RegistryAuthMode.Bearer);
        setup.Registry.AnonymousPull = true;
        setup.Registry.AddIndex("base/app", [Amd64, Arm64], tags: "1.0");

        var image = await setup.PullAsync("registry.test/base/app:1.0");

        Assert.That(image.Layers, Has.Length.EqualTo(3));
        Assert.That(setup.Registry.TokenScopes, Is.EqualTo(new[] { "repository:base/app:pull" }));
    }

    /// <summary>A network that must not be used: counts calls and fails them.</summary>
    private sealed class CountingOfflineHandler : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException($"no request was expected, but {request.Method} {request.RequestUri} was sent");
        }
    }
}
