using System.Collections.Immutable;
using System.Text.Json;
using Distroless.Building;
using Distroless.Core.Tests.Oci;
using Distroless.Core.Tests.TestSupport;
using Distroless.Oci;
using Distroless.Sbom;
using Distroless.Testing;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Logging.Abstractions;
using static Distroless.Core.Tests.Registry.RegistryTestKit;
using Kind = Distroless.Testing.Registry.RegistryRequestKind;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// The whole pipeline with a registry at both ends: the base pulled from one repository of an
/// in-memory registry (behind a token service), the app published to another repository of the
/// same registry, no Debian archive and no archive file involved.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ContainerizerRegistryTests
{
    private const string BaseReference = "registry.test/base/runtime-deps:1.0";
    private static readonly TestImage BaseAmd64 = TestImage.Create("runtime-deps", "amd64", layers: 3, env: ["PATH=/usr/bin:/bin", "BASE=yes"]);
    private static readonly TestImage BaseArm64 = TestImage.Create("runtime-deps", "arm64", "v8", layers: 2, env: ["PATH=/usr/bin:/bin", "BASE=yes"]);

    internal sealed class Setup : IDisposable
    {
        public Setup()
        {
            Registry = NewRegistry(RegistryAuthMode.Bearer);
            Registry.AddIndex("base/runtime-deps", [BaseAmd64, BaseArm64], tags: "1.0");
            Files = FakePublishOutput.Write(Temp);
        }

        public TempDirectory Temp { get; } = new();

        public InMemoryRegistry Registry { get; }

        public ImmutableArray<Distroless.App.PublishedFile> Files { get; }

        public ImagePlan Plan(string rid = "linux-x64") => new()
        {
            Repository = "shop/api",
            Tags = ["1.0", "latest"],
            Base = new BasePlan
            {
                Image = BaseReference,
                RuntimeIdentifier = rid,
                Mirror = "http://deb.invalid/debian",
                SecurityMirror = "http://deb.invalid/debian-security",
            },
            App = new AppPlan
            {
                Files = Files,
                DepsJsonPath = Files.Single(f => f.RelativePath == "app.deps.json").SourcePath,
                AppHost = FakePublishOutput.AppHost,
            },
            SourceDateEpoch = 1_750_000_000,
            Registry = "registry.test",
            CacheDirectory = Temp.Combine("cache"),
        };

        /// <summary>A containerizer whose Debian side has no network at all.</summary>
        public Containerizer Containerizer()
            => new(new HttpClient(new NoDebianArchive()), NullLogger.Instance, credentials: Login(), registryHandler: () => Registry);

        public JsonElement Manifest(Digest digest) => JsonDocument.Parse(Registry.Manifest(digest)!.Value.Content).RootElement;

        public void Dispose() => Temp.Dispose();
    }

    private static IEnumerable<Digest> LayerDigests(JsonElement manifest)
        => manifest.GetProperty("layers").EnumerateArray().Select(l => Digest.Parse(l.GetProperty("digest").GetString()!));

    [Test]
    public async Task The_pushed_image_is_the_base_layers_then_the_app_layers_under_every_tag()
    {
        using var setup = new Setup();

        var result = await setup.Containerizer().BuildAsync(setup.Plan());

        var manifest = setup.Manifest(result.Image.Digest);
        var layers = LayerDigests(manifest).ToList();
        var appLayers = result.Image.Layers.Skip(3).Select(l => l.Digest).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(setup.Registry.Resolve("shop/api", "1.0"), Is.EqualTo(result.Image.Digest));
            Assert.That(setup.Registry.Resolve("shop/api", "latest"), Is.EqualTo(result.Image.Digest));
            Assert.That(setup.Registry.Manifest(result.Image.Digest)!.Value.Content, Is.EqualTo(result.Image.ManifestJson));
            Assert.That(appLayers, Is.Not.Empty);
            Assert.That(layers, Is.EqualTo(BaseAmd64.LayerDigests.Concat(appLayers)));
            Assert.That(layers.Append(result.Image.ImageId).All(d => setup.Registry.HasBlob("shop/api", d)), Is.True, "every blob is in the repository");
            Assert.That(manifest.GetProperty("annotations").GetProperty("org.opencontainers.image.base.name").GetString(), Is.EqualTo(BaseReference));
            Assert.That(manifest.GetProperty("annotations").GetProperty("org.opencontainers.image.base.digest").GetString(), Is.EqualTo(BaseAmd64.Digest.ToString()));
            Assert.That(result.Image.Config.DiffIds.Take(3), Is.EqualTo(BaseAmd64.DiffIds));
            Assert.That(result.Image.Config.Env, Does.Contain("BASE=yes"));
            Assert.That(result.References, Is.EqualTo(new[] { "registry.test/shop/api:1.0", "registry.test/shop/api:latest" }));
        });
    }

    [Test]
    public async Task BuildResult_Push_says_what_travelled_base_layers_by_mount()
    {
        using var setup = new Setup();

        var result = await setup.Containerizer().BuildAsync(setup.Plan());

        var push = result.Push!;
        var appLayers = result.Image.Layers.Length - 3;
        Assert.Multiple(() =>
        {
            Assert.That(push.References.Select(r => r.ToString()), Is.EqualTo(result.References));
            Assert.That(push.Digest, Is.EqualTo(result.Image.Digest));
            Assert.That(push.BlobsMounted, Is.EqualTo(3), "the base layers, from base/runtime-deps");
            Assert.That(push.BlobsUploaded, Is.EqualTo(appLayers + 1), "the app layers and the config");
            Assert.That(push.ManifestsPut, Is.EqualTo(2));
            Assert.That(push.Requests, Is.Positive);
            Assert.That(setup.Registry.Count(Kind.Token), Is.EqualTo(2), "one pull token, one push token for the whole push");
        });
    }

    [Test]
    public async Task A_second_identical_build_downloads_nothing_and_uploads_nothing()
    {
        using var setup = new Setup();
        var first = await setup.Containerizer().BuildAsync(setup.Plan());
        setup.Registry.ResetCounters();

        var second = await setup.Containerizer().BuildAsync(setup.Plan());

        Assert.Multiple(() =>
        {
            Assert.That(second.Image.Digest, Is.EqualTo(first.Image.Digest));
            Assert.That((second.Push!.BlobsUploaded, second.Push.BlobsMounted, second.Push.ManifestsPut), Is.EqualTo((0, 0, 0)));
            Assert.That(setup.Registry.BlobRequests, Is.Zero);
            Assert.That(setup.Registry.Exchanges.Where(e => e.Kind is not (Kind.Ping or Kind.Token)).Select(e => (e.Kind, e.PathAndQuery)), Is.EquivalentTo(new[]
            {
                (Kind.ManifestGet, "/v2/base/runtime-deps/manifests/1.0"),
                (Kind.ManifestHead, "/v2/shop/api/manifests/1.0"),
                (Kind.ManifestHead, "/v2/shop/api/manifests/latest"),
                (Kind.ManifestHead, $"/v2/shop/api/manifests/{ReferrerDigest(setup, first.Image.Digest, SbomMediaTypes.SpdxJson)}"),
                (Kind.ManifestHead, $"/v2/shop/api/manifests/{ReferrerDigest(setup, first.Image.Digest, SbomMediaTypes.CycloneDxJson)}"),
            }), "one HEAD per tag and per SBOM referrer");
            Assert.That(second.Push.ReferrersAttached, Is.Zero);
        });
    }

    [Test]
    public async Task Two_platforms_go_up_as_an_index_of_images_each_on_its_own_base()
    {
        using var setup = new Setup();

        var result = await setup.Containerizer().BuildAsync([setup.Plan("linux-x64"), setup.Plan("linux-arm64")]);

        var indexDigest = setup.Registry.Resolve("shop/api", "1.0");
        var index = setup.Manifest(indexDigest!.Value);
        var children = index.GetProperty("manifests").EnumerateArray()
            .ToDictionary(m => m.GetProperty("platform").GetProperty("architecture").GetString()!, m => Digest.Parse(m.GetProperty("digest").GetString()!));
        Assert.Multiple(() =>
        {
            Assert.That(result.Index, Is.Not.Null);
            Assert.That(indexDigest, Is.EqualTo(result.Digest));
            Assert.That(setup.Registry.Resolve("shop/api", "latest"), Is.EqualTo(result.Digest));
            Assert.That(setup.Registry.Manifest(result.Digest)!.Value.MediaType, Is.EqualTo(MediaTypes.ImageIndex));
            Assert.That(children.Keys, Is.EquivalentTo(new[] { "amd64", "arm64" }));
            Assert.That(LayerDigests(setup.Manifest(children["amd64"])).Take(3), Is.EqualTo(BaseAmd64.LayerDigests));
            Assert.That(LayerDigests(setup.Manifest(children["arm64"])).Take(2), Is.EqualTo(BaseArm64.LayerDigests));
            Assert.That(result.Push!.Digest, Is.EqualTo(result.Digest));
        });
    }

    /// <summary>The referrer of <paramref name="artifactType"/> the fallback tag of <paramref name="subject"/> lists.</summary>
    private static Digest ReferrerDigest(Setup setup, Digest subject, string artifactType)
        => FallbackIndex(setup, subject).Single(m => m.GetProperty("artifactType").GetString() == artifactType) is var entry
            ? Digest.Parse(entry.GetProperty("digest").GetString()!)
            : throw new InvalidOperationException();

    private static List<JsonElement> FallbackIndex(Setup setup, Digest subject)
    {
        var tagged = setup.Registry.Resolve("shop/api", "sha256-" + subject.Hex) ?? throw new AssertionException($"no referrers tag for {subject}");
        return [.. setup.Manifest(tagged).GetProperty("manifests").EnumerateArray()];
    }

    [Test]
    public async Task The_SBOMs_are_attached_to_the_image_as_referrers_under_the_referrers_tag_schema()
    {
        using var setup = new Setup();

        var result = await setup.Containerizer().BuildAsync(setup.Plan());

        var entries = FallbackIndex(setup, result.Image.Digest);
        Assert.That(entries.Select(e => e.GetProperty("artifactType").GetString()),
            Is.EquivalentTo(new[] { SbomMediaTypes.SpdxJson, SbomMediaTypes.CycloneDxJson }));
        foreach (var entry in entries)
        {
            var digest = Digest.Parse(entry.GetProperty("digest").GetString()!);
            var manifestBytes = setup.Registry.Manifest(digest)!.Value.Content;
            var manifest = setup.Manifest(digest);
            var artifactType = entry.GetProperty("artifactType").GetString();
            var layer = manifest.GetProperty("layers")[0];
            var sbom = JsonDocument.Parse(setup.Registry.BlobContent(Digest.Parse(layer.GetProperty("digest").GetString()!))!).RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(OciSchemas.Errors(OciSchemas.Manifest, manifestBytes), Is.Empty);
                Assert.That(manifest.GetProperty("artifactType").GetString(), Is.EqualTo(artifactType));
                Assert.That(manifest.GetProperty("config").GetProperty("mediaType").GetString(), Is.EqualTo(MediaTypes.Empty));
                Assert.That(manifest.GetProperty("subject").GetProperty("digest").GetString(), Is.EqualTo(result.Image.Digest.ToString()));
                Assert.That(manifest.GetProperty("subject").GetProperty("mediaType").GetString(), Is.EqualTo(MediaTypes.ImageManifest));
                Assert.That(layer.GetProperty("mediaType").GetString(), Is.EqualTo(artifactType));
                Assert.That(sbom.TryGetProperty(artifactType == SbomMediaTypes.SpdxJson ? "spdxVersion" : "bomFormat", out _), Is.True);
            });
        }

        Assert.That(result.Push!.ReferrersAttached, Is.EqualTo(2));
    }

    [Test]
    public async Task A_registry_with_the_referrers_API_gets_the_SBOMs_without_a_fallback_tag()
    {
        using var setup = new Setup();
        setup.Registry.SupportsReferrers = true;

        var result = await setup.Containerizer().BuildAsync(setup.Plan());

        Assert.Multiple(() =>
        {
            Assert.That(result.Push!.ReferrersAttached, Is.EqualTo(2));
            Assert.That(setup.Registry.Tags("shop/api"), Is.EqualTo(new[] { "1.0", "latest" }));
        });
    }

    [Test]
    public async Task Each_platform_image_of_an_index_gets_its_own_SBOMs()
    {
        using var setup = new Setup();

        var result = await setup.Containerizer().BuildAsync([setup.Plan("linux-x64"), setup.Plan("linux-arm64")]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Push!.ReferrersAttached, Is.EqualTo(4));
            foreach (var image in result.Images)
            {
                Assert.That(FallbackIndex(setup, image.Digest), Has.Count.EqualTo(2), image.Config.Platform.ToString());
            }
        });
    }

    [Test]
    public async Task Sbom_false_attaches_nothing()
    {
        using var setup = new Setup();

        var result = await setup.Containerizer().BuildAsync(setup.Plan() with { Sbom = false });

        Assert.Multiple(() =>
        {
            Assert.That(result.Push!.ReferrersAttached, Is.Zero);
            Assert.That(setup.Registry.Tags("shop/api"), Is.EqualTo(new[] { "1.0", "latest" }));
        });
    }

    /// <summary>The Debian archive must not be asked for anything when the base comes from a registry.</summary>
    internal sealed class NoDebianArchive : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException($"unexpected Debian request {request.RequestUri}");
    }
}
