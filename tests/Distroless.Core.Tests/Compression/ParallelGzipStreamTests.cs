using System.Collections.Concurrent;
using System.IO.Compression;
using Distroless.Compression;
using Distroless.Testing;

namespace Distroless.Core.Tests.Compression;

[Parallelizable(ParallelScope.All)]
public sealed class ParallelGzipStreamTests
{
    private const int MiB = ParallelGzipStream.ChunkSize;

    private static IEnumerable<TestCaseData> Sizes()
    {
        yield return new TestCaseData(0).SetName("empty input");
        yield return new TestCaseData(1).SetName("one byte");
        yield return new TestCaseData(MiB).SetName("exactly one chunk");
        yield return new TestCaseData(MiB + 1).SetName("one chunk and one byte");
        yield return new TestCaseData(5 * MiB + 12345).SetName("five chunks and a part");
    }

    /// <summary>Compressible but not trivial: text-like runs with pseudo-random noise.</summary>
    private static byte[] Data(int size)
    {
        var data = new byte[size];
        var random = new Random(size);
        for (var i = 0; i < size; i++)
        {
            data[i] = i % 64 < 48 ? (byte)('a' + i / 64 % 26) : (byte)random.Next(256);
        }

        return data;
    }

    private static byte[] Compress(byte[] data, int? parallelism = null, int writeSize = 100_000, int level = ParallelGzipStream.DefaultLevel)
    {
        var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, level, leaveOpen: true, parallelism: parallelism))
        {
            for (var offset = 0; offset < data.Length; offset += writeSize)
            {
                gzip.Write(data, offset, Math.Min(writeSize, data.Length - offset));
            }
        }

        return output.ToArray();
    }

    private static readonly ConcurrentDictionary<int, Lazy<byte[]>> Compressed = new();

    /// <summary>The default-settings output for <see cref="Data"/> of <paramref name="size"/>, compressed once per run.</summary>
    private static byte[] CompressedData(int size) => Compressed.GetOrAdd(size, s => new Lazy<byte[]>(() => Compress(Data(s)))).Value;

    private static byte[] Decompress(byte[] gzip)
    {
        using var stream = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }

    [TestCaseSource(nameof(Sizes))]
    public void Output_round_trips_through_GZipStream(int size)
    {
        Assert.That(Decompress(CompressedData(size)), Is.EqualTo(Data(size)));
    }

    [TestCaseSource(nameof(Sizes))]
    public void Output_is_the_same_for_any_parallelism_and_write_pattern(int size)
    {
        var data = Data(size);

        Assert.Multiple(() =>
        {
            Assert.That(Compress(data, parallelism: 1, writeSize: 3 * MiB), Is.EqualTo(CompressedData(size)), "parallelism 1, writes larger than a chunk");
            Assert.That(Compress(data, parallelism: 4, writeSize: 4097), Is.EqualTo(CompressedData(size)), "parallelism 4, small odd writes");
        });
    }

    [TestCase(0, 1, TestName = "empty input is one empty member")]
    [TestCase(1, 1, TestName = "one byte is one member")]
    [TestCase(MiB, 1, TestName = "exactly one chunk is one member")]
    [TestCase(MiB + 1, 2, TestName = "one chunk and a byte are two members")]
    [TestCase(3 * MiB, 3, TestName = "three chunks are three members")]
    public void Each_chunk_is_its_own_member_with_a_fixed_header(int size, int members)
    {
        var gzip = CompressedData(size);
        byte[] header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

        var count = 0;
        for (var i = 0; i + header.Length <= gzip.Length; i++)
        {
            if (gzip.AsSpan(i, header.Length).SequenceEqual(header))
            {
                count++;
            }
        }

        Assert.That(gzip.AsSpan(0, header.Length).ToArray(), Is.EqualTo(header));
        Assert.That(count, Is.EqualTo(members));
    }

    [Test]
    public void WriteByte_and_span_writes_give_the_same_bytes()
    {
        var data = Data(10_000);
        var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, leaveOpen: true))
        {
            foreach (var b in data)
            {
                gzip.WriteByte(b);
            }
        }

        Assert.That(output.ToArray(), Is.EqualTo(CompressedData(data.Length)));
    }

    [TestCase(1, TestName = "level 1")]
    [TestCase(9, TestName = "level 9")]
    public void Other_levels_round_trip(int level)
    {
        var data = Data(MiB + 7);

        Assert.That(Decompress(Compress(data, level: level)), Is.EqualTo(data));
    }

    [TestCase(0, TestName = "level 0")]
    [TestCase(10, TestName = "level 10")]
    public void Levels_outside_1_to_9_are_refused(int level)
        => Assert.That(() => new ParallelGzipStream(Stream.Null, level), Throws.TypeOf<ArgumentOutOfRangeException>());

    [Test]
    public void Writing_after_Finish_is_refused_and_Finish_is_idempotent()
    {
        var output = new MemoryStream();
        var gzip = new ParallelGzipStream(output, leaveOpen: true);
        gzip.Write([1, 2, 3]);
        gzip.Finish();
        var length = output.Length;
        gzip.Finish();
        gzip.Dispose();

        Assert.That(output.Length, Is.EqualTo(length));
        Assert.That(() => gzip.Write([4]), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void Disposing_closes_the_inner_stream_unless_asked_not_to()
    {
        var closed = new MemoryStream();
        new ParallelGzipStream(closed).Dispose();
        var open = new MemoryStream();
        new ParallelGzipStream(open, leaveOpen: true).Dispose();

        Assert.That(closed.CanWrite, Is.False);
        Assert.That(open.CanWrite, Is.True);
    }

    [TestCaseSource(nameof(Sizes))]
    public void Gzip_the_command_decompresses_the_output(int size)
    {
        if (!ExternalTool.Exists("gzip"))
        {
            Assert.Ignore("gzip is not installed");
        }

        Assert.That(ExternalTool.RunChecked("gzip", ["-dc"], CompressedData(size)), Is.EqualTo(Data(size)));
    }
}
