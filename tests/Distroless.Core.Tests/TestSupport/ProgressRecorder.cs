using System.Collections.Concurrent;
using Distroless.IO;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>
/// Keeps every transfer report, in the order each item's reports came (synchronously: the BCL's
/// Progress&lt;T&gt; posts to the thread pool and would reorder them).
/// </summary>
internal sealed class ProgressRecorder : IProgress<TransferProgress>
{
    private readonly ConcurrentQueue<TransferProgress> _reports = new();

    public IReadOnlyList<TransferProgress> Reports => [.. _reports];

    public void Report(TransferProgress value) => _reports.Enqueue(value);

    /// <summary>The Done values reported for one item, in order.</summary>
    public IReadOnlyList<long> Done(string item) => _reports.Where(r => r.Item == item).Select(r => r.Done).ToList();
}
