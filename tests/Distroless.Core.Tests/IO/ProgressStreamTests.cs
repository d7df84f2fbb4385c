using Distroless.Core.Tests.TestSupport;
using Distroless.IO;
using Distroless.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Core.Tests.IO;

/// <summary>
/// The counting stream under upload and download progress: reports come thinned out by the
/// clock (a fake one, moved by hand), never one per read, and the first, a repositioning and
/// the end always get through.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ProgressStreamTests
{
    private const int Size = 10_000;

    private static (ProgressStream Stream, ProgressRecorder Recorder, FakeTimeProvider Time) Open(int size = Size, bool seekable = true)
    {
        var recorder = new ProgressRecorder();
        var time = new FakeTimeProvider();
        var content = new MemoryStream(new byte[size]);
        Stream inner = seekable ? content : new ForwardOnlyStream(content);
        var reporter = new TransferReporter(recorder, TransferProgress.Upload, "sha256:abc", size, time);
        return (new ProgressStream(inner, reporter), recorder, time);
    }

    [Test]
    public void Reads_within_the_interval_are_reported_once()
    {
        var (stream, recorder, time) = Open();
        var buffer = new byte[1000];

        for (var i = 0; i < 4; i++)
        {
            stream.ReadExactly(buffer);
            time.Advance(TimeSpan.FromMilliseconds(30));
        }

        stream.ReadExactly(buffer);

        Assert.That(recorder.Done("sha256:abc"), Is.EqualTo(new long[] { 1000, 5000 }),
            "the first read, then the first one 100 ms later (at 120 ms); the three in between are not reported");
    }

    [Test]
    public void The_end_is_always_reported_with_Done_equal_to_Total()
    {
        var (stream, recorder, _) = Open();

        stream.CopyTo(Stream.Null, 512);

        Assert.That(recorder.Reports, Is.EqualTo(new[]
        {
            new TransferProgress(TransferProgress.Upload, "sha256:abc", 512, Size),
            new TransferProgress(TransferProgress.Upload, "sha256:abc", Size, Size),
        }));
    }

    [Test]
    public async Task Asynchronous_reads_count_the_same()
    {
        var (stream, recorder, _) = Open();

        await stream.CopyToAsync(Stream.Null, 4096);

        Assert.That(recorder.Done("sha256:abc"), Is.EqualTo(new long[] { 4096, Size }));
    }

    [Test]
    public void Positioning_reports_the_new_offset_at_once_even_when_it_goes_back()
    {
        var (stream, recorder, _) = Open();
        stream.ReadExactly(new byte[3000]);

        stream.Position = 1200;
        stream.ReadExactly(new byte[100]);
        stream.Seek(4000, SeekOrigin.Begin);

        Assert.That(recorder.Done("sha256:abc"), Is.EqualTo(new long[] { 3000, 1200, 4000 }), "the read after the restart waits for the interval");
        Assert.That(stream.Position, Is.EqualTo(4000));
    }

    [Test]
    public void A_seekable_stream_keeps_its_length_so_HTTP_content_keeps_its_Content_Length()
    {
        var (stream, _, _) = Open();

        Assert.That((stream.CanSeek, stream.Length), Is.EqualTo((true, Size)));
    }

    [Test]
    public void A_forward_only_stream_counts_its_own_position()
    {
        var (stream, recorder, _) = Open(seekable: false);

        stream.CopyTo(Stream.Null);

        Assert.That((stream.CanSeek, stream.Position), Is.EqualTo((false, Size)));
        Assert.That(recorder.Done("sha256:abc").Last(), Is.EqualTo(Size));
    }

    [Test]
    public void An_empty_item_is_reported_once_when_its_end_is_read()
    {
        var (stream, recorder, _) = Open(size: 0);

        stream.CopyTo(Stream.Null);
        stream.CopyTo(Stream.Null);

        Assert.That(recorder.Reports, Is.EqualTo(new[] { new TransferProgress(TransferProgress.Upload, "sha256:abc", 0, 0) }));
    }
}
