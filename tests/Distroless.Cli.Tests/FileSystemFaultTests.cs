using Distroless.Compression;
using Distroless.Core.Tests.TestSupport;

namespace Distroless.Cli.Tests;

/// <summary>
/// A full disk and a read-only file system, for real: `distroless base` with the cache or the
/// archive on a small tmpfs, against the fake Debian 12 whose ICU package carries 24 MiB that do
/// not compress. Each failure is its own DSTL code naming the path, the place and the option that
/// moves it (never DSTL9001), and leaves no temporary file behind, so the disk is as full as
/// before and a build with room succeeds.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class FileSystemFaultTests
{
    private const int BigFile = 24 << 20;

    private static readonly string[] Mirrors =
        ["--mirror", FakeBookworm.MainRoot.AbsoluteUri, "--security-mirror", FakeBookworm.SecurityRoot.AbsoluteUri];

    private static readonly Lazy<FakePackage> BigIcu = new(() =>
    {
        var data = new byte[BigFile];
        new Random(12).NextBytes(data);
        var deb = new DebBuilder("libicu72", "72.1-3+deb12u1") { DataCompression = CompressionFormat.None }
            .File("./usr/lib/x86_64-linux-gnu/libicudata.so.72.1", data)
            .File("./usr/share/doc/libicu72/copyright", "Copyright: icu authors\nLicense: test\n");
        return FakeBookworm.Package(deb, depends: "libc6 (>= 2.34), libgcc-s1 (>= 3.3.1), libstdc++6 (>= 12)", source: "icu");
    });

    private static FakeBookworm ArchiveWithBigIcu() => FakeBookworm.Create(p => p.Name == "libicu72" ? BigIcu.Value : p);

    /// <summary>The files under tmp/ (the locks of running builds' areas aside): what a failed build left.</summary>
    private static IReadOnlyList<string> TemporaryFiles(string cache)
        => Directory.Exists(Path.Combine(cache, "tmp"))
            ? Directory.GetFiles(Path.Combine(cache, "tmp"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).ToList()
            : [];

    [Test]
    public async Task A_full_disk_under_the_cache_is_DSTL4006_leaves_no_temporary_file_and_a_bigger_disk_then_works()
    {
        using var temp = new TempDirectory();
        using var tmpfs = await Tmpfs.MountAsync(20);
        var cli = Cli.In(temp, ArchiveWithBigIcu());
        string[] command = [.. Mirrors, "--cache", tmpfs.Path, "base", "--archive", temp.Combine("out", "base.tar")];

        var first = await cli.RunAsync(command);
        var usedAfterFirst = tmpfs.UsedBytes;
        var second = await cli.RunAsync(command);
        TestContext.Out.WriteLine(first.ToString());

        Assert.Multiple(() =>
        {
            foreach (var result in new[] { first, second })
            {
                Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
                Assert.That(result.Error, Does.Contain("error DSTL4006: the disk is full: \"" + tmpfs.Path)
                    .And.Contain($"(the Distroless cache, {tmpfs.Path}) cannot be written (No space left on device).")
                    .And.Contain("--cache").And.Contain("distroless cache prune"));
                Assert.That(result.Error, Does.Not.Contain("DSTL9001"));
            }

            Assert.That(TemporaryFiles(tmpfs.Path), Is.Empty, "what the failed build was writing is gone");
            Assert.That(usedAfterFirst, Is.LessThan(2 << 20), "the disk is not left full: only complete entries stay");
            Assert.That(tmpfs.UsedBytes, Is.LessThanOrEqualTo(usedAfterFirst + (64 << 10)), "a second try does not pile up more");
            Assert.That(File.Exists(temp.Combine("out", "base.tar")), Is.False);
        });

        await ProcessRunner.RunCheckedAsync("mount", ["-o", "remount,size=120m", tmpfs.Path]);
        var roomy = await cli.RunAsync(command);

        Assert.That(roomy.ExitCode, Is.Zero, roomy.ToString());
        Assert.That(TemporaryFiles(tmpfs.Path), Is.Empty);
    }

    [Test]
    public async Task A_full_disk_under_the_archive_is_DSTL4006_naming_the_option_and_leaves_nothing_there()
    {
        using var temp = new TempDirectory();
        using var tmpfs = await Tmpfs.MountAsync(20);
        var archive = tmpfs.Combine("out", "base.tar");

        var result = await Cli.In(temp, ArchiveWithBigIcu()).RunAsync([.. Mirrors, "base", "--archive", archive]);
        TestContext.Out.WriteLine(result.ToString());

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
            Assert.That(result.Error, Does.Contain("error DSTL4006: the disk is full: \"" + tmpfs.Combine("out", ".base.tar."))
                .And.Contain($"(the image archive's directory, {tmpfs.Combine("out")})").And.Contain("--archive"));
            Assert.That(Directory.GetFileSystemEntries(tmpfs.Combine("out")), Is.Empty, "no archive, no temporary file");
            Assert.That(tmpfs.UsedBytes, Is.LessThan(64 << 10));
            Assert.That(TemporaryFiles(temp.Combine("cache")), Is.Empty);
        });
    }

    [Test]
    public async Task A_cache_on_a_read_only_file_system_is_DSTL4008()
    {
        using var temp = new TempDirectory();
        using var tmpfs = await Tmpfs.MountAsync(1);
        await tmpfs.RemountReadOnlyAsync();

        var result = await Cli.In(temp, FakeBookworm.Create()).RunAsync([.. Mirrors, "--cache", tmpfs.Path, "base", "--archive", temp.Combine("base.tar")]);
        TestContext.Out.WriteLine(result.ToString());

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
            Assert.That(result.Error, Does.Contain($"error DSTL4008: \"{tmpfs.Path}/").And.Contain($"(the Distroless cache, {tmpfs.Path}) is on a read-only file system.")
                .And.Contain("Point DistrolessCacheDirectory (DISTROLESS_CACHE, or --cache for the distroless command) at a writable location."));
        });
    }
}
