using System.Collections.Immutable;
using System.Text;
using Distroless.App;
using Distroless.Caching;
using Distroless.Core.Tests.TestSupport;
using Distroless.Layers;
using Distroless.Testing;

namespace Distroless.Core.Tests.App;

/// <summary>
/// App layers: root-owned, 0755 for programs and 0644 for the rest, mtime = the build's time
/// input; cached first by the files' stat data, then by the layer's diff ID.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class AppLayerBuilderTests
{
    private const long Epoch = 1_750_000_000;

    private sealed class Fixture : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public Fixture()
        {
            Cache = new BlobCache(_dir.Combine("cache"));
            Directory.CreateDirectory(_dir.Combine("publish"));
            Write("App", FakeElf.Create());
            Write("App.dll", "MZ app");
            Write("run.sh", "#!/bin/sh\nexec ./App\n");
            Write("appsettings.json", "{}\n");
        }

        public BlobCache Cache { get; }

        public AppLayerSpec Spec => new(LibraryKind.App, "app (App/1.0.0)",
            new[] { "App", "App.dll", "appsettings.json", "run.sh" }.Select(f => new AppFile(Path(f), f)).ToImmutableArray());

        public string Path(string relative) => _dir.Combine("publish", relative);

        public void Write(string relative, string content) => Write(relative, Encoding.UTF8.GetBytes(content));

        public void Write(string relative, byte[] content) => File.WriteAllBytes(Path(relative), content);

        public int BlobCount => Directory.GetFiles(Cache.Root + "/blobs/sha256").Length;

        public int StatRecordCount => Directory.GetFiles(Cache.Root + "/records/app-layers").Length;

        public LayerBlob Build(string appDirectory = "/app", long mtime = Epoch) => AppLayerBuilder.GetOrBuild(Cache, Spec, appDirectory, mtime);

        public string Dump(LayerBlob layer) => TarDump.Render(File.ReadAllBytes(Cache.BlobPath(layer.Digest)));

        public void Dispose() => _dir.Dispose();
    }

    [Test]
    public void Entries_are_root_owned_with_modes_from_content_and_the_epoch_as_mtime()
    {
        using var fixture = new Fixture();

        var layer = fixture.Build();

        Assert.Multiple(() =>
        {
            Assert.That(fixture.Dump(layer), Is.EqualTo(string.Join("\n",
                "app/: dir 0755 0:0 mtime=1750000000",
                "app/App: file 0755 0:0 mtime=1750000000 sha256=" + Hash(FakeElf.Create()),
                "app/App.dll: file 0644 0:0 mtime=1750000000 sha256=" + Hash("MZ app"),
                "app/appsettings.json: file 0644 0:0 mtime=1750000000 sha256=" + Hash("{}\n"),
                "app/run.sh: file 0755 0:0 mtime=1750000000 sha256=" + Hash("#!/bin/sh\nexec ./App\n"),
                "")));
            Assert.That(layer.CreatedBy, Is.EqualTo("distroless: app (App/1.0.0)"));
        });
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_files_execute_bits_on_disk_do_not_matter()
    {
        using var fixture = new Fixture();
        File.SetUnixFileMode(fixture.Path("App.dll"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(fixture.Path("App"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.That(fixture.Dump(fixture.Build()), Does.Contain("app/App: file 0755").And.Contain("app/App.dll: file 0644"));
    }

    [Test]
    public void A_nested_working_directory_gets_every_parent()
    {
        using var fixture = new Fixture();

        Assert.That(fixture.Dump(fixture.Build("/srv/shop/api/")), Does.StartWith(string.Join("\n",
            "srv/: dir 0755 0:0 mtime=1750000000",
            "srv/shop/: dir 0755 0:0 mtime=1750000000",
            "srv/shop/api/: dir 0755 0:0 mtime=1750000000",
            "srv/shop/api/App: file 0755")));
    }

    [Test]
    public void The_root_as_working_directory_puts_the_files_at_the_top()
    {
        using var fixture = new Fixture();

        var dump = fixture.Dump(fixture.Build("/"));

        Assert.That(dump.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(':')]),
            Is.EqualTo(new[] { "App", "App.dll", "appsettings.json", "run.sh" }));
    }

    [Test]
    public void An_unchanged_republish_is_a_stat_cache_hit_that_reads_no_file()
    {
        using var fixture = new Fixture();
        var first = fixture.Build();
        var blobs = fixture.BlobCount;

        // Same size and mtime, other bytes: only a hit that never opens the file returns the old layer.
        var stamp = File.GetLastWriteTimeUtc(fixture.Path("App.dll"));
        fixture.Write("App.dll", "MZ APP");
        File.SetLastWriteTimeUtc(fixture.Path("App.dll"), stamp);
        var second = fixture.Build();

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(fixture.BlobCount, Is.EqualTo(blobs), "no blob written");
            Assert.That(fixture.StatRecordCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void A_touched_file_with_the_same_content_gives_the_same_layer_from_the_diff_ID_cache()
    {
        using var fixture = new Fixture();
        var first = fixture.Build();
        var blobs = fixture.BlobCount;

        File.SetLastWriteTimeUtc(fixture.Path("App.dll"), new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = fixture.Build();

        Assert.Multiple(() =>
        {
            Assert.That(second.Digest, Is.EqualTo(first.Digest));
            Assert.That(second.DiffId, Is.EqualTo(first.DiffId));
            Assert.That(fixture.BlobCount, Is.EqualTo(blobs), "no blob written");
            Assert.That(fixture.StatRecordCount, Is.EqualTo(2), "a new stat key was remembered");
        });
    }

    [Test]
    public void Changed_content_changes_the_layer()
    {
        using var fixture = new Fixture();
        var first = fixture.Build();
        var blobs = fixture.BlobCount;

        fixture.Write("App.dll", "MZ app, version 2");
        var second = fixture.Build();

        Assert.Multiple(() =>
        {
            Assert.That(second.Digest, Is.Not.EqualTo(first.Digest));
            Assert.That(second.DiffId, Is.Not.EqualTo(first.DiffId));
            Assert.That(fixture.BlobCount, Is.EqualTo(blobs + 1));
        });
    }

    [Test]
    public void Another_epoch_or_directory_is_another_layer()
    {
        using var fixture = new Fixture();
        var first = fixture.Build();

        Assert.Multiple(() =>
        {
            Assert.That(fixture.Build(mtime: Epoch + 1).DiffId, Is.Not.EqualTo(first.DiffId));
            Assert.That(fixture.Build("/srv").DiffId, Is.Not.EqualTo(first.DiffId));
            Assert.That(fixture.Build("/app/").DiffId, Is.EqualTo(first.DiffId), "a trailing '/' is the same directory");
        });
    }

    [Test]
    public void A_cached_layer_whose_blob_was_deleted_is_rebuilt()
    {
        using var fixture = new Fixture();
        var first = fixture.Build();
        File.Delete(fixture.Cache.BlobPath(first.Digest));

        var second = fixture.Build();

        Assert.Multiple(() =>
        {
            Assert.That(second.Digest, Is.EqualTo(first.Digest));
            Assert.That(fixture.Cache.Contains(first.Digest), Is.True);
        });
    }

    private static string Hash(string content) => Hash(Encoding.UTF8.GetBytes(content));

    private static string Hash(byte[] content) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))[..12];
}
