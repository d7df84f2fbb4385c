using System.Collections.Immutable;
using System.Text.Json;
using Distroless.App;
using Distroless.Building;

namespace Distroless.Core.Tests.Building;

/// <summary>A plan written to JSON reads back as the same plan, so a build can be replayed from its plan file.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ImagePlanJsonTests
{
    private static ImagePlan Full() => new()
    {
        Repository = "shop/api",
        Tags = ["1.2.3", "latest"],
        Base = new BasePlan
        {
            Suite = "trixie",
            RuntimeIdentifier = "linux-arm64",
            Mirror = "http://deb.test/debian/",
            SecurityMirror = "http://security.test/debian-security/",
            InvariantGlobalization = true,
        },
        App = new AppPlan
        {
            Files = [new PublishedFile("/src/bin/publish/Shop.Api", "Shop.Api"), new PublishedFile("/src/bin/publish/de/Shop.Api.resources.dll", "de/Shop.Api.resources.dll")],
            DepsJsonPath = "/src/bin/publish/Shop.Api.deps.json",
            AppHost = "Shop.Api",
            SelfContained = false,
            IncludeSymbols = true,
            RuntimeConfigPath = "/src/bin/publish/Shop.Api.runtimeconfig.json",
            Runtime = new RuntimePlan
            {
                FrameworkVersions = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
                {
                    ["Microsoft.AspNetCore.App"] = "8.0.8",
                    ["Microsoft.NETCore.App"] = "8.0.8",
                }),
                NuGetSettingsRoot = "/src",
            },
        },
        Container = new ContainerSettings
        {
            WorkingDirectory = "/srv/app",
            User = "1000:1000",
            Environment = [new EnvironmentVariable("ASPNETCORE_URLS", "http://+:8080"), new EnvironmentVariable("A", "")],
            Labels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["org.opencontainers.image.title"] = "Shop API",
                ["org.opencontainers.image.version"] = "1.2.3",
            }),
            Ports = [new ContainerPort(8080), new ContainerPort(53, PortProtocol.Udp)],
        },
        SourceDateEpoch = 1_750_000_000,
        ArchivePath = "/src/bin/shop-api.tar",
        CacheDirectory = "/home/user/.cache/distroless",
    };

    [Test]
    public void A_full_plan_round_trips_field_by_field()
    {
        var plan = Full();

        var back = ImagePlan.FromJson(plan.ToJson());

        // Records compare ImmutableArray fields by reference, so those are compared by content and then set equal.
        Assert.Multiple(() =>
        {
            Assert.That(back.Tags, Is.EqualTo(plan.Tags));
            Assert.That(back.App.Files, Is.EqualTo(plan.App.Files));
            Assert.That(back.Container.Environment, Is.EqualTo(plan.Container.Environment));
            Assert.That(back.Container.Ports, Is.EqualTo(plan.Container.Ports));
            Assert.That(back.Container.Labels, Is.EqualTo(plan.Container.Labels));
            Assert.That(back.Base, Is.EqualTo(plan.Base));
            Assert.That(back.App.Runtime.FrameworkVersions, Is.EqualTo(plan.App.Runtime.FrameworkVersions));
            Assert.That(back.App.Runtime with { FrameworkVersions = plan.App.Runtime.FrameworkVersions }, Is.EqualTo(plan.App.Runtime));
            Assert.That(back.App with { Files = plan.App.Files, Runtime = plan.App.Runtime }, Is.EqualTo(plan.App));
            Assert.That(back.Container with { Environment = plan.Container.Environment, Ports = plan.Container.Ports, Labels = plan.Container.Labels },
                Is.EqualTo(plan.Container));
            Assert.That(back with { Tags = plan.Tags, App = plan.App, Container = plan.Container }, Is.EqualTo(plan));
            Assert.That(back.ToJson(), Is.EqualTo(plan.ToJson()));
        });
    }

    [Test]
    public void The_JSON_uses_camel_case_and_leaves_out_nulls()
    {
        var plan = Full() with { App = Full().App with { DepsJsonPath = null } };

        using var json = JsonDocument.Parse(plan.ToJson());

        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("repository").GetString(), Is.EqualTo("shop/api"));
            Assert.That(json.RootElement.GetProperty("sourceDateEpoch").GetInt64(), Is.EqualTo(1_750_000_000));
            Assert.That(json.RootElement.GetProperty("app").GetProperty("files")[1].GetProperty("relativePath").GetString(),
                Is.EqualTo("de/Shop.Api.resources.dll"));
            Assert.That(json.RootElement.GetProperty("app").TryGetProperty("depsJsonPath", out _), Is.False);
        });
    }

    [Test]
    public void A_minimal_plan_gets_its_defaults_back()
    {
        const string json = """
            {
              "repository": "app",
              "base": { "runtimeIdentifier": "linux-x64", "mirror": "http://m.test/debian", "securityMirror": "http://s.test/debian-security" },
              "app": { "files": [], "appHost": "app" },
              "archivePath": "app.tar",
              "cacheDirectory": "cache"
            }
            """;

        var plan = ImagePlan.FromJson(json);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Tags, Is.EqualTo(new[] { "latest" }));
            Assert.That(plan.Base.Suite, Is.EqualTo("bookworm"));
            Assert.That(plan.App.SelfContained, Is.True);
            Assert.That(plan.Container.WorkingDirectory, Is.EqualTo("/app"));
            Assert.That(plan.Container.User, Is.EqualTo("65532"));
            Assert.That(plan.Container.Environment, Is.Empty);
            Assert.That(plan.SourceDateEpoch, Is.Zero);
        });
    }

    [TestCase("null", TestName = "a null plan is rejected")]
    [TestCase("{}", TestName = "a plan without its required members is rejected")]
    [TestCase("""{ "repository": "app" }""", TestName = "a plan without base and app is rejected")]
    public void An_incomplete_plan_is_rejected(string json)
        => Assert.That(() => ImagePlan.FromJson(json), Throws.InstanceOf<JsonException>());
}
