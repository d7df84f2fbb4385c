using System.Diagnostics;
using Distroless.Caching;
using Distroless.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Core.Tests.Caching;

/// <summary>
/// The cache's tmp/: a build's files live in a directory of its own, locked while it runs; a
/// sweep removes what ended processes left (killed ones included), never a running build's files.
/// The other process is a real one: flock(1) holds a session's lock, then is killed with SIGKILL.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class CacheTempAreaTests
{
    private static string Session(TempDirectory temp, string name, params string[] files)
    {
        var directory = Directory.CreateDirectory(temp.Combine("tmp", name)).FullName;
        if (!File.Exists(directory + ".lock"))
        {
            File.WriteAllText(directory + ".lock", "");
        }

        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(directory, file), new string('x', 1000));
        }

        return directory;
    }

    [Test]
    [Platform("Linux")]
    public async Task A_killed_builds_files_stay_while_its_lock_is_held_and_go_once_it_is_killed()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("tmp"));
        var pending = temp.Combine("tmp", "pending.lock");
        File.WriteAllText(pending, "");
        // flock(1) takes the lock, then becomes sleep (--no-fork): one process holds it, as a build would.
        using var owner = Process.Start(new ProcessStartInfo("flock", ["--exclusive", "--no-fork", pending, "sleep", "60"]))!;
        try
        {
            await WaitUntilLockedAsync(pending);
            // Named after its owner, as a build names its area (the lock stays with the renamed file).
            var session = temp.Combine("tmp", $"{owner.Id}-killed");
            File.Move(pending, session + ".lock");
            Session(temp, $"{owner.Id}-killed", "layer.partial", "record.partial");

            var whileRunning = CacheTempArea.Sweep(temp.Combine("tmp"), TimeProvider.System);
            Assert.That(whileRunning, Is.EqualTo((0, 0L)));
            Assert.That(Directory.Exists(session), Is.True, "a running build keeps its files");

            owner.Kill(entireProcessTree: true); // SIGKILL: no clean-up runs
            await owner.WaitForExitAsync();

            var afterKill = CacheTempArea.Sweep(temp.Combine("tmp"), TimeProvider.System);
            Assert.Multiple(() =>
            {
                Assert.That(afterKill, Is.EqualTo((2, 2000L)));
                Assert.That(temp.Files(), Is.Empty, "the directory and its lock are gone");
            });
        }
        finally
        {
            if (!owner.HasExited)
            {
                owner.Kill(entireProcessTree: true);
            }
        }
    }

    [Test]
    public void A_session_locked_by_this_process_stays()
    {
        using var temp = new TempDirectory();
        var cache = new BlobCache(temp.Path);
        var path = cache.TempPath();
        File.WriteAllText(path, "being written");

        CacheTempArea.Sweep(temp.Combine("tmp"), TimeProvider.System);

        Assert.That(File.Exists(path), Is.True);
    }

    [Test]
    public void A_session_of_a_process_that_is_gone_goes_whatever_its_age()
    {
        using var temp = new TempDirectory();
        Session(temp, $"{ExitedProcessId()}-gone", "a");

        var removed = CacheTempArea.Sweep(temp.Combine("tmp"), TimeProvider.System);

        Assert.Multiple(() =>
        {
            Assert.That(removed.Files, Is.EqualTo(1));
            Assert.That(temp.Files(), Is.Empty);
        });
    }

    [Test]
    public void A_new_BlobCache_sweeps_what_an_ended_process_left()
    {
        using var temp = new TempDirectory();
        var left = Session(temp, $"{ExitedProcessId()}-left", "partial");

        _ = new BlobCache(temp.Path);

        Assert.That(Directory.Exists(left), Is.False);
    }

    [Test]
    public void Loose_files_from_older_versions_go_when_a_day_old()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("tmp"));
        File.WriteAllText(temp.Combine("tmp", "old"), "x");
        File.WriteAllText(temp.Combine("tmp", "new"), "x");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        File.SetLastWriteTimeUtc(temp.Combine("tmp", "old"), DateTime.UtcNow.AddDays(-1));

        CacheTempArea.Sweep(temp.Combine("tmp"), time);

        Assert.That(temp.Files(), Is.EqualTo(new[] { "tmp/new" }));
    }

    [Test]
    public void A_temporary_area_that_could_not_be_made_is_tried_again_once_the_cause_is_gone()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("cache"), "a file where the cache should be");
        var cache = new BlobCache(temp.Combine("cache"));

        Assert.That(() => cache.TempPath(), Throws.InstanceOf<IOException>());
        File.Delete(temp.Combine("cache"));

        Assert.That(Path.GetDirectoryName(cache.TempPath()), Does.StartWith(temp.Combine("cache", "tmp")));
    }

    /// <summary>The id of a process that has ended (ids are not reused that quickly).</summary>
    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true"))!;
        process.WaitForExit();
        return process.Id;
    }

    private static async Task WaitUntilLockedAsync(string path)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }
            }
            catch (IOException)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail("flock(1) did not take the lock");
    }
}
