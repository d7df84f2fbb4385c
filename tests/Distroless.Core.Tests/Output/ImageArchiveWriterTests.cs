using System.Collections.Immutable;
using System.Formats.Tar;
using System.Text;
using Distroless.Caching;
using Distroless.Core.Tests.Oci;
using Distroless.Core.Tests.TestSupport;
using Distroless.Diagnostics;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Output;
using Distroless.Testing;

namespace Distroless.Core.Tests.Output;

/// <summary>The image archive: an OCI layout plus Docker's manifest.json, sorted, root-owned, mtime 0, written whole or not at all.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ImageArchiveWriterTests
{
    private static readonly string[] References = ["shop/api:1.0", "localhost:5000/shop/api:latest"];

    private sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            Cache = new BlobCache(Dir.Combine("cache"));
            var layers = new[] { "base", "app" }
                .Select(name => LayerBuilder.Build(Cache, "distroless: " + name, w => w.AddFile($"{name}/file", 0x1a4, 0, Encoding.UTF8.GetBytes(name))))
                .ToImmutableArray();
            var config = layers.Aggregate(new ImageConfig { Platform = Platform.LinuxAmd64, Created = DateTimeOffset.UnixEpoch, User = "65532" },
                (c, l) => c.WithLayer(l.DiffId, l.CreatedBy));
            Image = BuiltImage.Create(config, layers);
        }

        public TempDirectory Dir { get; } = new();

        public BlobCache Cache { get; }

        public BuiltImage Image { get; }

        public string ArchivePath => Dir.Combine("out", "image.tar");

        public ImageArchiveContents Write(IReadOnlyList<string>? references = null)
        {
            ImageArchiveWriter.Write(ArchivePath, Image, references ?? References, Cache);
            return ImageArchiveContents.Read(ArchivePath);
        }

        public void Dispose() => Dir.Dispose();
    }

    [Test]
    public void Entries_are_sorted_root_owned_at_mtime_0_with_fixed_modes()
    {
        using var fixture = new Fixture();

        var archive = fixture.Write();

        var blobs = new[] { fixture.Image.ConfigDescriptor.Digest, fixture.Image.Digest }.Concat(fixture.Image.Layers.Select(l => l.Digest))
            .Select(d => "blobs/sha256/" + d.Hex).Order(StringComparer.Ordinal);
        Assert.Multiple(() =>
        {
            Assert.That(archive.Entries.Select(e => e.Name),
                Is.EqualTo(new[] { "blobs", "blobs/sha256" }.Concat(blobs).Concat(["index.json", "manifest.json", "oci-layout"])));
            Assert.That(archive.Entries.Select(e => e.Name), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
            Assert.That(archive.Entries.Where(e => e.Type == TarEntryType.Directory).Select(e => e.Mode), Is.All.EqualTo(0x1ed));
            Assert.That(archive.Entries.Where(e => e.Type != TarEntryType.Directory).Select(e => (e.Type, e.Mode)),
                Is.All.EqualTo((TarEntryType.RegularFile, 0x1a4)));
            Assert.That(archive.Entries.Select(e => (e.Uid, e.Gid, e.ModificationTime)), Is.All.EqualTo((0, 0, 0L)));
            Assert.That(Encoding.UTF8.GetString(archive.Files["oci-layout"]), Is.EqualTo("{\"imageLayoutVersion\":\"1.0.0\"}"));
        });
    }

    [Test]
    public void Every_blob_is_stored_under_its_digest()
    {
        using var fixture = new Fixture();

        var archive = fixture.Write();

        Assert.That(archive.Files.Where(f => f.Key.StartsWith("blobs/", StringComparison.Ordinal)).Select(f => (f.Key, Digest.Compute(f.Value).Hex)),
            Is.All.Matches<(string Path, string Hex)>(f => f.Path == "blobs/sha256/" + f.Hex));
    }

    [Test]
    public void The_index_names_the_manifest_once_per_reference()
    {
        using var fixture = new Fixture();

        var archive = fixture.Write();

        var manifests = archive.Json("index.json").GetProperty("manifests").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(OciSchemas.Errors(OciSchemas.Index, archive.Files["index.json"]), Is.Empty);
            Assert.That(manifests.Select(m => m.GetProperty("digest").GetString()), Is.All.EqualTo(fixture.Image.Digest.ToString()));
            Assert.That(manifests.Select(m => m.GetProperty("mediaType").GetString()), Is.All.EqualTo(MediaTypes.ImageManifest));
            Assert.That(manifests.Select(m => m.GetProperty("size").GetInt64()), Is.All.EqualTo(fixture.Image.ManifestJson.LongLength));
            Assert.That(manifests.Select(m => (
                    m.GetProperty("annotations").GetProperty("io.containerd.image.name").GetString(),
                    m.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString())),
                Is.EqualTo(new[] { ("shop/api:1.0", "1.0"), ("localhost:5000/shop/api:latest", "latest") }));
        });
    }

    [Test]
    public void Without_references_the_index_has_one_unnamed_manifest_and_no_repo_tags()
    {
        using var fixture = new Fixture();

        var archive = fixture.Write([]);

        var manifest = archive.Json("index.json").GetProperty("manifests").EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(manifest.TryGetProperty("annotations", out _), Is.False);
            Assert.That(archive.Json("manifest.json")[0].GetProperty("RepoTags").GetArrayLength(), Is.Zero);
        });
    }

    [Test]
    public void Dockers_manifest_json_points_at_the_same_blobs()
    {
        using var fixture = new Fixture();

        var archive = fixture.Write();

        var docker = archive.Json("manifest.json");
        var entry = docker.EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.GetProperty("Config").GetString(), Is.EqualTo("blobs/sha256/" + fixture.Image.ConfigDescriptor.Digest.Hex));
            Assert.That(entry.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(References));
            Assert.That(entry.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()),
                Is.EqualTo(fixture.Image.Layers.Select(l => "blobs/sha256/" + l.Digest.Hex)));
            Assert.That(entry.GetProperty("Layers").EnumerateArray().Select(l => archive.Files.ContainsKey(l.GetString()!)), Is.All.True);
            Assert.That(archive.Blob(archive.ManifestDigest), Is.EqualTo(fixture.Image.ManifestJson));
            Assert.That(archive.Blob(fixture.Image.ConfigDescriptor.Digest.ToString()), Is.EqualTo(fixture.Image.ConfigJson));
        });
    }

    [Test]
    public void The_same_image_gives_the_same_archive_bytes_and_replaces_an_old_archive()
    {
        using var fixture = new Fixture();
        Directory.CreateDirectory(fixture.Dir.Combine("out"));
        File.WriteAllText(fixture.ArchivePath, "an older image");

        fixture.Write();
        var first = File.ReadAllBytes(fixture.ArchivePath);
        fixture.Write();

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(fixture.ArchivePath), Is.EqualTo(first));
            Assert.That(Directory.GetFiles(fixture.Dir.Combine("out")), Has.Length.EqualTo(1));
        });
    }

    [TestCase(false, TestName = "A cache blob with the wrong content is DSTL4002, evicted, and no archive is left")]
    [TestCase(true, TestName = "A cache blob with the wrong size is DSTL4002, evicted, and no archive is left")]
    public void A_damaged_cache_blob_is_caught_while_copying(bool wrongSize)
    {
        using var fixture = new Fixture();
        var layer = fixture.Image.Layers[1];
        var path = fixture.Cache.BlobPath(layer.Digest);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x55;
        File.WriteAllBytes(path, wrongSize ? bytes[..^1] : bytes);

        var error = Assert.Throws<DistrolessException>(() => fixture.Write())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.CacheCorrupt));
            Assert.That(error.Message, Does.Contain(layer.Digest.Hex));
            // What is wrong with it, not "missing" (it was there until evicted).
            Assert.That(error.Message, Does.Contain(wrongSize ? $"(truncated: {bytes.Length - 1} of {bytes.Length} bytes)" : "(its content hashes to sha256:"));
            Assert.That(error.Message, Does.Not.Contain(".."));
            Assert.That(fixture.Cache.Contains(layer.Digest), Is.False, "evicted");
            Assert.That(fixture.Cache.Contains(fixture.Image.Layers[0].Digest), Is.True, "the good blob stays");
            Assert.That(Directory.GetFileSystemEntries(fixture.Dir.Combine("out")), Is.Empty, "no archive, no temporary file");
        });
    }

    [Test]
    public void A_missing_cache_blob_is_DSTL4002()
    {
        using var fixture = new Fixture();
        File.Delete(fixture.Cache.BlobPath(fixture.Image.Layers[0].Digest));

        Assert.That(() => fixture.Write(), Throws.TypeOf<DistrolessException>()
            .With.Property(nameof(DistrolessException.Code)).EqualTo(DiagnosticCodes.CacheCorrupt)
            .And.Message.Contains("(missing)"));
    }

    [Test]
    public void Temporary_files_a_killed_writer_left_beside_the_archive_go_and_a_running_writers_stay()
    {
        using var fixture = new Fixture();
        Directory.CreateDirectory(fixture.Dir.Combine("out"));
        var killed = fixture.Dir.Combine("out", ".image.tar.k1lled.tmp");
        var older = fixture.Dir.Combine("out", "image.tar.tmp");
        var running = fixture.Dir.Combine("out", ".image.tar.running.tmp");
        var unrelated = fixture.Dir.Combine("out", ".other.tar.k1lled.tmp");
        foreach (var path in new[] { killed, older, running, unrelated })
        {
            File.WriteAllText(path, "part of an archive");
        }

        // A writer still at work holds its temporary file locked.
        using (new FileStream(running, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            fixture.Write();
        }

        Assert.That(Directory.GetFiles(fixture.Dir.Combine("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { ".image.tar.running.tmp", ".other.tar.k1lled.tmp", "image.tar" }));
    }

    [Test]
    public void An_output_directory_that_cannot_be_created_is_DSTL4001()
    {
        using var fixture = new Fixture();
        File.WriteAllText(fixture.Dir.Combine("out"), "a file where the directory should be");

        var error = Assert.Throws<DistrolessException>(() => fixture.Write())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.OutputNotWritable));
            Assert.That(error.Message, Does.Contain(fixture.ArchivePath));
            Assert.That(File.ReadAllText(fixture.Dir.Combine("out")), Is.EqualTo("a file where the directory should be"));
        });
    }

    [Test]
    public void An_archive_path_that_is_a_directory_is_DSTL4001_and_leaves_no_temporary_file()
    {
        using var fixture = new Fixture();
        Directory.CreateDirectory(fixture.ArchivePath);

        var error = Assert.Throws<DistrolessException>(() => fixture.Write())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.OutputNotWritable));
            Assert.That(Directory.GetFileSystemEntries(fixture.Dir.Combine("out")), Is.EqualTo(new[] { fixture.ArchivePath }));
            Assert.That(Directory.GetFileSystemEntries(fixture.ArchivePath), Is.Empty);
        });
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_read_only_output_directory_is_DSTL4007()
    {
        if (Environment.UserName == "root" || OperatingSystem.IsWindows())
        {
            Assert.Ignore("root writes into read-only directories");
        }

        using var fixture = new Fixture();
        Directory.CreateDirectory(fixture.Dir.Combine("out"));
        File.SetUnixFileMode(fixture.Dir.Combine("out"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            Assert.That(() => fixture.Write(),
                Throws.TypeOf<DistrolessException>().With.Property(nameof(DistrolessException.Code)).EqualTo(DiagnosticCodes.PermissionDenied));
        }
        finally
        {
            File.SetUnixFileMode(fixture.Dir.Combine("out"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
