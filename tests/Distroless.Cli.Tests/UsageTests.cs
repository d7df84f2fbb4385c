namespace Distroless.Cli.Tests;

/// <summary>Every command documents itself, and a wrong command line is a usage error (exit 2) that says what is wrong.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class UsageTests
{
    private static readonly string[] GlobalOptions = ["--cache", "--mirror", "--security-mirror", "--insecure-registry", "--verbosity", "--no-progress"];

    private static IEnumerable<TestCaseData> Commands()
    {
        yield return new TestCaseData("", new[] { "build", "base", "push", "inspect", "lock", "rebase", "cache", "Exit codes:" }).SetName("distroless");
        yield return new TestCaseData("build", new[] { "--plan", "--archive", "--registry", "--tag" }).SetName("build");
        yield return new TestCaseData("base", new[] { "--suite", "--rid", "--flavor", "--package", "--debug", "--no-slim", "--archive", "--registry", "--repository", "--tag", "--lock" })
            .SetName("base");
        yield return new TestCaseData("push", new[] { "<archive>", "<reference>", "--tag" }).SetName("push");
        yield return new TestCaseData("inspect", new[] { "<image>", "--json" }).SetName("inspect");
        yield return new TestCaseData("lock", new[] { "--plan", "--update" }).SetName("lock");
        yield return new TestCaseData("rebase", new[] { "<image>", "--archive", "--registry", "--repository", "--tag", "--lock", "--update-lock" }).SetName("rebase");
        yield return new TestCaseData("cache", new[] { "info", "prune" }).SetName("cache");
        yield return new TestCaseData("cache info", Array.Empty<string>()).SetName("cache info");
        yield return new TestCaseData("cache prune", new[] { "--all", "--older-than" }).SetName("cache prune");
    }

    [TestCaseSource(nameof(Commands))]
    public async Task Help_exits_0_and_lists_the_options(string command, string[] expected)
    {
        using var temp = new TempDirectory();
        var result = await Cli.In(temp).RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.Contain("Usage:"));
        Assert.That(result.Out, Does.Contain("Description:"));
        foreach (var text in expected.Concat(GlobalOptions))
        {
            Assert.That(result.Out, Does.Contain(text), $"{command} --help should mention {text}");
        }
    }

    [Test]
    public async Task The_root_help_documents_the_exit_codes()
    {
        using var temp = new TempDirectory();
        var result = await Cli.In(temp).RunAsync("--help");

        Assert.That(result.Out, Does.Contain("0    success").And.Contain("1    a reported problem").And.Contain("2    bad command-line usage")
            .And.Contain("3    an internal error (DSTL9001)"));
    }

    [TestCase("frobnicate", "frobnicate", TestName = "an unknown command")]
    [TestCase("build", "--plan", TestName = "build without --plan")]
    [TestCase("build --plan", "--plan", TestName = "--plan without a file")]
    [TestCase("build --plan a.json --colour", "--colour", TestName = "an unknown option")]
    [TestCase("base --flavor tiny --archive x.tar", "tiny", TestName = "an unknown flavor")]
    [TestCase("base --suite buster --archive x.tar", "buster", TestName = "an unknown suite")]
    [TestCase("base --rid win-x64 --archive x.tar", "win-x64", TestName = "a runtime without a Debian base")]
    [TestCase("base", "--archive", TestName = "base with nowhere to put the image")]
    [TestCase("base --registry localhost:5000", "--repository", TestName = "base --registry without --repository")]
    [TestCase("base --update-lock --archive x.tar", "--lock", TestName = "--update-lock without --lock")]
    [TestCase("rebase a.tar --archive b.tar --update-lock", "--lock", TestName = "rebase --update-lock without --lock")]
    [TestCase("inspect", "inspect", TestName = "inspect without an image")]
    [TestCase("push a.tar", "push", TestName = "push without a target")]
    [TestCase("cache prune --all --older-than 3", "--all", TestName = "prune with --all and --older-than")]
    [TestCase("cache prune --older-than soon", "soon", TestName = "prune with a non-numeric age")]
    [TestCase("cache prune --older-than -1", "--older-than", TestName = "prune with a negative age")]
    [TestCase("cache info -v loud", "loud", TestName = "an unknown verbosity")]
    [TestCase("", "command", TestName = "no command")]
    [TestCase("base --archive x.tar --tag", "--tag", TestName = "a repeatable option without a value")]
    [TestCase("base --archive x.tar --rid linux-x64 linux-arm64", "linux-arm64", TestName = "two values after one option")]
    [TestCase("inspect --tag", "--tag", TestName = "an option the command does not have, in place of its argument")]
    public async Task A_wrong_command_line_exits_2_and_says_why(string commandLine, string mentioned)
    {
        using var temp = new TempDirectory();
        var result = await Cli.In(temp).RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.Error, Does.Contain("error:").And.Contain(mentioned));
        Assert.That(result.Error, Does.Contain("--help"));
        Assert.That(result.Out, Is.Empty);
    }

    [Test]
    public async Task A_push_target_with_a_digest_is_a_usage_error()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("a.tar");
        await File.WriteAllTextAsync(archive, "not read");

        var result = await Cli.In(temp).RunAsync("push", archive, "registry.test/shop/api@sha256:" + new string('a', 64));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.Error, Does.Contain("digest"));
    }

    [Test]
    public async Task Version_exits_0()
    {
        using var temp = new TempDirectory();
        var result = await Cli.In(temp).RunAsync("--version");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Out, Does.Match(@"^\d+\.\d+\.\d+"));
    }
}
