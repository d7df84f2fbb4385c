using System.IO.Compression;
using System.Text;
using Distroless.Caching;
using Distroless.Core.Tests.TestSupport;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Testing;

namespace Distroless.Core.Tests.Layers;

[Parallelizable(ParallelScope.All)]
public sealed class LayerBuilderTests
{
    private const long Mtime = 1_700_000_000;

    // A change to either value changes the digest of every image this product builds (and every
    // cache key derived from them): update them only for a deliberate change of the tar writer,
    // gzip settings or chunking, never to make a test pass.
    private const string GoldenDiffId = "sha256:18669dfce34a0371f579e216a03a91c9ec451b9b6a5774fad8a0fb9088998db7";
    private const string GoldenDigest = "sha256:8d918dd0d72ae8aa1f87839efa77392860c17f14d86b4ae0c8bdde5cbc55edb1";

    /// <summary>Fixed input: directories, small files, a symlink, and a file spanning two gzip chunks.</summary>
    private static void WriteGolden(LayerWriter layer)
    {
        layer.AddDirectory("app", 0x1ed, Mtime);
        layer.AddFile("app/App", 0x1ed, Mtime, Encoding.UTF8.GetBytes("#!/bin/sh\necho hello\n"));
        layer.AddFile("app/App.dll", 0x1a4, Mtime, Enumerable.Range(0, 1_300_000).Select(i => (byte)(i * 13 % 241 ^ i >> 11)).ToArray());
        layer.AddFile("app/appsettings.json", 0x1a4, Mtime, Encoding.UTF8.GetBytes("{\"Logging\":{}}\n"), 65532, 65532);
        layer.AddSymlink("usr/bin/app", "/app/App", Mtime);
    }

    private static byte[] Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    [Test]
    public void The_golden_layer_has_pinned_digests()
    {
        using var dir = new TempDirectory();

        var layer = LayerBuilder.Build(new BlobCache(dir.Path), "golden", WriteGolden);

        Assert.Multiple(() =>
        {
            Assert.That(layer.DiffId.ToString(), Is.EqualTo(GoldenDiffId), "diff ID (uncompressed tar)");
            Assert.That(layer.Digest.ToString(), Is.EqualTo(GoldenDigest), "digest (gzip blob)");
        });
    }

    [Test]
    public void The_golden_layer_has_the_expected_entries()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);

        var layer = LayerBuilder.Build(cache, "golden", WriteGolden);

        Assert.That(TarDump.Render(Gunzip(cache.BlobPath(layer.Digest))), Is.EqualTo("""
            app/: dir 0755 0:0 mtime=1700000000
            app/App: file 0755 0:0 mtime=1700000000 sha256=bfdeaeb08cff
            app/App.dll: file 0644 0:0 mtime=1700000000 sha256=b34a62cc9680
            app/appsettings.json: file 0644 65532:65532 mtime=1700000000 sha256=16486e4f2387
            usr/: dir 0755 0:0 mtime=1700000000
            usr/bin/: dir 0755 0:0 mtime=1700000000
            usr/bin/app: symlink 0777 0:0 mtime=1700000000 -> /app/App

            """));
    }

    [Test]
    public void Building_twice_gives_identical_digests_and_bytes()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var a = new BlobCache(first.Path);
        var b = new BlobCache(second.Path);

        var layerA = LayerBuilder.Build(a, "x", WriteGolden);
        var layerB = LayerBuilder.Build(b, "x", WriteGolden);

        Assert.That(layerB, Is.EqualTo(layerA));
        Assert.That(File.ReadAllBytes(b.BlobPath(layerB.Digest)), Is.EqualTo(File.ReadAllBytes(a.BlobPath(layerA.Digest))));
    }

    [Test]
    public void The_descriptor_diff_ID_and_sizes_describe_the_stored_blob()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);

        var layer = LayerBuilder.Build(cache, "created by test", WriteGolden);

        var blob = File.ReadAllBytes(cache.BlobPath(layer.Digest));
        var tar = Gunzip(cache.BlobPath(layer.Digest));
        Assert.Multiple(() =>
        {
            Assert.That(layer.Descriptor.MediaType, Is.EqualTo(MediaTypes.LayerGzip));
            Assert.That(layer.Digest, Is.EqualTo(Digest.Compute(blob)));
            Assert.That(layer.Size, Is.EqualTo(blob.Length));
            Assert.That(layer.DiffId, Is.EqualTo(Digest.Compute(tar)));
            Assert.That(layer.UncompressedSize, Is.EqualTo(tar.Length));
            Assert.That(layer.CreatedBy, Is.EqualTo("created by test"));
            Assert.That(dir.CacheFiles(), Is.EqualTo(new[] { "blobs/sha256/" + layer.Digest.Hex, $"records/layer-libraries/{layer.DiffId.Hex}-v1.json" }),
                "nothing but the blob and what the loader will find in it is left");
        });
    }

    [Test]
    public void ComputeDiffId_matches_the_built_layer()
    {
        using var dir = new TempDirectory();

        Assert.That(LayerBuilder.ComputeDiffId(WriteGolden), Is.EqualTo(LayerBuilder.Build(new BlobCache(dir.Path), "x", WriteGolden).DiffId));
    }

    [Test]
    public void GetOrBuild_reuses_a_layer_with_the_same_content()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);
        var built = LayerBuilder.GetOrBuild(cache, "first", WriteGolden);
        var blobTime = File.GetLastWriteTimeUtc(cache.BlobPath(built.Digest));

        var reused = LayerBuilder.GetOrBuild(cache, "second", WriteGolden);

        Assert.Multiple(() =>
        {
            Assert.That(reused with { CreatedBy = "first" }, Is.EqualTo(built));
            Assert.That(reused.CreatedBy, Is.EqualTo("second"));
            Assert.That(File.GetLastWriteTimeUtc(cache.BlobPath(built.Digest)), Is.EqualTo(blobTime), "the blob was not rewritten");
        });
    }

    [Test]
    public void A_failing_writer_leaves_nothing_in_the_cache()
    {
        using var dir = new TempDirectory();

        Assert.That(() => LayerBuilder.Build(new BlobCache(dir.Path), "x", layer =>
        {
            layer.AddFile("a", 0x1a4, 0, [1, 2, 3]);
            layer.AddFile("../escape", 0x1a4, 0, [1]);
        }), Throws.TypeOf<ArgumentException>());
        Assert.That(dir.CacheFiles(), Is.Empty);
    }
}
