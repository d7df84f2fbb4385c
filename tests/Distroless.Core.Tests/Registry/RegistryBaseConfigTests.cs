using System.Collections.Immutable;
using Distroless.App;
using Distroless.Base;
using Distroless.Building;
using Distroless.Core.Tests.Oci;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Testing.Registry;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// The config of an image on a registry base: the base's environment, labels, ports and history
/// carry over, and ours are added on top (overriding where they collide).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class RegistryBaseConfigTests
{
    private static readonly TestImage BaseImageOnRegistry = TestImage.Create("base", "amd64", layers: 2,
        env: ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "DOTNET_RUNNING_IN_CONTAINER=false"],
        labels: new Dictionary<string, string> { ["maintainer"] = "base team", ["org.opencontainers.image.vendor"] = "Base Inc" },
        ports: ["80/tcp", "443/tcp"],
        cmd: ["/usr/bin/base-shell", "-l"]);

    private static readonly LayerBlob[] AppLayers =
    [
        new(new Descriptor(MediaTypes.LayerGzip, Digest.Compute("app deps"u8), 100), Digest.Compute("app deps tar"u8), 200, "distroless: app dependencies"),
        new(new Descriptor(MediaTypes.LayerGzip, Digest.Compute("app"u8), 50), Digest.Compute("app tar"u8), 90, "distroless: app"),
    ];

    private static BaseImage Base()
    {
        var config = ImageConfigReader.Read(BaseImageOnRegistry.Config);
        return new BaseImage
        {
            Description = "registry.test/base/app:1.0",
            Config = config,
            Layers = BaseImageOnRegistry.LayerDigests.Select((d, i) => new LayerBlob(new Descriptor(MediaTypes.LayerGzip, d, 10),
                config.DiffIds[i], 0, BaseImageOnRegistry.LayerHistory[i])).ToImmutableArray(),
        };
    }

    private static ImagePlan Plan(ContainerSettings container) => new()
    {
        Repository = "shop/api",
        Base = new BasePlan
        {
            Image = "registry.test/base/app:1.0",
            RuntimeIdentifier = "linux-x64",
            Mirror = "http://deb.invalid/debian",
            SecurityMirror = "http://deb.invalid/debian-security",
        },
        App = new AppPlan { Files = [new PublishedFile("/publish/app", "app")], AppHost = "app" },
        Container = container,
        SourceDateEpoch = 1_750_000_000,
        CacheDirectory = "/unused",
    };

    private static ImageConfig Create(ContainerSettings? container = null)
        => ImageConfigFactory.Create(Plan(container ?? new ContainerSettings()), Platform.LinuxAmd64, Base(), AppLayers);

    [Test]
    public void The_base_environment_is_kept_in_order_ours_overrides_in_place_and_new_names_follow()
    {
        var config = Create(new ContainerSettings
        {
            Environment = [new EnvironmentVariable("LANG", "en_US.UTF-8"), new EnvironmentVariable("APP_MODE", "prod")],
        });

        Assert.That(config.Env, Is.EqualTo(new[]
        {
            "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=en_US.UTF-8", "DOTNET_RUNNING_IN_CONTAINER=true", "APP_MODE=prod",
        }));
    }

    [Test]
    public void Labels_are_the_base_labels_plus_ours_ours_winning()
    {
        var config = Create(new ContainerSettings
        {
            Labels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["maintainer"] = "shop team", ["org.opencontainers.image.version"] = "1.0",
            }),
        });

        Assert.That(config.Labels, Is.EqualTo(new Dictionary<string, string>
        {
            ["maintainer"] = "shop team", ["org.opencontainers.image.vendor"] = "Base Inc", ["org.opencontainers.image.version"] = "1.0",
        }));
    }

    [Test]
    public void Ports_are_the_union_of_the_base_ports_and_ours()
    {
        var config = Create(new ContainerSettings { Ports = [new ContainerPort(8080), new ContainerPort(443)] });

        Assert.That(config.ExposedPorts, Is.EqualTo(new[] { "443/tcp", "80/tcp", "8080/tcp" }));
    }

    [Test]
    public void History_and_diff_ids_are_the_base_ones_in_order_then_ours()
    {
        var config = Create();

        Assert.Multiple(() =>
        {
            Assert.That(config.History.Select(h => (h.CreatedBy, h.EmptyLayer)), Is.EqualTo(new[]
            {
                ("base: layer 1", false), ("ENV BASE=1", true), ("base: layer 2", false), ("CMD [\"/usr/bin/base-shell\", \"-l\"]", true),
                ("distroless: app dependencies", false), ("distroless: app", false),
            }));
            Assert.That(config.DiffIds, Is.EqualTo(BaseImageOnRegistry.DiffIds.Concat(AppLayers.Select(l => l.DiffId))));
            Assert.That(config.History.Count(h => !h.EmptyLayer), Is.EqualTo(config.DiffIds.Length), "one non-empty history entry per layer");
            Assert.That(config.History.Skip(4).Select(h => h.Created), Has.All.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000)));
        });
    }

    [Test]
    public void Our_entrypoint_user_working_directory_and_platform_replace_the_base_ones_and_its_Cmd_goes()
    {
        var config = Create(new ContainerSettings { User = "1000:1000", WorkingDirectory = "/srv/app" });

        Assert.Multiple(() =>
        {
            Assert.That(config.Entrypoint, Is.EqualTo(new[] { "/srv/app/app" }));
            Assert.That(config.Cmd, Is.Empty, "a base Cmd would become arguments of our entrypoint");
            Assert.That(config.User, Is.EqualTo("1000:1000"));
            Assert.That(config.WorkingDir, Is.EqualTo("/srv/app"));
            Assert.That(config.Platform, Is.EqualTo(Platform.LinuxAmd64));
            Assert.That(config.Created, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000)));
        });
    }

    [Test]
    public void The_config_validates_against_the_OCI_schema()
        => Assert.That(OciSchemas.Errors(OciSchemas.Config, OciJson.Serialize(Create(new ContainerSettings { Ports = [new ContainerPort(8080)] }))), Is.Empty);
}
