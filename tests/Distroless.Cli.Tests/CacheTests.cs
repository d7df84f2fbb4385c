using System.Text;
using Distroless.Oci;

namespace Distroless.Cli.Tests;

/// <summary>`distroless cache info|prune` on a cache laid out as the core lays it out.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class CacheTests
{
    private static readonly DateTime Now = DateTime.UtcNow;

    private sealed class TestCache : IDisposable
    {
        public TempDirectory Temp { get; } = new();

        public string Root => Temp.Combine("cache");

        public string Blob(string content, double daysAgo)
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            return Write(Path.Combine(Root, "blobs", "sha256", Digest.Compute(bytes).Hex), bytes, daysAgo);
        }

        public string Record(string kind, string key, double daysAgo)
            => Write(Path.Combine(Root, "records", kind, key + ".json"), "{}"u8.ToArray(), daysAgo);

        public string TempFile(string name, int size, double daysAgo) => Write(Path.Combine(Root, "tmp", name), new byte[size], daysAgo);

        private static string Write(string path, byte[] content, double daysAgo)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
            var time = Now.AddDays(-daysAgo);
            File.SetLastWriteTimeUtc(path, time);
            File.SetLastAccessTimeUtc(path, time);
            return path;
        }

        public Task<CliResult> RunAsync(params string[] args) => Cli.In(Temp).RunAsync(["--cache", Root, .. args]);

        public void Dispose() => Temp.Dispose();
    }

    [Test]
    public async Task Info_counts_blobs_records_and_temporary_files()
    {
        using var cache = new TestCache();
        cache.Blob("first blob", 0);
        cache.Blob("second", 0);
        cache.Record("deb-layers", "a", 0);
        cache.Record("deb-layers", "b", 0);
        cache.Record("resolved", "c", 0);
        cache.TempFile("x1", 100, 0);

        var result = await cache.RunAsync("cache", "info");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.Contain($"path     {cache.Root}"));
        Assert.That(result.Out, Does.Contain("size     116 B (116 bytes)"));
        Assert.That(result.Out, Does.Contain("blobs    2 (16 B)"));
        Assert.That(result.Out, Does.Contain("records  3 (deb-layers 2, resolved 1)"));
        Assert.That(result.Out, Does.Contain("tmp      1 (100 B)"));
    }

    [Test]
    public async Task Info_on_a_cache_that_does_not_exist_yet()
    {
        using var cache = new TestCache();

        var result = await cache.RunAsync("cache", "info");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.Contain("(does not exist yet)").And.Contain("blobs    0"));
    }

    [Test]
    public async Task The_cache_comes_from_DISTROLESS_CACHE_without_the_option()
    {
        using var temp = new TempDirectory();
        var cli = Cli.In(temp);
        cli.Environment["DISTROLESS_CACHE"] = temp.Combine("from-env");

        var result = await cli.RunAsync("cache", "info");

        Assert.That(result.Out, Does.Contain($"path     {temp.Combine("from-env")}"));
    }

    [Test]
    public async Task Prune_removes_what_was_not_used_for_the_given_days_and_stale_temporary_files()
    {
        using var cache = new TestCache();
        var oldBlob = cache.Blob("old", 40);
        var newBlob = cache.Blob("new", 2);
        var oldRecord = cache.Record("resolved", "old", 40);
        var newRecord = cache.Record("resolved", "new", 2);
        var emptied = cache.Record("gone-kind", "only", 40);
        var staleTemp = cache.TempFile("stale", 10, 2);
        var runningBuild = cache.TempFile("running", 10, 0.01);

        var result = await cache.RunAsync("cache", "prune", "--older-than", "30");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.Contain("Removed 1 blobs, 2 records and 1 temporary files"));
        Assert.That(File.Exists(oldBlob) || File.Exists(oldRecord) || File.Exists(emptied) || File.Exists(staleTemp), Is.False);
        Assert.That(File.Exists(newBlob) && File.Exists(newRecord) && File.Exists(runningBuild), Is.True);
        Assert.That(Directory.Exists(Path.GetDirectoryName(emptied)), Is.False, "an emptied record kind goes too");
    }

    [Test]
    public async Task Prune_defaults_to_30_days()
    {
        using var cache = new TestCache();
        var month = cache.Blob("a month and a day", 31);
        var week = cache.Blob("a week", 7);

        var result = await cache.RunAsync("cache", "prune");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.Exists(month), Is.False);
        Assert.That(File.Exists(week), Is.True);
    }

    [Test]
    public async Task Prune_all_removes_every_blob_and_record_but_not_a_running_builds_files()
    {
        using var cache = new TestCache();
        var blob = cache.Blob("fresh", 0);
        var record = cache.Record("deb-layers", "fresh", 0);
        var runningBuild = cache.TempFile("running", 10, 0);

        var result = await cache.RunAsync("cache", "prune", "--all");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.Exists(blob) || File.Exists(record), Is.False);
        Assert.That(File.Exists(runningBuild), Is.True);
        var info = await cache.RunAsync("cache", "info");
        Assert.That(info.Out, Does.Contain("blobs    0").And.Contain("records  0"));
    }
}
