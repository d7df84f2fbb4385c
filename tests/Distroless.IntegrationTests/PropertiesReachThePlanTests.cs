using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// Every property and item docs/properties.md documents is set in a real project, as a user
/// would write it, and the plan the publish writes (obj/…/distroless.plan.json) is compared
/// between the in-process task and the out-of-process path (the CLI on the inputs file, as
/// Visual Studio's MSBuild runs it): the same plan, and each value in it. Only the plan is
/// made (the inner-build mode of a multi-platform publish), so no base is built.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed partial class PropertiesReachThePlanTests
{
    /// <summary>A setting, the project XML that sets it, and what the plan then says.</summary>
    public sealed record Case(string Name, string Xml, string InPlan)
    {
        public static Case Property(string name, string value, string inPlan) => new(name, $"<PropertyGroup><{name}>{value}</{name}></PropertyGroup>", inPlan);

        public static Case Item(string name, string xml, string inPlan) => new(name, $"<ItemGroup>{xml}</ItemGroup>", inPlan);

        public override string ToString() => Name;
    }

    // Two projects, because some settings exclude each other (a tag or tags; locked or update).
    private static readonly Case[] First =
    [
        Case.Property("SelfContained", "true", "\"selfContained\": true"),
        Case.Property("InvariantGlobalization", "true", "\"invariantGlobalization\": true"),
        Case.Property("ContainerRepository", "shop/probe-api", "\"repository\": \"shop/probe-api\""),
        Case.Property("ContainerImageTags", "1.4.2;stable", "\"stable\""),
        Case.Property("ContainerArchiveOutputPath", "images/", "images/shop-probe-api.tar"),
        Case.Property("ContainerRegistry", "localhost:5999", "\"registry\": \"localhost:5999\""),
        Case.Property("LocalRegistry", "Podman", "\"localEngine\": \"podman\""),
        Case.Property("DistrolessInsecureRegistries", "registry.test:5000", "\"registry.test:5000\""),
        Case.Property("DistrolessPushParallelism", "7", "\"parallelism\": 7"),
        Case.Property("DistrolessChunkedUploadThreshold", "1048577", "\"chunkedUploadThreshold\": 1048577"),
        Case.Property("DistrolessSbom", "false", "\"sbom\": false"),
        Case.Property("DistrolessSigningKey", "keys/cosign.key", "keys/cosign.key"),
        Case.Property("DistrolessProvenance", "false", "\"provenance\": false"),
        Case.Property("ContainerUser", "1000", "\"user\": \"1000\""),
        Case.Property("ContainerWorkingDirectory", "/srv/probe", "\"workingDirectory\": \"/srv/probe\""),
        Case.Item("ContainerEnvironmentVariable", "<ContainerEnvironmentVariable Include=\"PROBE_MODE\" Value=\"walk\" />", "\"PROBE_MODE\""),
        Case.Item("ContainerLabel", "<ContainerLabel Include=\"com.example.team\" Value=\"probes\" />", "\"com.example.team\": \"probes\""),
        Case.Item("ContainerPort", "<ContainerPort Include=\"5353\" Type=\"udp\" />", "\"number\": 5353"),
        Case.Item("ContainerAppCommand", "<ContainerAppCommand Include=\"/srv/probe/probe-runner\" />", "\"/srv/probe/probe-runner\""),
        Case.Item("ContainerAppCommandArgs", "<ContainerAppCommandArgs Include=\"--walk\" />", "\"--walk\""),
        Case.Item("ContainerDefaultArgs", "<ContainerDefaultArgs Include=\"--verbose\" />", "\"--verbose\""),
        Case.Property("ContainerAppCommandInstruction", "DefaultArgs", "\"appCommandInstruction\": \"DefaultArgs\""),
        Case.Property("DistrolessDebianSuite", "Trixie", "\"suite\": \"trixie\""),
        Case.Property("DistrolessDebianMirror", "http://mirror.test/debian", "\"mirror\": \"http://mirror.test/debian\""),
        Case.Property("DistrolessDebianSecurityMirror", "http://mirror.test/debian-security", "\"securityMirror\": \"http://mirror.test/debian-security\""),
        Case.Item("DistrolessPackage", "<DistrolessPackage Include=\"libgssapi-krb5-2\" Version=\"&gt;= 1.20\" />", "\"libgssapi-krb5-2 (>= 1.20)\""),
        Case.Item("DistrolessExcludePackage", "<DistrolessExcludePackage Include=\"libkeyutils1\" />", "\"libkeyutils1\""),
        Case.Property("DistrolessResolveNativeDependencies", "false", "\"resolveNativeDependencies\": false"),
        Case.Property("DistrolessStrictNativeDependencies", "true", "\"strictNativeDependencies\": true"),
        Case.Property("DistrolessSlim", "false", "\"slim\": false"),
        Case.Property("DistrolessDebug", "true", "\"debug\": true"),
        Case.Property("ContainerBaseImage", "registry.test/base/dotnet:8", "\"image\": \"registry.test/base/dotnet:8\""),
        Case.Property("DistrolessLockFile", "locks/probe.lock.json", "locks/probe.lock.json"),
        Case.Property("DistrolessLocked", "true", "\"lockMode\": \"Locked\""),
        Case.Property("DistrolessSourceDateEpoch", "1735689600", "\"sourceDateEpoch\": 1735689600"),
        Case.Property("DistrolessCacheDirectory", "/tmp/distroless-walk-cache", "\"cacheDirectory\": \"/tmp/distroless-walk-cache\""),
        Case.Property("DistrolessIncludeSymbols", "true", "\"includeSymbols\": true"),
    ];

    private static readonly Case[] Second =
    [
        Case.Property("ContainerImageTag", "2.0.0-rc.1", "\"2.0.0-rc.1\""),
        Case.Property("DistrolessUpdateLock", "true", "\"lockMode\": \"Update\""),
        Case.Property("DistrolessAptSourcesDirectory", "apt", "\"mirror\": \"http://sources.test/debian\""),
        Case.Property("DistrolessUseLockFile", "false", "\"runtimeIdentifier\""),
    ];

    /// <summary>Documented settings that do not shape the plan, and where their effect is tested.</summary>
    private static readonly Dictionary<string, string> NotInThePlan = new()
    {
        ["PublishDistroless"] = "the switch itself (every publish test)",
        ["RuntimeIdentifier"] = "the SDK's own; every test publishes for one (MultiPlatformTests for arm64)",
        ["ContainerRuntimeIdentifiers"] = "one plan per platform (MultiPlatformTests)",
        ["PublishAot"] = "NativeAotTests (needs the AOT toolchain)",
        ["DistrolessIncremental"] = "the build record, not the plan (IncrementalPublishTests)",
        ["DistrolessOutOfProcess"] = "the path itself: this test compares both",
        ["DistrolessDotnetHostPath"] = "which dotnet runs the CLI (OutOfProcessTests)",
        ["DistrolessRebaseSource"] = "the rebase's source (RebaseTests, NameAgreementTests)",
    };

    [GeneratedRegex(@"^\| (?:item )?`(\w+)`", RegexOptions.Multiline)]
    private static partial Regex DocumentedName();

    private static IEnumerable<string> Documented()
    {
        var text = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "properties.md"));
        var settings = text[..text.IndexOf("\n## Outputs", StringComparison.Ordinal)];
        return DocumentedName().Matches(settings).Select(m => m.Groups[1].Value).Distinct();
    }

    [Test]
    public void Every_documented_setting_is_walked_or_says_where_it_is_tested()
    {
        var covered = First.Concat(Second).Select(c => c.Name).Concat(NotInThePlan.Keys).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(Documented().Where(name => !covered.Contains(name)), Is.Empty, "documented but not walked: add a Case");
            Assert.That(covered.Where(name => !Documented().Contains(name)), Is.Empty, "walked but not documented in docs/properties.md");
        });
    }

    public static IEnumerable<TestCaseData> Projects()
    {
        yield return new TestCaseData((object)First).SetName("In_process_and_out_of_process_write_the_same_plan_with_every_setting(first)");
        yield return new TestCaseData((object)Second).SetName("In_process_and_out_of_process_write_the_same_plan_with_every_setting(second)");
    }

    [TestCaseSource(nameof(Projects))]
    public async Task In_process_and_out_of_process_write_the_same_plan(Case[] cases)
    {
        var sample = SampleProject.Create("walk");
        var project = File.ReadAllText(sample.ProjectFile);
        File.WriteAllText(sample.ProjectFile, project.Replace("</Project>", string.Concat(cases.Select(c => c.Xml)) + "</Project>"));
        // An apt sources directory of the project's own, for DistrolessAptSourcesDirectory.
        Directory.CreateDirectory(Path.Combine(sample.Directory, "apt", "sources.list.d"));
        File.WriteAllText(Path.Combine(sample.Directory, "apt", "sources.list.d", "debian.sources"),
            "Types: deb\nURIs: http://sources.test/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\n" +
            "Types: deb\nURIs: http://sources.test/debian-security\nSuites: bookworm-security\nComponents: main\n");

        var planFile = Path.Combine(sample.Directory, "obj", "Release", "net10.0", "linux-x64", "distroless.plan.json");
        async Task<string> PlanAsync(bool outOfProcess)
        {
            if (File.Exists(planFile))
            {
                File.Delete(planFile);
            }

            var published = await sample.PublishAsync(SharedCache.Path, "-r", "linux-x64", "-p:_DistrolessInnerBuild=true",
                "-p:DistrolessOutOfProcess=" + (outOfProcess ? "true" : "false"));
            Assert.That(published.ExitCode, Is.Zero, published.All);
            return File.ReadAllText(planFile);
        }

        var inProcess = await PlanAsync(outOfProcess: false);
        var outOfProcess = await PlanAsync(outOfProcess: true);

        Assert.Multiple(() =>
        {
            Assert.That(outOfProcess, Is.EqualTo(inProcess), "the same plan both ways");
            foreach (var setting in cases)
            {
                Assert.That(inProcess, Does.Contain(setting.InPlan), $"{setting.Name} reaches the plan");
            }
        });
    }
}
