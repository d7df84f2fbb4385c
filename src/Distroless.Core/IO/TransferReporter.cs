namespace Distroless.IO;

/// <summary>
/// Passes one item's progress on to the host, thinned out: it is told about every read, the
/// host hears at most one report per <see cref="Interval"/> (a fast local registry would
/// otherwise flood it with one per buffer), plus the reports it must not miss: the first, a
/// restart (a new attempt positioning the stream, possibly lower) and the end.
/// </summary>
internal sealed class TransferReporter
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly IProgress<TransferProgress> _progress;
    private readonly string _operation;
    private readonly string _item;
    private readonly long _total;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private long _reported = -1;
    private long _reportedAt;

    /// <param name="progress">The host's sink; called under a lock (so reports of one item stay in order), so it must be quick.</param>
    /// <param name="operation"><see cref="TransferProgress.Upload"/> or <see cref="TransferProgress.Download"/>.</param>
    /// <param name="item">What moves (a blob's digest).</param>
    /// <param name="total">The item's size.</param>
    /// <param name="time">Only for spacing reports out; tests pass a fake one.</param>
    public TransferReporter(IProgress<TransferProgress> progress, string operation, string item, long total, TimeProvider time)
    {
        _progress = progress;
        _operation = operation;
        _item = item;
        _total = total;
        _time = time;
    }

    /// <summary>Bytes done so far; <paramref name="restart"/> when an attempt has just positioned its stream.</summary>
    public void Report(long done, bool restart = false)
    {
        lock (_gate)
        {
            if (done == _reported)
            {
                return;
            }

            var now = _time.GetTimestamp();
            var due = restart || _reported < 0 || done < _reported || done >= _total || _time.GetElapsedTime(_reportedAt, now) >= Interval;
            if (!due)
            {
                return;
            }

            _reported = done;
            _reportedAt = now;
            _progress.Report(new TransferProgress(_operation, _item, done, _total));
        }
    }
}
