using System.Collections.Concurrent;

namespace Distroless.Cli.Output;

/// <summary>
/// Counts the bytes of one direction's transfers as they move (Debian and registry downloads, or
/// registry uploads): in total, and per transfer still under way (with its length when known),
/// for the progress line.
/// </summary>
internal sealed class TransferMeter
{
    private readonly ConcurrentDictionary<int, Transfer> _active = new();
    private long _bytes;
    private int _next;
    private int _completed;

    public long Bytes => Interlocked.Read(ref _bytes);

    public Transfer Start(long? length)
    {
        var transfer = new Transfer(this, Interlocked.Increment(ref _next), length);
        _active[transfer.Id] = transfer;
        return transfer;
    }

    public TransferSnapshot Snapshot()
    {
        var active = _active.Values.ToList();
        return new TransferSnapshot(Bytes, active.Count, Volatile.Read(ref _completed),
            active.Where(t => t.Length is not null).Sum(t => Math.Max(0, t.Length!.Value - t.Done)),
            active.All(t => t.Length is not null));
    }

    public sealed class Transfer(TransferMeter meter, int id, long? length)
    {
        private long _done;
        private int _finished;

        public int Id { get; } = id;

        public long? Length { get; } = length;

        public long Done => Interlocked.Read(ref _done);

        public void Add(int bytes)
        {
            Interlocked.Add(ref _done, bytes);
            Interlocked.Add(ref meter._bytes, bytes);
        }

        /// <summary>Sets how far the transfer has got: the core reports offsets, which go back when an upload resumes lower.</summary>
        public void MoveTo(long done)
        {
            var before = Interlocked.Exchange(ref _done, done);
            Interlocked.Add(ref meter._bytes, done - before);
        }

        public void Finish()
        {
            if (Interlocked.Exchange(ref _finished, 1) == 0)
            {
                meter._active.TryRemove(Id, out _);
                Interlocked.Increment(ref meter._completed);
            }
        }
    }
}

/// <summary>Bytes read so far; transfers under way, their bytes still to come, and whether all of them said how long they are.</summary>
internal readonly record struct TransferSnapshot(long Bytes, int Active, int Completed, long Remaining, bool RemainingKnown);
