using System.Collections.Immutable;
using System.Formats.Tar;
using System.Text;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Output;
using Distroless.Testing;

namespace Distroless.Core.Tests.Output;

/// <summary>
/// Reading an image archive back (push, inspect, rebase): a good one round-trips; anything else
/// (cut short, not a tar, malformed JSON) is DSTL4004 naming the file, never an internal error.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ImageArchiveReaderTests
{
    private sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            Cache = new BlobCache(Dir.Combine("cache"));
            var layers = new[] { "base", "app" }
                .Select(name => LayerBuilder.Build(Cache, "distroless: " + name, w => w.AddFile($"{name}/file", 0x1a4, 0, Noise(20_000, name.Length))))
                .ToImmutableArray();
            var config = layers.Aggregate(new ImageConfig { Platform = Platform.LinuxAmd64, Created = DateTimeOffset.UnixEpoch, User = "65532" },
                (c, l) => c.WithLayer(l.DiffId, l.CreatedBy));
            Image = BuiltImage.Create(config, layers);
            ImageArchiveWriter.Write(ArchivePath, Image, ["shop/api:1.0"], Cache);
        }

        public TempDirectory Dir { get; } = new();

        public BlobCache Cache { get; }

        public BuiltImage Image { get; }

        public string ArchivePath => Dir.Combine("image.tar");

        /// <summary>A fresh cache, so nothing read earlier helps.</summary>
        public BlobCache EmptyCache() => new(Dir.Combine("cache-" + Guid.NewGuid().ToString("N")));

        public void Dispose() => Dir.Dispose();

        /// <summary>Bytes gzip cannot shrink, so the layers (and the archive) stay about as large as their files.</summary>
        private static byte[] Noise(int size, int seed)
        {
            var bytes = new byte[size];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }
    }

    private static DistrolessException Unusable(string path, BlobCache cache)
    {
        var error = Assert.Throws<DistrolessException>(() => ImageArchiveReader.Read(path, cache))!;
        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.SourceImageUnusable), error.Message);
        Assert.That(error.Message, Does.Contain(path));
        return error;
    }

    [Test]
    public void A_written_archive_reads_back_as_the_same_image()
    {
        using var fixture = new Fixture();

        var (images, index) = ImageArchiveReader.Read(fixture.ArchivePath, fixture.EmptyCache());

        Assert.That((images.Single().Digest, index), Is.EqualTo((fixture.Image.Digest, (BuiltIndex?)null)));
    }

    [TestCase(100, TestName = "An archive cut inside its first header is DSTL4004")]
    [TestCase(600, TestName = "An archive cut inside its first blob is DSTL4004")]
    [TestCase(20_100, TestName = "An archive cut inside a later blob is DSTL4004")]
    public void A_truncated_archive_is_DSTL4004(int length)
    {
        using var fixture = new Fixture();
        var bytes = File.ReadAllBytes(fixture.ArchivePath);
        Assert.That(length, Is.LessThan(bytes.Length - 10_000), "the cut is well inside the archive");
        var cut = fixture.Dir.Combine("cut.tar");
        File.WriteAllBytes(cut, bytes[..length]);

        var error = Unusable(cut, fixture.EmptyCache());

        Assert.That(error.Message, Does.Contain("it is truncated"));
    }

    [Test]
    public void A_text_file_is_DSTL4004()
    {
        using var fixture = new Fixture();
        var notes = fixture.Dir.Combine("notes.tar");
        File.WriteAllText(notes, string.Concat(Enumerable.Repeat("these are notes, not a tar file\n", 40)));

        Unusable(notes, fixture.EmptyCache());
    }

    [Test]
    public void Random_bytes_are_DSTL4004_saying_it_is_not_a_tar()
    {
        using var fixture = new Fixture();
        var noise = fixture.Dir.Combine("noise.tar");
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(noise, bytes);

        var error = Unusable(noise, fixture.EmptyCache());

        Assert.That(error.Message, Does.Contain("truncated or not a tar file"));
    }

    [TestCase("{\"manifests\": [", TestName = "An index.json cut short is DSTL4004")]
    [TestCase("{\"schemaVersion\": 2}", TestName = "An index.json without manifests is DSTL4004")]
    [TestCase("{\"manifests\": [{\"digest\": \"sha256:nothex\", \"size\": 1}]}", TestName = "An index.json with a bad digest is DSTL4004")]
    public void A_malformed_index_is_DSTL4004(string indexJson)
    {
        using var fixture = new Fixture();
        var path = fixture.Dir.Combine("bad-index.tar");
        using (var writer = new TarWriter(File.Create(path), TarEntryFormat.Pax, leaveOpen: false))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "index.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(indexJson)) };
            writer.WriteEntry(entry);
        }

        var error = Unusable(path, fixture.EmptyCache());

        Assert.That(error.Message, Does.Contain("malformed JSON"));
    }
}
