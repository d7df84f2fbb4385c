using System.Net;
using Distroless.Cli.Output;
using Distroless.IO;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Cli.Tests;

/// <summary>The progress line: what it says, how it shares a terminal with log lines, and how bytes are counted.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ProgressTests
{
    [Test]
    public void Says_bytes_rate_and_time_left_for_the_transfers_in_flight()
    {
        var text = ProgressDisplay.Render(TimeSpan.FromSeconds(12.34), new TransferSnapshot(23_100_000, 3, 5, 16_400_000, true), 8_200_000);

        Assert.That(text, Is.EqualTo("[12.3 s] downloaded 23.1 MB at 8.2 MB/s, 3 in flight, 16.4 MB to go, ~2 s left"));
    }

    [Test]
    public void Leaves_out_the_time_left_when_a_length_is_unknown()
    {
        var text = ProgressDisplay.Render(TimeSpan.FromSeconds(1), new TransferSnapshot(1500, 1, 0, 0, false), 1500);

        Assert.That(text, Is.EqualTo("[1.0 s] downloaded 1.5 kB at 1.5 kB/s, 1 in flight"));
    }

    [Test]
    public void Between_downloads_it_says_how_much_came()
        => Assert.That(ProgressDisplay.Render(TimeSpan.FromSeconds(7), new TransferSnapshot(28_200_000, 0, 11, 0, true), 0),
            Is.EqualTo("[7.0 s] downloaded 28.2 MB"));

    [Test]
    public void Before_any_download_it_only_counts_the_time()
        => Assert.That(ProgressDisplay.Render(TimeSpan.FromSeconds(0.5), default, 0), Is.EqualTo("[0.5 s] working…"));

    [Test]
    public void Uploads_say_uploading_with_their_own_rate_and_time_left()
    {
        var text = ProgressDisplay.Render(TimeSpan.FromSeconds(12.34), new TransferSnapshot(28_200_000, 0, 11, 0, true), 0,
            new TransferSnapshot(12_000_000, 2, 3, 68_000_000, true), 3_000_000);

        Assert.That(text, Is.EqualTo("[12.3 s] uploading 12.0 MB at 3.0 MB/s, 2 in flight, 68.0 MB to go, ~23 s left"),
            "the finished downloads make room for the uploads in flight");
    }

    [Test]
    public void Downloads_and_uploads_in_flight_together_are_both_shown()
        => Assert.That(ProgressDisplay.Render(TimeSpan.FromSeconds(2), new TransferSnapshot(1_500_000, 1, 0, 0, false), 500_000,
                new TransferSnapshot(2_000_000, 1, 0, 1_000_000, true), 0),
            Is.EqualTo("[2.0 s] downloaded 1.5 MB at 500.0 kB/s, 1 in flight; uploading 2.0 MB, 1 in flight"));

    [Test]
    public void Between_transfers_it_says_how_much_went_each_way()
        => Assert.That(ProgressDisplay.Render(TimeSpan.FromSeconds(7), new TransferSnapshot(28_200_000, 0, 11, 0, true), 0,
                new TransferSnapshot(80_000_000, 0, 4, 0, true), 0),
            Is.EqualTo("[7.0 s] downloaded 28.2 MB; uploaded 80.0 MB"));

    [Test]
    public void Redirected_registry_uploads_are_plain_lines_while_bytes_move()
    {
        var output = new StringWriter();
        var time = new FakeTimeProvider();
        var (downloads, uploads) = (new TransferMeter(), new TransferMeter());
        var progress = new RegistryProgress(downloads, uploads);
        using var display = new ProgressDisplay(new ConsoleSink(output, isTerminal: false), downloads, uploads, time);

        progress.Report(new TransferProgress(TransferProgress.Upload, "sha256:aa", 1_000_000, 4_000_000));
        time.Advance(TimeSpan.FromSeconds(5));
        progress.Report(new TransferProgress(TransferProgress.Upload, "sha256:aa", 3_000_000, 4_000_000));
        time.Advance(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));
        progress.Report(new TransferProgress(TransferProgress.Upload, "sha256:aa", 4_000_000, 4_000_000));
        time.Advance(TimeSpan.FromSeconds(5));

        var nl = Environment.NewLine;
        Assert.That(output.ToString(), Is.EqualTo(
            "  [5.0 s] uploading 1.0 MB, 1 in flight" + nl +
            "  [10.0 s] uploading 3.0 MB at 400.0 kB/s, 1 in flight, 1.0 MB to go, ~3 s left" + nl +
            "  [20.0 s] uploaded 4.0 MB" + nl),
            "no line at 15 s: no byte moved since the last one");
    }

    [Test]
    public void A_registry_upload_that_resumes_lower_counts_from_there()
    {
        var (downloads, uploads) = (new TransferMeter(), new TransferMeter());
        var progress = new RegistryProgress(downloads, uploads);

        progress.Report(new TransferProgress(TransferProgress.Upload, "sha256:aa", 3_000, 10_000));
        progress.Report(new TransferProgress(TransferProgress.Upload, "sha256:aa", 1_000, 10_000));
        progress.Report(new TransferProgress(TransferProgress.Download, "sha256:bb", 500, 2_000));

        Assert.That(uploads.Snapshot(), Is.EqualTo(new TransferSnapshot(1_000, 1, 0, 9_000, true)));
        Assert.That(downloads.Snapshot(), Is.EqualTo(new TransferSnapshot(500, 1, 0, 1_500, true)), "registry downloads join the archive's");

        progress.Report(new TransferProgress(TransferProgress.Upload, "sha256:aa", 10_000, 10_000));

        Assert.That(uploads.Snapshot(), Is.EqualTo(new TransferSnapshot(10_000, 0, 1, 0, true)));
    }

    [Test]
    public void On_a_terminal_a_log_line_erases_the_status_line_and_draws_it_again()
    {
        var output = new StringWriter();
        var sink = new ConsoleSink(output, isTerminal: true);

        sink.SetStatus("status 1");
        sink.WriteLine("a log line");
        sink.ClearStatus();

        Assert.That(output.ToString(), Is.EqualTo("status 1\r\u001b[2Ka log line" + Environment.NewLine + "status 1\r\u001b[2K"));
    }

    [Test]
    public void Redirected_there_is_no_status_line_at_all()
    {
        var output = new StringWriter();
        var sink = new ConsoleSink(output, isTerminal: false);

        sink.SetStatus("status 1");
        sink.WriteLine("a log line");
        sink.ClearStatus();

        Assert.That(output.ToString(), Is.EqualTo("a log line" + Environment.NewLine));
    }

    [Test]
    public async Task The_archive_client_counts_response_bytes_against_their_length()
    {
        var meter = new TransferMeter();
        using var client = new HttpClient(new MeteredHandler(new Fixed(new byte[100_000]), meter, ownsInner: true));

        using (var response = await client.GetAsync("http://deb.test/x", HttpCompletionOption.ResponseHeadersRead))
        await using (var body = await response.Content.ReadAsStreamAsync())
        {
            var buffer = new byte[40_000];
            var read = await body.ReadAsync(buffer);
            var during = meter.Snapshot();
            Assert.That(during.Active, Is.EqualTo(1));
            Assert.That(during.Bytes, Is.EqualTo(read));
            Assert.That(during.Remaining, Is.EqualTo(100_000 - read));
            Assert.That(during.RemainingKnown, Is.True);
            Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(100_000), "headers survive the wrapping");
            await body.CopyToAsync(Stream.Null);
        }

        var after = meter.Snapshot();
        Assert.That(after, Is.EqualTo(new TransferSnapshot(100_000, 0, 1, 0, true)));
    }

    private sealed class Fixed(byte[] content) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(content) });
    }
}
