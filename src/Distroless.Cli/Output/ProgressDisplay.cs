using System.Globalization;

namespace Distroless.Cli.Output;

/// <summary>
/// Shows how a command is getting on: elapsed time, and the downloads and uploads under way
/// (bytes, rate, and the time left for the transfers in flight). On a terminal, one line updated
/// four times a second; when the error stream is redirected, a plain line every few seconds
/// while bytes move.
/// </summary>
internal sealed class ProgressDisplay : IDisposable
{
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly ConsoleSink _sink;
    private readonly TransferMeter _downloads;
    private readonly TransferMeter _uploads;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly RateWindow _downloadRate = new();
    private readonly RateWindow _uploadRate = new();
    private readonly ITimer _timer;
    private readonly object _gate = new();
    private (long Down, long Up) _lastPlainBytes;
    private bool _disposed;

    /// <param name="sink">Where the line goes; whether it is a terminal decides the form.</param>
    /// <param name="downloads">Debian archive and registry downloads.</param>
    /// <param name="uploads">Registry uploads.</param>
    /// <param name="time">Drives the updates and the elapsed time; tests pass a fake one to tick by hand.</param>
    public ProgressDisplay(ConsoleSink sink, TransferMeter downloads, TransferMeter uploads, TimeProvider? time = null)
    {
        _sink = sink;
        _downloads = downloads;
        _uploads = uploads;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        var interval = sink.IsTerminal ? TerminalInterval : PlainInterval;
        _timer = _time.CreateTimer(_ => Tick(), null, interval, interval);
    }

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    private void Tick()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var elapsed = Elapsed;
            var (downloads, uploads) = (_downloads.Snapshot(), _uploads.Snapshot());
            var text = Render(elapsed, downloads, _downloadRate.Add(elapsed, downloads.Bytes), uploads, _uploadRate.Add(elapsed, uploads.Bytes));
            if (_sink.IsTerminal)
            {
                _sink.SetStatus(text);
            }
            else if ((downloads.Bytes, uploads.Bytes) != _lastPlainBytes)
            {
                _lastPlainBytes = (downloads.Bytes, uploads.Bytes);
                _sink.WriteLine("  " + text);
            }
        }
    }

    /// <summary>
    /// The line: the directions with transfers in flight (both, while a base downloads during a
    /// push), or, between transfers, how much went each way so far.
    /// </summary>
    internal static string Render(TimeSpan elapsed, TransferSnapshot downloads, double downloadRate,
        TransferSnapshot uploads = default, double uploadRate = 0)
    {
        var time = "[" + elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s]";
        var moving = downloads.Active > 0 || uploads.Active > 0;
        var parts = new List<string>(2);
        if (downloads.Active > 0 || (!moving && downloads.Bytes > 0))
        {
            parts.Add(Describe("downloaded", "downloaded", downloads, downloadRate));
        }

        if (uploads.Active > 0 || (!moving && uploads.Bytes > 0))
        {
            parts.Add(Describe("uploading", "uploaded", uploads, uploadRate));
        }

        return parts.Count == 0 ? $"{time} working…" : $"{time} {string.Join("; ", parts)}";
    }

    private static string Describe(string activeVerb, string doneVerb, TransferSnapshot snapshot, double rate)
    {
        if (snapshot.Active == 0)
        {
            return $"{doneVerb} {Size(snapshot.Bytes)}";
        }

        var text = $"{activeVerb} {Size(snapshot.Bytes)}";
        text += rate >= 1 ? $" at {Size((long)rate)}/s, {snapshot.Active} in flight" : $", {snapshot.Active} in flight";
        if (snapshot.RemainingKnown && rate >= 1)
        {
            text += $", {Size(snapshot.Remaining)} to go, ~{Eta(snapshot.Remaining / rate)} left";
        }

        return text;
    }

    internal static string Size(long bytes) => bytes switch
    {
        < 1000 => $"{bytes} B",
        < 1_000_000 => (bytes / 1e3).ToString("F1", CultureInfo.InvariantCulture) + " kB",
        < 1_000_000_000 => (bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture) + " GB",
    };

    private static string Eta(double seconds) => seconds < 60
        ? $"{Math.Ceiling(seconds).ToString(CultureInfo.InvariantCulture)} s"
        : $"{(int)(seconds / 60)} min {(int)(seconds % 60)} s";

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timer.Dispose();
        _sink.ClearStatus();
    }

    /// <summary>Bytes per second over the last few seconds (a resumed upload going back counts as no progress).</summary>
    private sealed class RateWindow
    {
        private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);
        private readonly Queue<(TimeSpan At, long Bytes)> _samples = new();

        public double Add(TimeSpan now, long bytes)
        {
            _samples.Enqueue((now, bytes));
            while (_samples.Count > 2 && now - _samples.Peek().At > Window)
            {
                _samples.Dequeue();
            }

            var (at, first) = _samples.Peek();
            var seconds = (now - at).TotalSeconds;
            return seconds > 0 ? Math.Max(0, bytes - first) / seconds : 0;
        }
    }
}
