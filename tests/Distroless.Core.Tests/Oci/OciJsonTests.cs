using System.Collections.Immutable;
using System.Text;
using Distroless.Oci;

namespace Distroless.Core.Tests.Oci;

[Parallelizable(ParallelScope.All)]
public sealed class OciJsonTests
{
    private static readonly Digest LayerA = Digest.Compute("layer a"u8);
    private static readonly Digest LayerB = Digest.Compute("layer b"u8);
    private static readonly Digest DiffA = Digest.Compute("diff a"u8);
    private static readonly Digest DiffB = Digest.Compute("diff b"u8);
    private static readonly Digest ConfigDigest = Digest.Compute("config"u8);
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    private static ImageConfig Config() => new ImageConfig
    {
        Platform = Platform.LinuxArm64,
        Created = new DateTimeOffset(2026, 7, 11, 12, 16, 37, 999, TimeSpan.FromHours(2)),
        User = "65532:65532",
        Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_UID=65532"],
        Entrypoint = ["/app/App"],
        Cmd = ["--urls", "http://+:8080"],
        WorkingDir = "/app",
        Labels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            ["org.opencontainers.image.title"] = "café <app> & co",
            ["org.opencontainers.image.base.name"] = "distroless/cc-debian13",
        }),
        ExposedPorts = ImmutableSortedSet.Create(StringComparer.Ordinal, "8080/tcp", "443/tcp"),
    }.WithLayer(DiffA, "distroless: base").WithLayer(DiffB, "distroless: app");

    private static ImageManifest Manifest() => new(
        new Descriptor(MediaTypes.ImageConfig, ConfigDigest, 1234),
        [new Descriptor(MediaTypes.LayerGzip, LayerA, 1000), new Descriptor(MediaTypes.LayerGzip, LayerB, 2000)])
    {
        Annotations = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            ["org.opencontainers.image.created"] = "2026-07-11T10:16:37Z",
        }),
    };

    private static ImageIndex Index() => new(
    [
        new Descriptor(MediaTypes.ImageManifest, LayerA, 500) { Platform = Platform.LinuxAmd64 },
        new Descriptor(MediaTypes.ImageManifest, LayerB, 600)
        {
            Platform = Platform.LinuxArm64,
            Annotations = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" }),
        },
    ])
    {
        Annotations = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = "latest" }),
    };

    private static string Text(byte[] json) => Encoding.UTF8.GetString(json);

    [Test]
    public void A_config_serializes_to_pinned_JSON()
    {
        var expected = "{\"created\":\"2026-07-11T10:16:37Z\",\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\","
            + "\"config\":{\"User\":\"65532:65532\",\"ExposedPorts\":{\"443/tcp\":{},\"8080/tcp\":{}},"
            + "\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"APP_UID=65532\"],"
            + "\"Entrypoint\":[\"/app/App\"],\"Cmd\":[\"--urls\",\"http://+:8080\"],\"WorkingDir\":\"/app\","
            + "\"Labels\":{\"org.opencontainers.image.base.name\":\"distroless/cc-debian13\",\"org.opencontainers.image.title\":\"café <app> & co\"}},"
            + $"\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{DiffA}\",\"{DiffB}\"]}},"
            + "\"history\":[{\"created\":\"2026-07-11T10:16:37Z\",\"created_by\":\"distroless: base\"},"
            + "{\"created\":\"2026-07-11T10:16:37Z\",\"created_by\":\"distroless: app\"}]}";

        Assert.That(Text(OciJson.Serialize(Config())), Is.EqualTo(expected));
    }

    [Test]
    public void A_minimal_config_omits_empty_members()
    {
        var config = new ImageConfig { Platform = Platform.LinuxAmd64, Created = Epoch };

        Assert.That(Text(OciJson.Serialize(config)), Is.EqualTo(
            "{\"created\":\"1970-01-01T00:00:00Z\",\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"history\":[]}"));
    }

    [Test]
    public void A_manifest_serializes_to_pinned_JSON()
    {
        var expected = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{ConfigDigest}\",\"size\":1234}},"
            + $"\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{LayerA}\",\"size\":1000}},"
            + $"{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{LayerB}\",\"size\":2000}}],"
            + "\"annotations\":{\"org.opencontainers.image.created\":\"2026-07-11T10:16:37Z\"}}";

        Assert.That(Text(OciJson.Serialize(Manifest())), Is.EqualTo(expected));
    }

    [Test]
    public void An_index_serializes_to_pinned_JSON()
    {
        var expected = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{LayerA}\",\"size\":500,"
            + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
            + $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{LayerB}\",\"size\":600,"
            + "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"},\"annotations\":{\"a\":\"2\",\"z\":\"1\"}}],"
            + "\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}";

        Assert.That(Text(OciJson.Serialize(Index())), Is.EqualTo(expected));
    }

    private static IEnumerable<TestCaseData> Documents()
    {
        yield return new TestCaseData("config", OciJson.Serialize(Config())).SetName("full config is valid");
        yield return new TestCaseData("config", OciJson.Serialize(new ImageConfig { Platform = Platform.LinuxAmd64, Created = Epoch })).SetName("minimal config is valid");
        yield return new TestCaseData("manifest", OciJson.Serialize(Manifest())).SetName("manifest is valid");
        yield return new TestCaseData("index", OciJson.Serialize(Index())).SetName("index is valid");
    }

    [TestCaseSource(nameof(Documents))]
    public void Documents_validate_against_the_OCI_schemas(string kind, byte[] json)
    {
        var schema = kind switch { "config" => OciSchemas.Config, "manifest" => OciSchemas.Manifest, _ => OciSchemas.Index };

        Assert.That(OciSchemas.Errors(schema, json), Is.Empty);
    }

    [TestCase("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:ab\",\"size\":1},\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"no digest\",\"size\":1}]}",
        "#/layers[0].digest: PatternMismatch", TestName = "a malformed layer digest")]
    [TestCase("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"nomediatype\",\"digest\":\"sha256:ab\",\"size\":1},\"layers\":[]}",
        "#/config.mediaType: PatternMismatch", TestName = "a malformed config media type")]
    [TestCase("{\"schemaVersion\":3,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:ab\",\"size\":1},\"layers\":[]}",
        "#/schemaVersion: NumberTooBig", TestName = "schema version 3")]
    [TestCase("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:ab\",\"size\":-1},\"layers\":[]}",
        "#/config.size: NumberTooSmall", TestName = "a negative size")]
    [TestCase("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:ab\",\"size\":1}}",
        "#/layers: PropertyRequired", TestName = "no layers")]
    public void The_manifest_schema_catches_invalid_documents(string json, string error)
        => Assert.That(OciSchemas.Errors(OciSchemas.Manifest, Encoding.UTF8.GetBytes(json)), Does.Contain(error));

    [Test]
    public void The_config_schema_catches_a_missing_os_and_a_bad_time()
        => Assert.That(OciSchemas.Errors(OciSchemas.Config, "{\"architecture\":\"amd64\",\"created\":\"nope\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"u8.ToArray()),
            Is.EquivalentTo(new[] { "#/os: PropertyRequired", "#/created: DateTimeExpected" }));

    [Test]
    public void Serialization_depends_only_on_the_value()
    {
        var reordered = Config() with
        {
            Labels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, Config().Labels.Reverse()),
            ExposedPorts = ImmutableSortedSet.Create(StringComparer.Ordinal, "443/tcp", "8080/tcp"),
        };

        Assert.That(OciJson.Serialize(reordered), Is.EqualTo(OciJson.Serialize(Config())));
    }

    [TestCase("2026-07-11T10:16:37.999+00:00", "2026-07-11T10:16:37Z", TestName = "fractions are dropped")]
    [TestCase("2026-07-11T12:16:37+02:00", "2026-07-11T10:16:37Z", TestName = "offsets become UTC")]
    [TestCase("1970-01-01T00:00:00+00:00", "1970-01-01T00:00:00Z", TestName = "the epoch")]
    public void FormatTime_writes_whole_seconds_in_UTC(string input, string expected)
        => Assert.That(OciJson.FormatTime(DateTimeOffset.Parse(input, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(expected));

    [Test]
    public void WithEnvironment_replaces_in_place_or_appends()
    {
        var config = Config().WithEnvironment("APP_UID", "1000").WithEnvironment("DOTNET_gcServer", "0");

        Assert.That(config.Env, Is.EqualTo(new[]
        {
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_UID=1000", "DOTNET_gcServer=0",
        }));
    }
}
