using System.Diagnostics;
using System.Text;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// What the machine does to a `dotnet publish`, for real: the archive's disk fills up (a 20 MiB
/// tmpfs), the cache is not writable for the user (root without CAP_DAC_OVERRIDE, as a CI user
/// is), and the publish is killed with SIGKILL in the middle of the image step. Each failure is
/// its own DSTL code naming the path and the property that moves it; after a kill, the next
/// publish removes what the killed one left and builds the same image.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class FileSystemFaultTests
{
    private SampleProject _sample = null!;

    [OneTimeSetUp]
    public void CreateSample() => _sample = SampleProject.Create("fs-faults");

    [Test]
    public async Task An_archive_on_a_full_disk_is_DSTL4006_and_nothing_is_left_there()
    {
        using var tmpfs = await Tmpfs.MountAsync(20);
        var archive = tmpfs.Combine("out", "image.tar");

        var result = await _sample.PublishAsync(SharedCache.Path, "-r", "linux-x64", "-p:ContainerArchiveOutputPath=" + archive);

        TestContext.Out.WriteLine(result.All);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.Zero);
            Assert.That(result.Output, Does.Contain("error DSTL4006: the disk is full: \"" + tmpfs.Combine("out", ".image.tar."))
                .And.Contain($"(the image archive's directory, {tmpfs.Combine("out")})").And.Contain("point ContainerArchiveOutputPath"));
            Assert.That(result.Output, Does.Not.Contain("DSTL9001"));
            Assert.That(Directory.GetFileSystemEntries(tmpfs.Combine("out")), Is.Empty, "no archive, no temporary file, no SBOM");
        });
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_cache_the_user_may_not_write_is_DSTL4007_naming_DISTROLESS_CACHE()
    {
        var cache = TestEnvironment.NewTempDirectory("unwritable-cache");
        File.SetUnixFileMode(cache, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var archive = Path.Combine(TestEnvironment.NewTempDirectory("out"), "image.tar");

        // Root writes anywhere; without these two capabilities it obeys file modes like any user.
        var result = await ProcessRunner.RunAsync("setpriv", ["--bounding-set=-dac_override,-dac_read_search", "--",
                "dotnet", "publish", _sample.ProjectFile, "-c", "Release", "-p:PublishDistroless=true", "-r", "linux-x64",
                "-p:ContainerArchiveOutputPath=" + archive],
            SampleProject.DotnetEnvironment(cache, new Dictionary<string, string>()), _sample.Directory, TimeSpan.FromMinutes(10));

        TestContext.Out.WriteLine(result.All);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.Zero);
            Assert.That(result.Output, Does.Contain($"error DSTL4007: permission denied: \"{cache}/")
                .And.Contain($"(the Distroless cache, {cache}) cannot be written or read by the user running the build.")
                .And.Contain($"Give that user write access to {cache}, or point DistrolessCacheDirectory (DISTROLESS_CACHE"));
            Assert.That(File.Exists(archive), Is.False);
        });
    }

    [Test]
    public async Task A_publish_killed_in_the_image_step_leaves_nothing_that_the_next_publish_does_not_remove()
    {
        // 96 MiB that do not compress, published with the app: its layer and the archive take long
        // enough to write (seconds, not milliseconds) that a kill lands while they are written,
        // however loaded the machine (a file-system event can take a while to be delivered).
        var killed = SampleProject.Create("killed");
        var data = new byte[96 << 20];
        new Random(96).NextBytes(data);
        File.WriteAllBytes(Path.Combine(killed.Directory, "big.bin"), data);
        var project = File.ReadAllText(killed.ProjectFile).Replace("</Project>",
            "  <ItemGroup><None Include=\"big.bin\" CopyToPublishDirectory=\"PreserveNewest\" /></ItemGroup>\n</Project>", StringComparison.Ordinal);
        File.WriteAllText(killed.ProjectFile, project);
        var cache = SharedCache.Path;
        var output = TestEnvironment.NewTempDirectory("killed-out");
        var archive = Path.Combine(output, "image.tar");
        var tmp = Path.Combine(cache, "tmp");
        Directory.CreateDirectory(tmp);
        string[] arguments = ["-r", "linux-x64", "-p:ContainerArchiveOutputPath=" + archive];

        // The image an uninterrupted publish makes.
        var clock = Stopwatch.StartNew();
        var uninterrupted = await killed.PublishAsync(cache, arguments);
        TestContext.Out.WriteLine($"uninterrupted publish: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(uninterrupted.ExitCode, Is.Zero, uninterrupted.All);
        var expected = ImageArchive.Open(archive).ManifestDigest;
        File.Delete(archive);

        // A code change, so the publishes write a new app layer into the cache: the first is killed as
        // soon as it opens its own area there, the second while it writes the archive.
        var program = File.ReadAllText(killed.ProgramFile);
        File.AppendAllText(killed.ProgramFile, "\nConsole.WriteLine(\"changed: yes\");\n");
        var inCache = await PublishKilledWhenAsync(killed, tmp, "*-*", directories: true, archive);
        var beside = await PublishKilledWhenAsync(killed, output, ".image.tar.*.tmp", directories: false, archive);
        var abandoned = Directory.GetDirectories(tmp).Where(IsAbandoned).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(inCache, Is.True, "the first publish was killed in the image step");
            Assert.That(beside, Is.True, "the second publish was killed while writing the archive");
            Assert.That(abandoned, Is.Not.Empty, "the killed publishes left their areas in the cache");
            Assert.That(Directory.GetFiles(output, ".image.tar.*.tmp"), Is.Not.Empty, "and a partial archive");
        });

        // The change undone: the next publish must make the uninterrupted image again.
        File.WriteAllText(killed.ProgramFile, program);
        clock.Restart();
        var republish = await killed.PublishAsync(cache, arguments);
        TestContext.Out.WriteLine($"republish: {clock.Elapsed.TotalSeconds:F1} s");
        TestContext.Out.WriteLine(republish.All);
        Assert.That(republish.ExitCode, Is.Zero, republish.All);
        foreach (var left in abandoned.Where(Directory.Exists))
        {
            var pid = Path.GetFileName(left).Split('-')[0];
            TestContext.Out.WriteLine($"still there: {left} (lock free: {IsAbandoned(left)}, /proc/{pid}: " +
                (File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat") : "none") + ")");
        }

        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal),
                Is.EqualTo(new[] { "image.cdx.json", "image.spdx.json", "image.tar" }), "no partial archive beside it");
            Assert.That(abandoned.Where(Directory.Exists), Is.Empty, "the killed publishes' areas in the cache are gone");
            Assert.That(ImageArchive.Open(archive).ManifestDigest, Is.EqualTo(expected), "the same image as without the kills");
            Assert.That(republish.Output, Does.Not.Contain("DSTL4010"), "nothing in the cache was damaged");
        });

        // Some 600 MB of project, publish output and archives.
        Directory.Delete(killed.Directory, recursive: true);
        Directory.Delete(output, recursive: true);
    }

    /// <summary>
    /// Publishes the sample and kills it (SIGKILL, the whole process tree) the moment something
    /// matching <paramref name="filter"/> appears in <paramref name="watched"/>; true when it was
    /// killed, false when the publish ended first.
    /// </summary>
    private static async Task<bool> PublishKilledWhenAsync(SampleProject sample, string watched, string filter, bool directories, string archive)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = sample.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // No compiler server: it would be a child of this publish, and other tests' builds may be using it.
        foreach (var argument in new[] { "publish", sample.ProjectFile, "-c", "Release", "-p:PublishDistroless=true", "-r", "linux-x64",
                     "-p:ContainerArchiveOutputPath=" + archive, "-p:DistrolessIncremental=false", "-p:UseSharedCompilation=false" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in SampleProject.DotnetEnvironment(SharedCache.Path, new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }

        using var process = new Process { StartInfo = start };
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        var clock = Stopwatch.StartNew();
        var wasKilled = false;
        var tree = new List<int>();
        using var watcher = new FileSystemWatcher(watched, filter)
        {
            NotifyFilter = directories ? NotifyFilters.DirectoryName : NotifyFilters.FileName,
        };
        watcher.Created += (_, e) =>
        {
            // A cache area is named "<pid>-<random>": only this publish's (its process or a node it started) counts.
            var ours = !directories || (int.TryParse(e.Name!.Split('-')[0], out var pid) && IsWithin(pid, process.Id));
            if (ours && !process.HasExited)
            {
                lock (tree)
                {
                    tree.AddRange(Descendants(process.Id));
                }

                process.Kill(entireProcessTree: true);
                wasKilled = true;
            }
        };
        watcher.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        watcher.EnableRaisingEvents = false;
        // Every process of the killed tree must be gone (its locks with it) before the test goes on.
        for (var i = 0; i < 200 && tree.Any(pid => Directory.Exists($"/proc/{pid}")); i++)
        {
            await Task.Delay(50);
        }

        Assert.That(tree.Where(pid => Directory.Exists($"/proc/{pid}")), Is.Empty, "processes of the killed publish still run");
        TestContext.Out.WriteLine($"publish {(wasKilled ? "killed" : "ended")} after {clock.Elapsed.TotalSeconds:F1} s (exit {process.ExitCode}):\n{log}");
        return wasKilled;
    }

    /// <summary>Whether <paramref name="pid"/> is <paramref name="root"/> or one of its descendants (from /proc's parent links).</summary>
    private static bool IsWithin(int pid, int root)
    {
        for (var current = pid; current > 1; )
        {
            if (current == root)
            {
                return true;
            }

            try
            {
                // "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
                var stat = File.ReadAllText($"/proc/{current}/stat");
                current = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary><paramref name="root"/> and every process below it, from /proc.</summary>
    private static List<int> Descendants(int root)
    {
        var found = new List<int> { root };
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != root && IsWithin(pid, root))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>A build's area in the cache whose lock no process holds any more.</summary>
    private static bool IsAbandoned(string session)
    {
        try
        {
            using (new FileStream(session + ".lock", FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                return true;
            }
        }
        catch (IOException)
        {
            return false; // held by a running build, or gone
        }
    }
}
