using Distroless.Building;
using Distroless.Core.Tests.TestSupport;

namespace Distroless.Cli.Tests;

/// <summary>
/// `distroless build --project-inputs`, which the targets run where the task cannot load (Visual
/// Studio's MSBuild): the task's steps from the inputs file, against the signed fake Debian 12.
/// The image must be the one the plan the task would have written builds.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ProjectInputsBuildTests
{
    private static FakeBookworm _archive = null!;

    [OneTimeSetUp]
    public static void CreateArchive() => _archive = FakeBookworm.Create();

    /// <summary>The inputs the targets would write for the fake publish output (a self-contained linux-x64 app).</summary>
    private static ProjectInputs Inputs(TempDirectory temp, Func<ProjectInputs, ProjectInputs>? edit = null)
    {
        var publish = temp.Combine("publish");
        var files = FakePublishOutput.Write(publish);
        var inputs = new ProjectInputs
        {
            ProjectFile = temp.Combine("Shop.Api.csproj"),
            PublishDir = publish + "/",
            AssemblyName = FakePublishOutput.AppHost,
            RuntimeIdentifier = "linux-x64",
            SelfContained = true,
            PublishedFiles = [.. files.Select(f => new ProjectItem(f.SourcePath, ("RelativePath", f.RelativePath), ("SourcePath", f.SourcePath)))],
            ContainerRepository = "shop/api",
            ContainerImageTags = "1.0;latest",
            ContainerLabel = [new ProjectItem("note", ("Value", "two\nlines; 100%"))],
            DistrolessDebianMirror = FakeBookworm.MainRoot.AbsoluteUri,
            DistrolessDebianSecurityMirror = FakeBookworm.SecurityRoot.AbsoluteUri,
            LockFile = temp.Combine("distroless.lock.json"),
            DistrolessCacheDirectory = temp.Combine("cache"),
            SourceDateEpoch = "1750000000",
            DefaultArchiveDirectory = temp.Combine("out"),
            PlanFile = temp.Combine("obj", "distroless.plan.json"),
            BuildRecordFile = temp.Combine("obj", "distroless.last-build.json"),
        };
        return edit?.Invoke(inputs) ?? inputs;
    }

    private static string Write(TempDirectory temp, ProjectInputs inputs)
    {
        var path = temp.Combine("obj", "distroless.inputs.tsv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, ProjectInputsFile.Write(inputs));
        return path;
    }

    private static Dictionary<string, List<string>> ResultOf(string path) => File.ReadAllLines(path)
        .Select(line => line.Split('\t'))
        .GroupBy(fields => fields[0], fields => fields[1])
        .ToDictionary(g => g.Key, g => g.ToList());

    [Test]
    public async Task The_signing_key_of_the_inputs_signs_the_image_with_the_password_from_the_environment()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("keys"));
        var key = OpenSslKeys.Generate(temp.Combine("keys"), "ec", "vs-build-pw");
        var inputs = Inputs(temp, i => i with { DistrolessSigningKey = Path.GetRelativePath(temp.Path, key.PrivateKeyPath), Configuration = "Debug" });
        var inputsFile = Write(temp, inputs);
        var cli = Cli.In(temp, _archive);
        cli.Environment["DISTROLESS_SIGNING_KEY_PASSWORD"] = "vs-build-pw";

        var run = await cli.RunAsync("build", "--project-inputs", inputsFile, "--no-progress");
        var attached = Distroless.Signing.AttachedImage.FromArchive(temp.Combine("out", "shop-api.tar"), new Distroless.Caching.BlobCache(temp.Combine("read")));

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            Assert.That(run.Out, Does.Contain("signed with the ECDSA P-256 key"));
            Assert.That(attached.Attachments, Has.Length.EqualTo(2), "a signature and a provenance");
            Assert.That(File.ReadAllText(inputsFile), Does.Contain("P\tDistrolessSigningKey\tkeys/").And.Not.Contain("vs-build-pw").And.Not.Contain("PRIVATE KEY"));
            Assert.That(File.ReadAllText(inputs.PlanFile!), Does.Contain(key.PrivateKeyPath).And.Not.Contain("vs-build-pw"));
        });
    }

    [Test]
    public async Task Rebase_of_the_project_inputs_rewrites_the_image_the_build_wrote_under_the_same_name()
    {
        using var temp = new TempDirectory();
        var inputsFile = Write(temp, Inputs(temp, i =>
        {
            // The apphost under an awkward assembly name: upper case, '+', dots.
            var apphost = Path.Combine(i.PublishDir, "My+Probe.Service");
            File.Copy(Path.Combine(i.PublishDir, FakePublishOutput.AppHost), apphost);
            return i with
            {
                AssemblyName = "My+Probe.Service",
                ContainerRepository = null,
                PublishedFiles = i.PublishedFiles.Add(new ProjectItem(apphost, ("RelativePath", "My+Probe.Service"), ("SourcePath", apphost))),
            };
        }));
        var cli = Cli.In(temp, _archive);

        var built = await cli.RunAsync("build", "--project-inputs", inputsFile, "--no-progress");
        Assert.That(built.ExitCode, Is.Zero, built.ToString());
        var archive = temp.Combine("out", "my-probe.service.tar");
        var before = File.ReadAllBytes(archive);
        var rebased = await cli.RunAsync("rebase", "--project-inputs", inputsFile, "--no-progress");
        var mixed = await cli.RunAsync("rebase", "--project-inputs", inputsFile, "--archive", temp.Combine("elsewhere.tar"));

        Assert.Multiple(() =>
        {
            Assert.That(built.ExitCode, Is.Zero, built.ToString());
            Assert.That(rebased.ExitCode, Is.Zero, rebased.ToString());
            Assert.That(rebased.Out, Does.StartWith("my-probe.service:1.0, my-probe.service:latest (sha256:"));
            Assert.That(File.ReadAllBytes(archive), Is.EqualTo(before), "the same base from the same archive and lock: the same image, in the same place");
            Assert.That(mixed.ExitCode, Is.EqualTo(ExitCodes.Usage), mixed.ToString());
            Assert.That(mixed.Error, Does.Contain("--project-inputs takes everything else from the project"));
        });
    }

    [Test]
    public async Task It_builds_the_image_the_tasks_plan_builds_and_reports_the_outputs()
    {
        using var temp = new TempDirectory();
        var inputs = Inputs(temp);
        var result = temp.Combine("obj", "distroless.result.tsv");

        var run = await Cli.In(temp, _archive).RunAsync("build", "--project-inputs", Write(temp, inputs), "--result-file", result, "--no-progress");

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var plan = ImagePlan.FromJson(await File.ReadAllTextAsync(inputs.PlanFile!));
        Assert.That(plan.ToJson(), Is.EqualTo(ProjectPlanMapper.Map(inputs, _ => null).ToJson()), "the plan file the task would write");
        var outputs = ResultOf(result);
        var archive = temp.Combine("out", "shop-api.tar");
        Assert.Multiple(() =>
        {
            Assert.That(run.Out, Does.StartWith($"shop/api:1.0, shop/api:latest ({outputs["ImageDigest"].Single()})"));
            Assert.That(outputs["ArchiveOutputPath"], Is.EqualTo(new[] { archive }));
            Assert.That(outputs["ImageId"].Single(), Does.StartWith("sha256:"));
            Assert.That(outputs["SbomFile.spdx"], Is.EqualTo(new[] { Path.ChangeExtension(archive, ".spdx.json") }));
            Assert.That(outputs["SbomFile.cyclonedx"], Is.EqualTo(new[] { Path.ChangeExtension(archive, ".cdx.json") }));
            Assert.That(outputs.ContainsKey("PushedReference"), Is.False);
        });

        // The same plan through `build --plan` (as the task would build it) gives the same image.
        var archived = temp.Combine("again", "shop-api.tar");
        var replay = await Cli.In(temp, _archive).RunAsync("build", "--plan", inputs.PlanFile!, "--archive", archived,
            "--result-file", temp.Combine("again", "result.tsv"));
        Assert.That(replay.ExitCode, Is.Zero, replay.ToString());
        Assert.That(ResultOf(temp.Combine("again", "result.tsv"))["ImageDigest"], Is.EqualTo(outputs["ImageDigest"]));
    }

    [Test]
    public async Task An_unchanged_project_is_skipped_with_the_same_outputs()
    {
        using var temp = new TempDirectory();
        var file = Write(temp, Inputs(temp));
        var result = temp.Combine("result.tsv");
        var first = await Cli.In(temp, _archive).RunAsync("build", "--project-inputs", file, "--result-file", result);
        var firstOutputs = File.ReadAllLines(result);

        var second = await Cli.In(temp, _archive).RunAsync("build", "--project-inputs", file, "--result-file", result);

        Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), second.ToString());
        Assert.That(second.Out, Does.StartWith("Distroless: nothing changed since the last publish;"));
        Assert.That(File.ReadAllLines(result), Is.EqualTo(firstOutputs));
    }

    [Test]
    public async Task A_plan_only_run_writes_the_plan_and_builds_nothing()
    {
        using var temp = new TempDirectory();
        var inputs = Inputs(temp, i => i with { PlanOnly = true });

        var run = await Cli.In(temp, _archive).RunAsync("build", "--project-inputs", Write(temp, inputs), "--result-file", temp.Combine("result.tsv"));

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(File.Exists(inputs.PlanFile), Is.True);
        Assert.That(File.Exists(temp.Combine("out", "shop-api.tar")), Is.False);
        Assert.That(File.Exists(temp.Combine("result.tsv")), Is.False);
    }

    [Test]
    public async Task Problems_are_printed_in_msbuilds_canonical_form_against_the_project()
    {
        using var temp = new TempDirectory();
        var inputs = Inputs(temp, i => i with
        {
            ContainerRepository = "UPPER CASE",
            IgnoredSettings = [new ProjectItem("ContainerFamily", ("Value", "noble"), ("Reason", "the base is generated"))],
        });

        var run = await Cli.In(temp, _archive).RunAsync("build", "--project-inputs", Write(temp, inputs));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failed), run.ToString());
        Assert.That(run.Error, Does.Contain($"{inputs.ProjectFile} : warning DSTL1101: ContainerFamily=\"noble\" is ignored: the base is generated."));
        Assert.That(run.Error, Does.Contain($"{inputs.ProjectFile} : error DSTL1004: ContainerRepository has the invalid value \"UPPER CASE\"."));
    }

    [Test]
    public async Task A_malformed_inputs_file_is_DSTL1004_from_distroless()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("distroless.inputs.tsv");
        await File.WriteAllTextAsync(path, "P\tNoSuchParameter\tx\n");

        var run = await Cli.In(temp).RunAsync("build", "--project-inputs", path);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failed), run.ToString());
        Assert.That(run.Error, Does.StartWith("distroless : error DSTL1004: the project inputs file").And.Contain("no input NoSuchParameter"));
    }

    [TestCase("build --plan a.json --project-inputs b.tsv", "--project-inputs", TestName = "both --plan and --project-inputs")]
    [TestCase("build --project-inputs b.tsv --archive x.tar", "--archive", TestName = "--project-inputs with an output option")]
    public async Task Conflicting_options_are_a_usage_error(string commandLine, string mentioned)
    {
        using var temp = new TempDirectory();

        var run = await Cli.In(temp).RunAsync(commandLine.Split(' '));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain(mentioned));
    }
}
