using System.Collections.Concurrent;
using Distroless.IO;

namespace Distroless.Cli.Output;

/// <summary>
/// Turns the core's registry transfer reports (one blob's offset at a time, from several
/// uploads at once) into transfers on the meters the progress line reads: downloads join the
/// Debian archive's meter, uploads have their own, so the line can say "uploading".
/// </summary>
internal sealed class RegistryProgress(TransferMeter downloads, TransferMeter uploads) : IProgress<TransferProgress>
{
    private readonly ConcurrentDictionary<(string Operation, string Item), TransferMeter.Transfer> _transfers = new();

    public void Report(TransferProgress value)
    {
        var key = (value.Operation, value.Item);
        var meter = value.Operation == TransferProgress.Upload ? uploads : downloads;
        var transfer = _transfers.GetOrAdd(key, _ => meter.Start(value.Total));
        transfer.MoveTo(value.Done);
        if (value.Done >= value.Total && _transfers.TryRemove(key, out _))
        {
            transfer.Finish();
        }
    }
}
