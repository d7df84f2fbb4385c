using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Distroless.App;
using Distroless.Building;
using Distroless.Compression;
using Distroless.Core.Tests.TestSupport;
using Distroless.Diagnostics;
using Distroless.Testing;
using static Distroless.Diagnostics.DiagnosticCodes;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// Every way the pipeline's input can be bad ends in one diagnostic with its DSTL code, and
/// leaves nothing at the archive path: no image, no temporary file beside it.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ContainerizerBadInputTests
{
    private static TestCaseData Archive(string summary, string code, Func<FakeBookworm> create)
        => new TestCaseData(create, code).SetName(summary + " → " + code);

    private static IEnumerable<TestCaseData> ArchiveProblems()
    {
        yield return Archive("a tampered InRelease", SignatureInvalid, () =>
        {
            var archive = FakeBookworm.Create();
            archive.Main.TamperInRelease("bookworm");
            return archive;
        });
        yield return Archive("an InRelease signed only by an untrusted key", SignatureInvalid,
            () => FakeBookworm.Create(securitySigner: TestKeys.Stranger));
        yield return Archive("a tampered Packages index", IndexChecksumMismatch, () =>
        {
            var archive = FakeBookworm.Create();
            archive.Main.CorruptIndex("bookworm", "amd64", CompressionFormat.Gzip);
            return archive;
        });
        yield return Archive("a tampered security Packages.xz", IndexChecksumMismatch, () =>
        {
            var archive = FakeBookworm.Create();
            archive.Security.CorruptIndex("bookworm-security", "amd64", CompressionFormat.Xz);
            return archive;
        });
        yield return Archive("a tampered .deb", PackageChecksumMismatch, () =>
        {
            var archive = FakeBookworm.Create();
            archive.Security.CorruptDeb("libc6");
            return archive;
        });
        yield return Archive("a package missing from all suites", UnknownPackage,
            () => FakeBookworm.Create(p => p.Name == "media-types" ? null : p));
        yield return Archive("a dependency nothing provides", UnsatisfiedDependency,
            () => FakeBookworm.Create(p => p.Name == "libstdc++6" ? p with { Depends = p.Depends + ", libunobtainium1 (>= 1.0)" } : p));
        yield return Archive("an expired Valid-Until on the security suite", ReleaseExpired,
            () => FakeBookworm.Create(securityValidUntil: FakeBookworm.Now.AddHours(-1)));
        yield return Archive("a suite whose InRelease names another codename", ReleaseMismatch, () =>
        {
            var archive = FakeBookworm.Create(extraMainSuites: main => main.AddSuite("trixie-updates").Add(FakePackage.Simple("tzdata", "2025b-1", "all")));
            archive.Main.Replace("dists/bookworm-updates/InRelease", archive.Main.Get("dists/trixie-updates/InRelease"));
            return archive;
        });
    }

    [TestCaseSource(nameof(ArchiveProblems))]
    public void A_bad_archive_fails_with_its_code_and_writes_nothing(Func<FakeBookworm> create, string code)
    {
        using var temp = new TempDirectory();
        var archive = create();
        var plan = ContainerizerTests.Plan(temp, FakePublishOutput.Write(temp), temp.Combine("cache"));

        var error = BuildFails(ContainerizerTests.Containerizer(archive.Handler), plan);

        Assert.That(error.Code, Is.EqualTo(code), error.Message);
    }

    private static TestCaseData PlanCase(string summary, string code, Func<ImagePlan, ImagePlan> edit)
        => new TestCaseData(edit, code).SetName(summary + " → " + code);

    private static IEnumerable<TestCaseData> PlanProblems()
    {
        yield return PlanCase("a Windows runtime identifier", UnsupportedRuntimeIdentifier, p => p with { Base = p.Base with { RuntimeIdentifier = "win-x64" } });
        yield return PlanCase("a musl runtime identifier", UnsupportedRuntimeIdentifier, p => p with { Base = p.Base with { RuntimeIdentifier = "linux-musl-x64" } });
        yield return PlanCase("an unknown suite", UnsupportedSuite, p => p with { Base = p.Base with { Suite = "hamm" } });
        yield return PlanCase("no mirror", NoDebianMirror, p => p with { Base = p.Base with { Mirror = "" } });
        yield return PlanCase("no security mirror", NoDebianMirror, p => p with { Base = p.Base with { SecurityMirror = " " } });
        yield return PlanCase("an ftp mirror", InvalidProperty, p => p with { Base = p.Base with { Mirror = "ftp://deb.test/debian" } });
        yield return PlanCase("an apphost that was not published", NoAppHost, p => p with { App = p.App with { AppHost = "Shop.Api" } });
        yield return PlanCase("an uppercase repository", InvalidProperty, p => p with { Repository = "Shop/API" });
        yield return PlanCase("a repository with a trailing separator", InvalidProperty, p => p with { Repository = "shop/api-" });
        yield return PlanCase("a tag starting with '-'", InvalidProperty, p => p with { Tags = ["1.0", "-rc"] });
        yield return PlanCase("a tag with a colon", InvalidProperty, p => p with { Tags = ["1:0"] });
        yield return PlanCase("an environment variable starting with a digit", InvalidProperty,
            p => p with { Container = p.Container with { Environment = [new EnvironmentVariable("1X", "y")] } });
        yield return PlanCase("an environment variable with '-'", InvalidProperty,
            p => p with { Container = p.Container with { Environment = [new EnvironmentVariable("MY-VAR", "y")] } });
        yield return PlanCase("a relative working directory", InvalidProperty,
            p => p with { Container = p.Container with { WorkingDirectory = "app" } });
        yield return PlanCase("a working directory with '..'", InvalidProperty,
            p => p with { Container = p.Container with { WorkingDirectory = "/app/../etc" } });
        yield return PlanCase("a working directory with an empty segment", InvalidProperty,
            p => p with { Container = p.Container with { WorkingDirectory = "/a//b" } });
        yield return PlanCase("a user with a space", InvalidProperty, p => p with { Container = p.Container with { User = "app user" } });
        yield return PlanCase("a user the generated base does not have", UnknownContainerUser, p => p with { Container = p.Container with { User = "nosuchuser" } });
        yield return PlanCase("a group the generated base does not have", UnknownContainerUser, p => p with { Container = p.Container with { User = "nonroot:wheel" } });
        yield return PlanCase("a negative SOURCE_DATE_EPOCH", InvalidProperty, p => p with { SourceDateEpoch = -1 });
        yield return PlanCase("a published file that is gone", PublishOutputMissing,
            p => p with { App = p.App with { Files = p.App.Files.Add(new PublishedFile(p.App.Files[0].SourcePath + ".gone", "gone.dll")) } });
        yield return PlanCase("a published file outside the app directory", UnsafePath,
            p => p with { App = p.App with { Files = p.App.Files.Add(new PublishedFile(p.App.Files[0].SourcePath, "../escape.dll")) } });
    }

    [TestCaseSource(nameof(PlanProblems))]
    public void A_bad_plan_fails_with_its_code_and_writes_nothing(Func<ImagePlan, ImagePlan> edit, string code)
    {
        using var temp = new TempDirectory();
        var archive = FakeBookworm.Create();
        var plan = edit(ContainerizerTests.Plan(temp, FakePublishOutput.Write(temp), temp.Combine("cache")));

        var error = BuildFails(ContainerizerTests.Containerizer(archive.Handler), plan);

        Assert.That(error.Code, Is.EqualTo(code), error.Message);
        if (code.StartsWith("DSTL1", StringComparison.Ordinal))
        {
            Assert.That(archive.RequestCounts, Is.Empty, "a plan error is found before any download");
        }
    }

    [Test]
    public void A_mirror_on_a_closed_port_fails_with_DSTL2001_after_a_few_fast_retries()
    {
        using var temp = new TempDirectory();
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var plan = ContainerizerTests.Plan(temp, FakePublishOutput.Write(temp), temp.Combine("cache"));
        plan = plan with { Base = plan.Base with { Mirror = $"http://127.0.0.1:{port}/debian/", SecurityMirror = $"http://127.0.0.1:{port}/debian-security/" } };
        using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();

        var error = BuildFails(ContainerizerTests.Containerizer(handler), plan);

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(ArchiveUnreachable), error.Message);
            Assert.That(error.Message, Does.Contain($"127.0.0.1:{port}").And.Contain("after 4 attempts"));
            // Four attempts with 0.25 s, 0.5 s and 1 s backoff (±25 %): about 1.75 s, all suites at once.
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)));
        });
    }

    /// <summary>Runs the build, expecting a diagnostic, and checks the output directory stayed empty.</summary>
    private static DistrolessException BuildFails(Containerizer containerizer, ImagePlan plan)
    {
        var error = Assert.ThrowsAsync<DistrolessException>(() => containerizer.BuildAsync(plan))!;
        var output = Path.GetDirectoryName(plan.ArchivePath)!;
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(plan.ArchivePath), Is.False, "no archive");
            Assert.That(Directory.Exists(output) ? Directory.GetFileSystemEntries(output) : [], Is.Empty, "nothing beside it");
            Assert.That(error.Diagnostic.Fix, Is.Not.Empty);
        });
        return error;
    }
}
