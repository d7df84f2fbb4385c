using System.Text.Json;
using Distroless.Base;
using Distroless.Building;
using Distroless.Core.Tests.Registry;
using Distroless.Core.Tests.TestSupport;
using Distroless.Diagnostics;
using Distroless.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// The base follows the app's native code, hermetic: a signed fake Debian 12 whose suites carry
/// Contents indexes and library packages (<see cref="FakeNativeLibraries"/>), and an app whose
/// NuGet packages bring native libraries with needs beyond the base.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class NativeDependencyTests
{
    private static (ImagePlan Plan, TempDirectory Temp) Setup(Func<ImagePlan, ImagePlan>? edit = null, params (string Path, byte[] Content)[] more)
    {
        var temp = new TempDirectory();
        var files = FakeNativeLibraries.Write(temp.Combine("publish"), FakeNativeLibraries.App(more));
        var plan = ContainerizerTests.Plan(temp, files, temp.Combine("cache")) with { Sbom = true };
        plan = plan with { Base = plan.Base with { LockFile = temp.Combine("distroless.lock.json") } };
        return (edit?.Invoke(plan) ?? plan, temp);
    }

    private static FakeBookworm Archive(Action<FakeDebianArchive>? extraSuites = null)
        => FakeBookworm.Create(extraPackages: FakeNativeLibraries.Packages, extraMainSuites: extraSuites);

    private static Containerizer Containerizer(FakeBookworm archive, CapturingLogger logger)
        => new(new HttpClient(archive.Handler, disposeHandler: false), logger, new FakeTimeProvider(FakeBookworm.Now), FakeBookworm.Keyring());

    private static List<string> History(BuildResult result)
        => JsonDocument.Parse(result.Image.ConfigJson).RootElement.GetProperty("history").EnumerateArray()
            .Select(h => h.GetProperty("created_by").GetString()!).ToList();

    private static int Requests(FakeBookworm archive, string containing)
        => archive.RequestCounts.Where(r => r.Key.Contains(containing, StringComparison.Ordinal)).Sum(r => r.Value);

    [Test]
    public async Task Missing_libraries_are_added_with_their_closure_and_the_image_records_why()
    {
        var (plan, temp) = Setup();
        using var _ = temp;
        var archive = Archive();
        var logger = new CapturingLogger();

        var result = await Containerizer(archive, logger).BuildAsync(plan);

        var history = History(result);
        var synthetic = history.IndexOf("distroless: users, groups, /tmp, home, certificate paths");
        var image = ImageArchiveContents.Read(result.ArchivePath!);
        var recipe = BaseRecipe.FromAnnotations(JsonSerializer.Deserialize<Dictionary<string, string>>(image.Manifest.GetProperty("annotations").GetRawText()))!;
        Assert.Multiple(() =>
        {
            Assert.That(history[(synthetic - 5)..synthetic], Is.EqualTo(new[]
            {
                "distroless: debian package libicu72 72.1-3+deb12u1 (amd64)",
                "distroless: debian package libfontconfig1 2.14.1-4 (amd64)",
                "distroless: debian package libfreetype6 2.12.1+dfsg-5+deb12u4 (amd64)",
                "distroless: debian package libjemalloc2 5.3.0-1 (amd64)",
                "distroless: debian package libexpat1 2.5.0-1+deb12u1 (amd64)",
            }), "after the base packages, before the synthetic layer; libexpat1 only from scanning libfontconfig's ELF file");
            Assert.That(history, Has.None.Contains("389-ds-base-libs").And.None.Contains("libfontconfig-dev"));
            Assert.That(result.Packages.Select(p => p.Name), Is.SupersetOf(new[] { "libfontconfig1", "libfreetype6", "libexpat1", "libjemalloc2" }));
            Assert.That(logger.Lines, Does.Contain("Information: libfontconfig1 2.14.1-4 added: /app/libSkiaSharp.so needs libfontconfig.so.1"));
            Assert.That(logger.Lines, Does.Contain("Information: libjemalloc2 5.3.0-1 added: /app/librocksdb-jemalloc.so needs libjemalloc.so.2"));
            Assert.That(logger.Lines, Does.Contain("Information: libexpat1 2.5.0-1+deb12u1 added: /usr/lib/x86_64-linux-gnu/libfontconfig.so.1.12.0 needs libexpat.so.1"));
            Assert.That(logger.Lines.Where(l => l.StartsWith("Warning:", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1)
                .And.One.Contains("/app/librdkafka.so needs libsasl2.so.3").And.One.Contains("/app/centos8-librdkafka.so"), "one warning, naming the variant that loads");
            Assert.That(logger.Lines, Has.None.Contains("librocksdb-musl.so needs"), "the musl build is not checked");
            Assert.That(recipe.Native!.Value.Select(n => $"{n.SoName}={n.Package}"), Is.EqualTo(new[]
            {
                "libfontconfig.so.1=libfontconfig1", "libjemalloc.so.2=libjemalloc2", "libsasl2.so.3=", "libexpat.so.1=libexpat1",
            }));
            Assert.That(recipe.Layers, Is.EqualTo(synthetic + 1), "the added packages are part of the base a rebase replaces");
        });
    }

    [Test]
    public async Task The_lock_records_the_question_and_answers_it_without_any_index_from_an_empty_cache()
    {
        var (plan, temp) = Setup();
        using var _ = temp;
        var archive = Archive();
        var first = await Containerizer(archive, new CapturingLogger()).BuildAsync(plan);
        var locked = JsonDocument.Parse(File.ReadAllBytes(plan.Base.LockFile!)).RootElement.GetProperty("platforms").GetProperty("amd64").GetProperty("native");
        var before = archive.RequestCounts;

        var again = await Containerizer(archive, new CapturingLogger()).BuildAsync(plan with
        {
            CacheDirectory = temp.Combine("cold-cache"),
            ArchivePath = temp.Combine("out", "again.tar"),
            Base = plan.Base with { LockMode = LockMode.Locked },
        });

        var requested = archive.RequestCounts.Where(r => r.Value != before.GetValueOrDefault(r.Key)).Select(r => r.Key).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(locked.GetProperty("missing").EnumerateArray().Select(m => m.GetString()),
                Is.EqualTo(new[] { "libfontconfig.so.1", "libjemalloc.so.2", "libsasl2.so.3" }));
            Assert.That(locked.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("name").GetString()),
                Is.EqualTo(new[] { "libfontconfig1", "libfreetype6", "libjemalloc2", "libexpat1" }));
            Assert.That(again.Digest, Is.EqualTo(first.Digest));
            Assert.That(requested.Where(r => r.Contains("dists/", StringComparison.Ordinal) && !r.EndsWith("/InRelease", StringComparison.Ordinal)), Is.Empty,
                "a locked build reads no index, not even from an empty cache");
        });
    }

    [Test]
    public async Task The_same_input_gives_the_same_image_warm_or_cold_and_a_warm_build_reads_no_index()
    {
        var (plan, temp) = Setup(p => p with { Base = p.Base with { LockFile = null } });
        using var _ = temp;
        var archive = Archive();
        var containerizer = Containerizer(archive, new CapturingLogger());
        var first = await containerizer.BuildAsync(plan);
        var contentsAfterFirst = Requests(archive, "/main/by-hash/") + Requests(archive, "Contents-amd64");
        var packagesAfterFirst = Requests(archive, "binary-amd64");

        var warm = await containerizer.BuildAsync(plan with { ArchivePath = temp.Combine("out", "warm.tar") });
        var cold = await Containerizer(Archive(), new CapturingLogger())
            .BuildAsync(plan with { ArchivePath = temp.Combine("out", "cold.tar"), CacheDirectory = temp.Combine("cache2") });

        Assert.Multiple(() =>
        {
            Assert.That(contentsAfterFirst, Is.EqualTo(3), "each suite's Contents index once");
            Assert.That(warm.Digest, Is.EqualTo(first.Digest));
            Assert.That(cold.Digest, Is.EqualTo(first.Digest));
            Assert.That(Requests(archive, "/main/by-hash/") + Requests(archive, "Contents-amd64"), Is.EqualTo(contentsAfterFirst), "warm: the lookup is remembered");
            Assert.That(Requests(archive, "binary-amd64"), Is.EqualTo(packagesAfterFirst), "warm: the resolution is remembered");
        });
    }

    [Test]
    public async Task An_app_that_needs_nothing_more_never_fetches_a_Contents_index()
    {
        var temp = new TempDirectory();
        using var _ = temp;
        var archive = Archive();
        var plan = ContainerizerTests.Plan(temp, FakePublishOutput.Write(temp), temp.Combine("cache"));

        await Containerizer(archive, new CapturingLogger()).BuildAsync(plan);

        Assert.That(Requests(archive, "/main/by-hash/") + Requests(archive, "Contents"), Is.Zero);
    }

    [Test]
    public async Task A_locked_build_whose_app_now_needs_another_library_is_DSTL2012()
    {
        var (plan, temp) = Setup();
        using var _ = temp;
        var archive = Archive();
        await Containerizer(archive, new CapturingLogger()).BuildAsync(plan);
        var (changed, changedTemp) = Setup(p => p with { Base = p.Base with { LockFile = plan.Base.LockFile, LockMode = LockMode.Locked } },
            ("libextra.so", ElfBuilder.Library("libextra.so", "libfreetype.so.6").Build()));
        using var __ = changedTemp;

        var error = Assert.ThrowsAsync<DistrolessException>(() => Containerizer(archive, new CapturingLogger()).BuildAsync(changed));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(DiagnosticCodes.LockFileOutOfDate));
            Assert.That(error.Message, Does.Contain("libfreetype.so.6"));
            Assert.That(File.Exists(changed.ArchivePath), Is.False);
        });
    }

    [Test]
    public void Strict_mode_makes_a_library_no_package_has_an_error_that_names_file_and_soname()
    {
        var (plan, temp) = Setup(p => p with { Base = p.Base with { StrictNativeDependencies = true } });
        using var _ = temp;

        var error = Assert.ThrowsAsync<DistrolessException>(() => Containerizer(Archive(), new CapturingLogger()).BuildAsync(plan));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(DiagnosticCodes.NativeDependencyMissing));
            Assert.That(error.Message, Does.Contain("/app/librdkafka.so needs libsasl2.so.3"));
            Assert.That(File.Exists(plan.ArchivePath), Is.False, "nothing is written");
        });
    }

    [Test]
    public async Task Opting_out_adds_nothing_and_says_which_package_to_add()
    {
        var (plan, temp) = Setup(p => p with { Base = p.Base with { ResolveNativeDependencies = false } });
        using var _ = temp;
        var logger = new CapturingLogger();

        var result = await Containerizer(Archive(), logger).BuildAsync(plan);

        var warnings = logger.Lines.Where(l => l.StartsWith("Warning:", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.Packages.Select(p => p.Name), Has.None.EqualTo("libfontconfig1"));
            Assert.That(warnings, Has.One.Contains("/app/libSkiaSharp.so needs libfontconfig.so.1").And.One.Contains("<DistrolessPackage Include=\"libfontconfig1\" />"));
            Assert.That(warnings, Has.One.Contains("<DistrolessPackage Include=\"libjemalloc2\" />"));
            Assert.That(warnings, Has.One.Contains("libsasl2.so.3"), "what no package has is still said");
            Assert.That(JsonDocument.Parse(File.ReadAllBytes(plan.Base.LockFile!)).RootElement.GetProperty("platforms").GetProperty("amd64")
                .TryGetProperty("native", out var __), Is.False);
        });
    }

    [Test]
    public async Task A_package_the_project_excludes_is_not_added_and_the_library_is_reported_missing()
    {
        var (plan, temp) = Setup(p => p with { Base = p.Base with { ExcludedPackages = ["libjemalloc2"] } });
        using var _ = temp;
        var logger = new CapturingLogger();

        var result = await Containerizer(Archive(), logger).BuildAsync(plan);

        Assert.Multiple(() =>
        {
            Assert.That(result.Packages.Select(p => p.Name), Has.None.EqualTo("libjemalloc2"));
            Assert.That(logger.Lines, Has.One.Contains("libjemalloc.so.2 is shipped by libjemalloc2, which the project excludes"));
            Assert.That(logger.Lines, Has.One.StartsWith("Warning:").And.Contains("/app/librocksdb-jemalloc.so needs libjemalloc.so.2"));
        });
    }

    [Test]
    public async Task A_mirror_without_Contents_indexes_warns_DSTL2103_and_the_build_goes_on()
    {
        var (plan, temp) = Setup(p => p with { Base = p.Base with { LockFile = null } });
        using var _ = temp;
        var archive = FakeBookworm.Create(edit: null, extraPackages: FakeNativeLibraries.Packages);
        foreach (var suite in archive.Main.Suites.Concat(archive.Security.Suites))
        {
            suite.Contents = false;
        }

        var logger = new CapturingLogger();
        var result = await Containerizer(archive, logger).BuildAsync(plan);

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(result.ArchivePath), Is.True);
            Assert.That(logger.Lines, Has.Some.Contains("lists no Contents-amd64 index"));
            Assert.That(result.Packages.Select(p => p.Name), Has.None.EqualTo("libfontconfig1"));
        });
    }

    [Test]
    public void A_tampered_Contents_index_is_rejected_like_any_index()
    {
        var (plan, temp) = Setup(p => p with { Base = p.Base with { LockFile = null } });
        using var _ = temp;
        var archive = Archive();
        archive.Main.CorruptContents("bookworm", "amd64");

        var error = Assert.ThrowsAsync<DistrolessException>(() => Containerizer(archive, new CapturingLogger()).BuildAsync(plan));

        Assert.That(error!.Code, Is.EqualTo(DiagnosticCodes.IndexChecksumMismatch));
    }

    [Test]
    public async Task Libraries_the_managed_code_imports_but_nobody_ships_get_a_suggestion_not_an_addition()
    {
        var plugin = File.ReadAllBytes(typeof(Distroless.Core.Tests.Native.PInvokeImportsTests).Assembly.Location);
        var (plan, temp) = Setup(p => p with { Base = p.Base with { LockFile = null } },
            ("Plugin.dll", plugin), ("libe_sqlite3.so", ElfBuilder.Library("libe_sqlite3.so", "libc.so.6").Build()));
        using var _ = temp;
        var logger = new CapturingLogger();

        var result = await Containerizer(Archive(), logger).BuildAsync(plan);

        Assert.Multiple(() =>
        {
            Assert.That(result.Packages.Select(p => p.Name), Has.None.EqualTo("libx11-6"));
            Assert.That(logger.Lines, Has.One.StartsWith("Information: Plugin.dll imports \"libX11\", which the image does not have; Debian's libx11-6 ships /usr/lib/x86_64-linux-gnu/libX11.so.6")
                .And.Contains("<DistrolessPackage Include=\"libx11-6\" />"));
            Assert.That(logger.Lines, Has.None.Contains("imports \"e_sqlite3\"").And.None.Contains("imports \"kernel32\""));
        });
    }

    [Test]
    public async Task A_single_file_bundle_is_opened_and_its_native_libraries_are_satisfied_too()
    {
        var temp = new TempDirectory();
        using var _ = temp;
        var bundle = FakeBundle.Create(("libSkiaSharp.so", ElfBuilder.Library("libSkiaSharp.so", "libfontconfig.so.1").Build(), 2, true));
        var files = FakeNativeLibraries.Write(temp.Combine("publish"), new Dictionary<string, byte[]>
        {
            ["app"] = bundle,
            ["app.deps.json"] = System.Text.Encoding.UTF8.GetBytes(FakeNativeLibraries.DepsJson),
        });
        var plan = ContainerizerTests.Plan(temp, files, temp.Combine("cache"));
        var logger = new CapturingLogger();

        var result = await Containerizer(Archive(), logger).BuildAsync(plan);

        Assert.Multiple(() =>
        {
            Assert.That(result.Packages.Select(p => p.Name), Does.Contain("libfontconfig1"));
            Assert.That(logger.Lines, Does.Contain("Information: libfontconfig1 2.14.1-4 added: /app/app!/libSkiaSharp.so needs libfontconfig.so.1"));
        });
    }
}
