using Distroless.Caching;
using Distroless.Oci;
using Distroless.Testing;

namespace Distroless.Core.Tests.Caching;

/// <summary>
/// A cached blob read for an output is checked as it is read, in any pieces and order an upload
/// reads it, and a damaged one never hands out its last byte: the read that would complete it
/// throws, and the entry is evicted.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class CachedBlobReaderTests
{
    private const int Size = 100_000;

    private sealed class Fixture : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public Fixture()
        {
            Cache = new BlobCache(_temp.Combine("cache"));
            Content = new byte[Size];
            new Random(7).NextBytes(Content);
            Blob = new Descriptor(MediaTypes.LayerGzip, Digest.Compute(Content), Size);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.WriteAllBytes(Path, Content);
        }

        public BlobCache Cache { get; }

        public byte[] Content { get; }

        public Descriptor Blob { get; }

        public string Path => Cache.BlobPath(Blob.Digest);

        public void Damage(Func<byte[], byte[]> edit) => File.WriteAllBytes(Path, edit(Content.ToArray()));

        public void Dispose() => _temp.Dispose();
    }

    /// <summary>Reads [offset, offset+length) as an upload chunk does: open, seek, read in small pieces.</summary>
    private static (byte[] Bytes, CorruptCacheEntryException? Error) ReadRange(Func<Stream> open, long offset, int length)
    {
        var bytes = new MemoryStream();
        try
        {
            using var stream = open();
            stream.Position = offset;
            var buffer = new byte[7000];
            while (bytes.Length < length)
            {
                var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, length - bytes.Length));
                if (n == 0)
                {
                    break;
                }

                bytes.Write(buffer, 0, n);
            }

            return (bytes.ToArray(), null);
        }
        catch (CorruptCacheEntryException e)
        {
            return (bytes.ToArray(), e);
        }
    }

    [Test]
    public void A_good_blob_reads_whole_in_chunks_with_a_resume_and_stays_cached()
    {
        using var fixture = new Fixture();
        var reader = fixture.Cache.Reader(fixture.Blob);

        var first = ReadRange(reader.Open, 0, 40_000);
        var resumed = ReadRange(reader.Open, 30_000, 40_000); // the registry had only 30 000 bytes
        var last = ReadRange(reader.Open, 70_000, 30_000);

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first.Error, resumed.Error, last.Error }, Is.All.Null);
            Assert.That(first.Bytes.Concat(resumed.Bytes[10_000..]).Concat(last.Bytes), Is.EqualTo(fixture.Content));
            Assert.That(fixture.Cache.Contains(fixture.Blob.Digest), Is.True);
        });
    }

    [Test]
    public async Task A_good_blob_reads_whole_asynchronously_and_again()
    {
        using var fixture = new Fixture();
        var reader = fixture.Cache.Reader(fixture.Blob);

        for (var i = 0; i < 2; i++)
        {
            await using var stream = reader.Open();
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(fixture.Content));
        }
    }

    [Test]
    public void A_changed_byte_stops_the_read_before_the_last_bytes_and_evicts_the_entry()
    {
        using var fixture = new Fixture();
        fixture.Damage(bytes =>
        {
            bytes[123] ^= 0x40;
            return bytes;
        });
        var reader = fixture.Cache.Reader(fixture.Blob);

        var (bytes, error) = ReadRange(reader.Open, 0, Size);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Not.Null, "the damage is found");
            Assert.That(bytes.Length, Is.LessThan(Size), "the last bytes were never handed out");
            Assert.That(error!.Digest, Is.EqualTo(fixture.Blob.Digest));
            Assert.That(error.Detail, Does.StartWith("its content hashes to sha256:"));
            Assert.That(fixture.Cache.Contains(fixture.Blob.Digest), Is.False, "evicted");
        });
    }

    [Test]
    public void A_damaged_blob_also_fails_an_upload_that_reads_its_last_chunk_again()
    {
        using var fixture = new Fixture();
        fixture.Damage(bytes =>
        {
            bytes[^1] ^= 1;
            return bytes;
        });
        var reader = fixture.Cache.Reader(fixture.Blob);

        var first = ReadRange(reader.Open, 0, 60_000);
        var last = ReadRange(reader.Open, 60_000, 40_000);
        var again = ReadRange(reader.Open, 60_000, 40_000);

        Assert.Multiple(() =>
        {
            Assert.That(first.Error, Is.Null, "the first chunk is right");
            Assert.That(last.Error, Is.Not.Null);
            Assert.That(last.Bytes.Length, Is.LessThan(40_000));
            Assert.That(again.Error, Is.Not.Null, "a retry of the chunk does not get through either");
        });
    }

    [Test]
    public void A_reader_that_skips_ahead_still_has_everything_checked()
    {
        using var fixture = new Fixture();
        fixture.Damage(bytes =>
        {
            bytes[10] ^= 1;
            return bytes;
        });
        var reader = fixture.Cache.Reader(fixture.Blob);

        var tail = ReadRange(reader.Open, 50_000, 50_000);

        Assert.That(tail.Error, Is.Not.Null, "the skipped, damaged part was hashed from the file");
    }

    [TestCase(-1, "truncated: 99999 of 100000 bytes")]
    [TestCase(+1, "100001 bytes, 100000 expected")]
    public void A_blob_of_the_wrong_size_fails_on_open_and_says_how(int change, string detail)
    {
        using var fixture = new Fixture();
        fixture.Damage(bytes => change < 0 ? bytes[..^1] : [.. bytes, 0]);

        var error = Assert.Throws<CorruptCacheEntryException>(() => fixture.Cache.Reader(fixture.Blob).Open())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Detail, Is.EqualTo(detail));
            Assert.That(error.Message, Does.Contain(fixture.Path));
            Assert.That(fixture.Cache.Contains(fixture.Blob.Digest), Is.False);
        });
    }

    [Test]
    public void A_missing_blob_says_missing()
    {
        using var fixture = new Fixture();
        File.Delete(fixture.Path);

        Assert.That(() => fixture.Cache.Reader(fixture.Blob).Open(),
            Throws.TypeOf<CorruptCacheEntryException>().With.Property(nameof(CorruptCacheEntryException.Detail)).EqualTo("missing"));
    }
}
