using System.Text.Json;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// The HelloNative sample, tried as a user would: real NuGet packages with native code
/// (SkiaSharp, RocksDB, Confluent.Kafka, Microsoft.Data.Sqlite, LibGit2Sharp), published with
/// PublishDistroless=true and no other setting, on the live Debian archive. The image must run
/// and really use every library; the base gets exactly the Debian packages their ELF files need
/// (libfontconfig1 for SkiaSharp, libjemalloc2 for RocksDB's jemalloc build) and says why. The
/// same app with the resolution switched off shows the crash users get from other tools.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class NativeLibrariesTests
{
    private SampleProject _sample = null!;
    private ProcessResult _publish = null!;
    private ImageArchive _image = null!;
    private Dictionary<string, string> _report = [];
    private JsonElement _lock;

    [OneTimeSetUp]
    public async Task PublishAndRunAsync()
    {
        _sample = SampleProject.Create("native", "HelloNative");
        var archive = Path.Combine(_sample.Directory, "native.tar");
        _publish = await _sample.PublishAsync(SharedCache.Path, "-r", "linux-x64", "-v:n", "-p:ContainerArchiveOutputPath=" + archive);
        Assert.That(_publish.ExitCode, Is.Zero, _publish.All);
        _image = ImageArchive.Open(archive);
        _report = await SampleImages.RunAsync(archive);
        _lock = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_sample.Directory, "distroless.lock.json"))).RootElement;
    }

    [Test]
    public void Every_native_library_loads_and_works_in_the_image()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_report["skia-png"], Does.StartWith("ok "), "SkiaSharp needs libfontconfig.so.1");
            Assert.That(int.Parse(_report["skia-fonts"]), Is.GreaterThan(0), "fontconfig finds the fonts its config package brought");
            Assert.That(_report["rocksdb"], Is.EqualTo("value"));
            Assert.That(_report["kafka"], Does.StartWith("2."));
            Assert.That(_report["sqlite"], Does.StartWith("3."));
            Assert.That(_report["libgit2"], Is.EqualTo("initialized"));
        });
    }

    [Test]
    public void The_base_got_what_the_native_code_needs_and_the_publish_says_why()
    {
        var packages = ImageFacts.DebianPackages(_image);
        Assert.Multiple(() =>
        {
            Assert.That(packages, Is.SupersetOf(new[] { "libfontconfig1", "libfreetype6", "libjemalloc2" }));
            Assert.That(packages, Has.None.EndsWith("-dev"));
            Assert.That(_publish.Output, Does.Match(@"libfontconfig1 \S+ added: /app/libSkiaSharp\.so needs libfontconfig\.so\.1"));
            Assert.That(_publish.Output, Does.Match(@"libjemalloc2 \S+ added: /app/librocksdb-jemalloc\.so needs libjemalloc\.so\.2"));
        });
    }

    [Test]
    public void The_lock_records_each_added_package_with_the_file_and_soname_that_needed_it()
    {
        var native = _lock.GetProperty("platforms").GetProperty("amd64").GetProperty("native");
        var needs = native.GetProperty("needs").EnumerateArray()
            .ToDictionary(n => n.GetProperty("soName").GetString()!, n => n);

        Assert.Multiple(() =>
        {
            Assert.That(needs["libfontconfig.so.1"].GetProperty("package").GetString(), Is.EqualTo("libfontconfig1"));
            Assert.That(needs["libfontconfig.so.1"].GetProperty("neededBy").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "app/libSkiaSharp.so" }));
            Assert.That(needs["libjemalloc.so.2"].GetProperty("package").GetString(), Is.EqualTo("libjemalloc2"));
            Assert.That(needs["libsasl2.so.3"].TryGetProperty("package", out var none) && none.ValueKind != JsonValueKind.Null, Is.False,
                "Red Hat's soname: no Debian package has it");
            Assert.That(native.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("libfontconfig1"));
        });
    }

    [Test]
    public void Variants_the_runtime_may_not_load_warn_and_musl_builds_are_not_checked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_publish.Output, Does.Contain("warning DSTL2101: /app/librdkafka.so needs libsasl2.so.3"));
            Assert.That(_publish.Output, Does.Contain("centos8-librdkafka.so"), "the warning names the build that loads instead");
            Assert.That(_publish.Output, Does.Not.Contain("alpine-librdkafka.so needs").And.Not.Contain("librocksdb-musl.so needs"));
            Assert.That(_publish.Output, Does.Not.Contain("error DSTL"));
        });
    }

    [Test]
    public async Task Without_the_resolution_the_publish_names_the_package_to_add_and_the_image_fails_as_users_know_it()
    {
        var archive = Path.Combine(_sample.Directory, "unresolved.tar");
        var publish = await _sample.PublishAsync(SharedCache.Path, "-r", "linux-x64", "-p:DistrolessResolveNativeDependencies=false",
            "-p:DistrolessUseLockFile=false", "-p:ContainerArchiveOutputPath=" + archive);
        Assert.That(publish.ExitCode, Is.Zero, publish.All);

        var loaded = await Podman.LoadAsync(archive);
        ProcessResult run;
        try
        {
            run = await Podman.RunAsync("run", "--rm", "--network", "none", loaded);
        }
        finally
        {
            await Podman.RemoveImageAsync(loaded);
        }

        Assert.Multiple(() =>
        {
            Assert.That(publish.Output, Does.Contain("warning DSTL2102: /app/libSkiaSharp.so needs libfontconfig.so.1"));
            Assert.That(publish.Output, Does.Contain("<DistrolessPackage Include=\"libfontconfig1\" />"));
            Assert.That(ImageFacts.DebianPackages(ImageArchive.Open(archive)), Has.None.EqualTo("libfontconfig1"));
            Assert.That(RunReport.Parse(run.Output)["skia-png"], Does.StartWith("failed DllNotFoundException").And.Contain("libfontconfig.so.1"),
                "the crash users meet with other tools");
        });
    }

    [Test]
    public async Task Strict_mode_fails_the_publish_on_a_library_no_package_has_and_writes_nothing()
    {
        var archive = Path.Combine(_sample.Directory, "strict.tar");
        var publish = await _sample.PublishAsync(SharedCache.Path, "-r", "linux-x64", "-p:DistrolessStrictNativeDependencies=true",
            "-p:DistrolessUseLockFile=false", "-p:ContainerArchiveOutputPath=" + archive);

        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Not.Zero);
            Assert.That(publish.Output, Does.Contain("error DSTL2015").And.Contain("/app/librdkafka.so needs libsasl2.so.3"));
            Assert.That(File.Exists(archive), Is.False);
        });
    }

    [Test]
    public async Task A_value_that_is_not_true_or_false_is_DSTL1004()
    {
        var publish = await _sample.PublishAsync(SharedCache.Path, "-r", "linux-x64", "-p:DistrolessResolveNativeDependencies=sometimes",
            "-p:DistrolessUseLockFile=false", "-p:ContainerArchiveOutputPath=" + Path.Combine(_sample.Directory, "bad.tar"));

        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Not.Zero);
            Assert.That(publish.Output, Does.Contain("error DSTL1004").And.Contain("DistrolessResolveNativeDependencies has the invalid value \"sometimes\""));
        });
    }

    [Test]
    public async Task A_single_file_bundle_with_its_native_libraries_inside_runs_too()
    {
        var archive = Path.Combine(_sample.Directory, "single.tar");
        var publish = await _sample.PublishAsync(SharedCache.Path, "-r", "linux-x64", "--self-contained", "-p:PublishSingleFile=true",
            "-p:IncludeNativeLibrariesForSelfExtract=true", "-p:DistrolessUseLockFile=false", "-v:n", "-p:ContainerArchiveOutputPath=" + archive);
        Assert.That(publish.ExitCode, Is.Zero, publish.All);

        var report = await SampleImages.RunAsync(archive);

        // RocksDbSharp's own loader looks for its library beside the app only, so it cannot run from
        // a bundle anywhere; the others extract and load, and find what they need in the base.
        Assert.Multiple(() =>
        {
            Assert.That(publish.Output, Does.Match(@"libfontconfig1 \S+ added: /app/HelloNative!/libSkiaSharp\.so needs libfontconfig\.so\.1"));
            Assert.That(report["skia-png"], Does.StartWith("ok "));
            Assert.That(report["sqlite"], Does.StartWith("3."));
            Assert.That(report["libgit2"], Is.EqualTo("initialized"));
        });
    }

    [Test]
    public async Task Each_architecture_gets_its_own_packages_from_its_own_Contents_index()
    {
        var archive = Path.Combine(_sample.Directory, "multi.tar");
        var publish = await _sample.PublishAsync(SharedCache.Path, "-p:RuntimeIdentifiers=\"linux-x64;linux-arm64\"",
            "-p:DistrolessUseLockFile=false", "-p:ContainerArchiveOutputPath=" + archive);
        Assert.That(publish.ExitCode, Is.Zero, publish.All);

        var arm64 = ImageArchive.Open(archive).Platforms()["linux/arm64/v8"];
        var fontconfig = System.Text.Encoding.UTF8.GetString(arm64.FileContents(p => p == "var/lib/dpkg/status.d/libfontconfig1").Single().Value);
        var elves = arm64.FileContents(_ => true).Where(f => ElfFile.IsElf(f.Value)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(fontconfig, Does.Contain("Architecture: arm64\n"));
            Assert.That(arm64.FileSystem().Keys, Does.Contain("usr/lib/aarch64-linux-gnu/libfontconfig.so.1"));
            Assert.That(elves.Where(f => ElfFile.Machine(f.Value) != ElfFile.AArch64 && !f.Key.Contains("musl", StringComparison.Ordinal)
                && !f.Key.Contains("alpine", StringComparison.Ordinal)).Select(f => f.Key), Is.Empty, "every ELF file of the arm64 image is AArch64");
        });
    }
}
