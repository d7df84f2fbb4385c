using System.Text;
using Distroless.Caching;
using Distroless.Core.Tests.TestSupport;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Testing;

namespace Distroless.Core.Tests.Caching;

[Parallelizable(ParallelScope.All)]
public sealed class BlobCacheTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("a package, or a layer\n");
    private static readonly Digest ContentDigest = Digest.Compute(Content);

    private static Exception Mismatch(Digest actual)
        => Errors.PackageChecksumMismatch("http://archive.test/x.deb", ContentDigest.Hex, actual.Hex);

    public sealed record SampleRecord(string Digest, long Size, string[] Tags);

    [Test]
    public async Task PutAsync_stores_verified_content_under_its_digest()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);

        var path = await cache.PutAsync(new MemoryStream(Content), ContentDigest, Content.Length, Mismatch);

        Assert.Multiple(() =>
        {
            Assert.That(path, Is.EqualTo(cache.BlobPath(ContentDigest)));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(Content));
            Assert.That(cache.Contains(ContentDigest), Is.True);
            Assert.That(dir.CacheFiles(), Is.EqualTo(new[] { "blobs/sha256/" + ContentDigest.Hex }));
        });
    }

    [Test]
    public async Task PutAsync_without_an_expected_size_checks_the_digest_only()
    {
        using var dir = new TempDirectory();

        var path = await new BlobCache(dir.Path).PutAsync(new ForwardOnlyStream(Content, maxRead: 5), ContentDigest, null, Mismatch);

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(Content));
    }

    private static IEnumerable<TestCaseData> BadContent()
    {
        var tampered = Content.ToArray();
        tampered[3] ^= 1;
        yield return new TestCaseData(tampered, (long?)Content.Length).SetName("one byte changed");
        yield return new TestCaseData(Content[..^1], (long?)null).SetName("one byte missing, size unchecked");
        yield return new TestCaseData(Content, (long?)(Content.Length + 1)).SetName("right digest, wrong size");
        yield return new TestCaseData(Content.Concat(new byte[] { 0 }).ToArray(), (long?)Content.Length).SetName("one byte too many");
    }

    [TestCaseSource(nameof(BadContent))]
    public void PutAsync_rejects_a_mismatch_with_the_callers_exception_and_leaves_nothing(byte[] content, long? size)
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);

        var error = Assert.ThrowsAsync<DistrolessException>(() => cache.PutAsync(new MemoryStream(content), ContentDigest, size, Mismatch))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.PackageChecksumMismatch));
            Assert.That(cache.Contains(ContentDigest), Is.False);
            Assert.That(dir.CacheFiles(), Is.Empty, "nothing in blobs/ or tmp/");
        });
    }

    [Test]
    public async Task Concurrent_puts_of_the_same_content_leave_one_valid_blob()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);
        var big = Enumerable.Range(0, 3_000_000).Select(i => (byte)(i % 253)).ToArray();
        var digest = Digest.Compute(big);

        var paths = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            cache.PutAsync(new ForwardOnlyStream(big, maxRead: 65536), digest, big.Length, Mismatch))));

        Assert.Multiple(() =>
        {
            Assert.That(paths.Distinct().ToArray(), Is.EqualTo(new[] { cache.BlobPath(digest) }));
            Assert.That(Digest.Compute(File.ReadAllBytes(cache.BlobPath(digest))), Is.EqualTo(digest));
            Assert.That(dir.CacheFiles(), Is.EqualTo(new[] { "blobs/sha256/" + digest.Hex }));
        });
    }

    [Test]
    public void A_pending_blob_disposed_without_commit_leaves_nothing()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);

        using (var pending = cache.BeginWrite())
        {
            pending.Stream.Write(Content);
            Assert.That(pending.Length, Is.EqualTo(Content.Length));
        }

        Assert.That(dir.CacheFiles(), Is.Empty);
    }

    [Test]
    public void Commit_moves_a_pending_blob_under_its_digest()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);
        using var pending = cache.BeginWrite();
        pending.Stream.Write(Content);

        var path = pending.Commit();

        Assert.That(pending.Digest, Is.EqualTo(ContentDigest));
        Assert.That(path, Is.EqualTo(cache.BlobPath(ContentDigest)));
        Assert.That(dir.CacheFiles(), Is.EqualTo(new[] { "blobs/sha256/" + ContentDigest.Hex }));
    }

    [Test]
    public async Task Evict_removes_a_blob_and_tolerates_a_missing_one()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);
        await cache.PutAsync(new MemoryStream(Content), ContentDigest, Content.Length, Mismatch);

        cache.Evict(ContentDigest);
        cache.Evict(ContentDigest);

        Assert.That(cache.Contains(ContentDigest), Is.False);
    }

    [Test]
    public void Records_round_trip()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);
        var record = new SampleRecord(ContentDigest.ToString(), 42, ["a", "b"]);

        cache.WriteRecord("samples", "key-1", record);
        var found = cache.TryReadRecord<SampleRecord>("samples", "key-1", out var read);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.True);
            Assert.That(read.Digest, Is.EqualTo(record.Digest));
            Assert.That(read.Size, Is.EqualTo(42));
            Assert.That(read.Tags, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(dir.CacheFiles(), Is.EqualTo(new[] { "records/samples/key-1.json" }));
        });
    }

    [Test]
    public void A_record_is_replaced_by_a_later_write()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);

        cache.WriteRecord("samples", "k", new SampleRecord("old", 1, []));
        cache.WriteRecord("samples", "k", new SampleRecord("new", 2, []));

        Assert.That(cache.TryReadRecord<SampleRecord>("samples", "k", out var read), Is.True);
        Assert.That(read.Digest, Is.EqualTo("new"));
    }

    [Test]
    public void Missing_and_damaged_records_read_as_misses()
    {
        using var dir = new TempDirectory();
        var cache = new BlobCache(dir.Path);
        Directory.CreateDirectory(dir.Combine("records", "samples"));
        File.WriteAllText(dir.Combine("records", "samples", "damaged.json"), "{\"Digest\": tru");
        File.WriteAllText(dir.Combine("records", "samples", "null.json"), "null");

        Assert.Multiple(() =>
        {
            Assert.That(cache.TryReadRecord<SampleRecord>("samples", "missing", out _), Is.False);
            Assert.That(cache.TryReadRecord<SampleRecord>("samples", "damaged", out _), Is.False);
            Assert.That(cache.TryReadRecord<SampleRecord>("samples", "null", out _), Is.False);
        });
    }
}
