using System.Text.Json;
using Distroless.Building;
using Distroless.Core.Tests.TestSupport;
using Distroless.Testing.Registry;

namespace Distroless.Cli.Tests;

/// <summary>
/// Whole commands, hermetic: build, base, lock, rebase, push and inspect against the signed fake
/// Debian 12 and the in-memory registry, through the same seams the core's pipeline tests use.
/// One image is built per fixture (by `distroless build`) and used by the tests that need one.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class PipelineTests
{
    private static readonly string[] Mirrors =
        ["--mirror", FakeBookworm.MainRoot.AbsoluteUri, "--security-mirror", FakeBookworm.SecurityRoot.AbsoluteUri];

    private TempDirectory _temp = null!;
    private FakeBookworm _archive = null!;
    private string _built = null!;
    private CliResult _build = null!;

    [OneTimeSetUp]
    public async Task BuildOnce()
    {
        _temp = new TempDirectory();
        _archive = FakeBookworm.Create();
        var plan = WritePlan(_temp, "plan.json");
        _build = await Cli.In(_temp, _archive).RunAsync("build", "--plan", plan);
        _built = _temp.Combine("out", "api.tar");
    }

    [OneTimeTearDown]
    public void CleanUp() => _temp.Dispose();

    /// <summary>A plan for the fake publish output, as the MSBuild task would write it, with a lock file beside it.</summary>
    internal static string WritePlan(TempDirectory temp, string name, Func<ImagePlan, ImagePlan>? edit = null)
    {
        var files = FakePublishOutput.Write(temp.Combine("publish"));
        var plan = new ImagePlan
        {
            Repository = "shop/api",
            Tags = ["1.0", "latest"],
            Base = new BasePlan
            {
                RuntimeIdentifier = "linux-x64",
                Mirror = FakeBookworm.MainRoot.AbsoluteUri,
                SecurityMirror = FakeBookworm.SecurityRoot.AbsoluteUri,
                LockFile = temp.Combine("distroless.lock.json"),
            },
            App = new AppPlan
            {
                Files = files,
                DepsJsonPath = files.Single(f => f.RelativePath == "app.deps.json").SourcePath,
                AppHost = FakePublishOutput.AppHost,
            },
            SourceDateEpoch = 1_750_000_000,
            ArchivePath = temp.Combine("out", "api.tar"),
            CacheDirectory = temp.Combine("plan-cache"),
        };
        var path = temp.Combine(name);
        File.WriteAllText(path, (edit?.Invoke(plan) ?? plan).ToJson());
        return path;
    }

    private static async Task<JsonElement> InspectAsync(Cli cli, string image)
    {
        var result = await cli.RunAsync("inspect", image, "--json");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return JsonDocument.Parse(result.Out).RootElement.Clone();
    }

    [Test]
    public async Task Build_runs_the_plan_and_says_where_the_image_went()
    {
        Assert.That(_build.ExitCode, Is.Zero, _build.ToString());
        Assert.That(_build.Out, Does.StartWith("shop/api:1.0, shop/api:latest (sha256:"));
        Assert.That(_build.Out, Does.Contain($"written to {_built}"));
        Assert.That(_build.Error, Does.Contain("Distroless base: Debian 12 amd64").And.Contain("App layers:"), "phase lines at normal verbosity");
        Assert.That(File.Exists(_temp.Combine("distroless.lock.json")), Is.True, "a build in Auto mode writes the lock");

        var image = (await InspectAsync(Cli.In(_temp), _built)).GetProperty("images")[0];
        Assert.That(image.GetProperty("config").GetProperty("entrypoint")[0].GetString(), Is.EqualTo("/app/app"));
        Assert.That(image.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("libc6"));
        Assert.That(image.GetProperty("packages").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "libc6")
            .GetProperty("version").GetString(), Is.EqualTo(FakeBookworm.SecurityLibc));
    }

    [Test]
    public async Task Build_output_options_replace_the_plans_destinations()
    {
        using var temp = new TempDirectory();
        var plan = WritePlan(temp, "plan.json");
        var other = temp.Combine("elsewhere", "other.tar");

        var result = await Cli.In(temp, _archive).RunAsync(["build", "--plan", plan, "--archive", other, "--tag", "2.0", "--tag", "stable", "-v", "quiet"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.StartWith("shop/api:2.0, shop/api:stable ("));
        Assert.That(File.Exists(other), Is.True);
        Assert.That(File.Exists(temp.Combine("out", "api.tar")), Is.False, "the plan's own archive path is replaced");
        Assert.That(result.Error, Is.Empty, "quiet prints no phase lines");
    }

    [Test]
    public async Task Build_with_a_plan_that_is_not_json_exits_1_with_a_code()
    {
        using var temp = new TempDirectory();
        var plan = temp.Combine("plan.json");
        await File.WriteAllTextAsync(plan, "{ this is not json");

        var result = await Cli.In(temp).RunAsync("build", "--plan", plan);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.Match(@"^error DSTL1004: the plan file "".*plan\.json"" cannot be used: it is not a plan"));
        Assert.That(result.Error, Does.Contain("distroless.plan.json"), "the fix says which file to pass");
    }

    [Test]
    public async Task Build_with_a_plan_that_does_not_exist_exits_1_with_a_code()
    {
        using var temp = new TempDirectory();

        var result = await Cli.In(temp).RunAsync("build", "--plan", temp.Combine("missing.json"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.StartWith("error DSTL1004:").And.Contain("does not exist"));
    }

    [Test]
    public async Task Build_with_a_plan_the_core_rejects_reports_the_cores_code()
    {
        using var temp = new TempDirectory();
        var plan = WritePlan(temp, "plan.json", p => p with { Base = p.Base with { RuntimeIdentifier = "win-x64" } });

        var result = await Cli.In(temp).RunAsync("build", "--plan", plan);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.Contain("error DSTL1002: the runtime identifier \"win-x64\""));
    }

    [Test]
    public async Task Lock_writes_the_lock_file_then_keeps_it()
    {
        using var temp = new TempDirectory();
        var plan = WritePlan(temp, "plan.json");
        var cli = Cli.In(temp, _archive);

        var first = await cli.RunAsync("lock", "--plan", plan);
        var second = await cli.RunAsync("lock", "--plan", plan);
        var update = await cli.RunAsync("lock", "--plan", plan, "--update");

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(first.Out, Does.Contain($"{temp.Combine("distroless.lock.json")}: written (Debian bookworm; amd64: "));
        Assert.That(second.Out, Does.Contain(": up to date"), second.ToString());
        Assert.That(update.Out, Does.Contain(": up to date"), "the archive has not moved, so resolving again changes nothing");
        Assert.That(File.Exists(temp.Combine("out", "api.tar")), Is.False, "no image is built");
        using var lockFile = JsonDocument.Parse(await File.ReadAllTextAsync(temp.Combine("distroless.lock.json")));
        Assert.That(lockFile.RootElement.GetProperty("platforms").GetProperty("amd64").GetProperty("packages").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()), Does.Contain("libc6"));
    }

    [Test]
    public async Task Lock_of_a_plan_without_a_lock_file_exits_1()
    {
        using var temp = new TempDirectory();
        var plan = WritePlan(temp, "plan.json", p => p with { Base = p.Base with { LockFile = null } });

        var result = await Cli.In(temp, _archive).RunAsync("lock", "--plan", plan);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.StartWith("error DSTL1004: --lock has the invalid value"));
    }

    [Test]
    public async Task Base_builds_the_generated_base_alone()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("base.tar");

        var result = await Cli.In(temp, _archive).RunAsync([.. Mirrors, "base", "--archive", output, "--tag", "bookworm"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.StartWith("distroless/base:bookworm (sha256:"));
        var image = (await InspectAsync(Cli.In(temp), output)).GetProperty("images")[0];
        Assert.That(image.GetProperty("config").GetProperty("user").GetString(), Is.EqualTo("65532"));
        Assert.That(image.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("name").GetString()),
            Does.Contain("libc6").And.Contain("libstdc++6").And.Contain("libicu72"));
    }

    [Test]
    public async Task Base_takes_the_mirrors_from_the_environment()
    {
        using var temp = new TempDirectory();
        var cli = Cli.In(temp, _archive);
        cli.Environment[HostDefaults.MirrorVariable] = FakeBookworm.MainRoot.AbsoluteUri;
        cli.Environment[HostDefaults.SecurityMirrorVariable] = FakeBookworm.SecurityRoot.AbsoluteUri;

        var result = await cli.RunAsync("base", "--flavor", "aot", "--archive", temp.Combine("aot.tar"), "-v", "detailed");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Error, Does.Contain("  Base packages:"), "detailed shows the debug lines");
    }

    [Test]
    public async Task Base_without_any_mirror_exits_1_with_DSTL1001()
    {
        using var temp = new TempDirectory();

        var result = await Cli.In(temp, _archive).RunAsync("base", "--archive", temp.Combine("base.tar"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.StartWith("error DSTL1001: no Debian archive mirror is configured.").And.Contain("--mirror"));
    }

    [Test]
    public async Task Base_with_a_malformed_package_exits_1()
    {
        using var temp = new TempDirectory();

        var result = await Cli.In(temp, _archive).RunAsync([.. Mirrors, "base", "--package", "libfoo (>>", "--archive", temp.Combine("base.tar")]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.StartWith("error DSTL1004: --package"));
    }

    [Test]
    public async Task Rebase_keeps_the_app_layers()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("rebased.tar");

        var result = await Cli.In(temp, _archive).RunAsync([.. Mirrors, "rebase", _built, "--archive", output, "--tag", "1.0-1"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.StartWith("shop/api:1.0-1 ("), "the name comes from the archive");
        var before = (await InspectAsync(Cli.In(temp), _built)).GetProperty("images")[0].GetProperty("layers").EnumerateArray().ToList();
        var after = (await InspectAsync(Cli.In(temp), output)).GetProperty("images")[0].GetProperty("layers").EnumerateArray().ToList();
        Assert.That(after.Select(l => l.GetProperty("digest").GetString()).TakeLast(3),
            Is.EqualTo(before.Select(l => l.GetProperty("digest").GetString()).TakeLast(3)));

        // The rebased image gets SBOMs too: the new base's packages, the app part read back from the image.
        var digest = (await InspectAsync(Cli.In(temp), output)).GetProperty("digest").GetString()!;
        var sbom = File.ReadAllText(temp.Combine("rebased.cdx.json"));
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(temp.Combine("rebased.spdx.json")));
            Assert.That(sbom, Does.Contain(digest["sha256:".Length..]));
            Assert.That(sbom, Does.Contain("pkg:deb/debian/libc6@").And.Contain("pkg:nuget/Newtonsoft.Json@13.0.3"));
        });
    }

    [Test]
    public async Task Push_sends_the_archive_unchanged_under_every_tag_and_inspect_reads_it_back()
    {
        using var temp = new TempDirectory();
        var registry = new InMemoryRegistry();
        var cli = Cli.In(temp, registry: registry);
        var digest = (await InspectAsync(cli, _built)).GetProperty("digest").GetString();

        var result = await cli.RunAsync("push", _built, "registry.test/shop/api:1.0", "--tag", "latest");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.StartWith($"registry.test/shop/api:1.0, registry.test/shop/api:latest ({digest})"));
        Assert.That(result.Out, Does.Contain("pushed:"));
        Assert.That(registry.Tags("shop/api"), Is.EquivalentTo(new[] { "1.0", "latest" }));
        Assert.That(registry.Resolve("shop/api", "latest")?.ToString(), Is.EqualTo(digest));

        var pulled = await InspectAsync(Cli.In(temp, registry: registry), "registry.test/shop/api:1.0");
        Assert.That(pulled.GetProperty("digest").GetString(), Is.EqualTo(digest));
        Assert.That(pulled.GetProperty("images")[0].GetProperty("packages").GetArrayLength(), Is.GreaterThan(5));
    }

    [Test]
    public async Task An_unexpected_exception_is_DSTL9001_and_exit_3()
    {
        using var temp = new TempDirectory();
        var cli = new Cli { Home = temp.Combine("home"), ArchiveHandler = new Throwing() };
        cli.Environment["DISTROLESS_CACHE"] = temp.Combine("cache");

        var result = await cli.RunAsync([.. Mirrors, "base", "--archive", temp.Combine("base.tar")]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InternalError), result.ToString());
        Assert.That(result.Error, Does.Contain("error DSTL9001: unexpected error: InvalidOperationException: boom"));
    }

    private sealed class Throwing : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException("boom");
    }
}
