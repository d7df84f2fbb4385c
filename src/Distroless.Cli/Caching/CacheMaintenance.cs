using System.Collections.Immutable;
using Distroless.Caching;

namespace Distroless.Cli.Caching;

/// <summary>What the cache holds: where, how much, and how many blobs, records and temporary files.</summary>
internal sealed record CacheInfo(string Path, bool Exists, int Blobs, long BlobBytes, int Records,
    ImmutableSortedDictionary<string, int> RecordsByKind, int TempFiles, long TempBytes)
{
    public long TotalBytes => BlobBytes + TempBytes;
}

/// <summary>What a prune removed.</summary>
internal sealed record PruneResult(int Blobs, long BlobBytes, int Records, int TempFiles, long TempBytes)
{
    public long TotalBytes => BlobBytes + TempBytes;
}

/// <summary>
/// Looks after the cache's three parts: blobs/sha256/ (complete, verified blobs, renamed into
/// place), records/&lt;kind&gt;/ (small facts that point at blobs; a record whose blob is gone is
/// just a miss) and tmp/ (files being written). A prune removes blobs and records not used (read
/// or written) for the given age, and the temporary files of builds that ended (whatever their
/// age; those of a running build stay, see <see cref="CacheTempArea"/>).
/// </summary>
internal sealed class CacheMaintenance(string root, TimeProvider time)
{
    private string Blobs => Path.Combine(root, "blobs", "sha256");

    private string Records => Path.Combine(root, "records");

    private string Temp => Path.Combine(root, "tmp");

    public CacheInfo Info()
    {
        var blobs = Files(Blobs, SearchOption.TopDirectoryOnly).ToList();
        var records = Files(Records, SearchOption.AllDirectories).Where(f => f.Name.EndsWith(".json", StringComparison.Ordinal)).ToList();
        // The lock files that say a build is still writing are no data.
        var temp = Files(Temp, SearchOption.AllDirectories).Where(f => !f.Name.EndsWith(".lock", StringComparison.Ordinal)).ToList();
        return new CacheInfo(root, Directory.Exists(root), blobs.Count, blobs.Sum(f => f.Length), records.Count,
            records.GroupBy(f => Path.GetFileName(Path.GetDirectoryName(f.FullName)!))
                .ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            temp.Count, temp.Sum(f => f.Length));
    }

    /// <summary>Removes blobs and records last used before <paramref name="olderThan"/> ago (null: all of them), and stale temporary files.</summary>
    public PruneResult Prune(TimeSpan? olderThan)
    {
        var now = time.GetUtcNow().UtcDateTime;
        int blobs = 0, records = 0, temps = 0;
        long blobBytes = 0, tempBytes = 0;
        foreach (var file in Files(Blobs, SearchOption.TopDirectoryOnly))
        {
            var length = file.Length;
            if ((olderThan is null || now - LastUsed(file) > olderThan) && TryDelete(file))
            {
                blobs++;
                blobBytes += length;
            }
        }

        foreach (var file in Files(Records, SearchOption.AllDirectories))
        {
            if (file.Name.EndsWith(".json", StringComparison.Ordinal) && (olderThan is null || now - LastUsed(file) > olderThan) && TryDelete(file))
            {
                records++;
            }
        }

        (temps, tempBytes) = CacheTempArea.Sweep(Temp, time);

        RemoveEmptyDirectories(Records);
        return new PruneResult(blobs, blobBytes, records, temps, tempBytes);
    }

    /// <summary>Last read or written: access times may be coarse (relatime) or off (noatime), so the later of the two.</summary>
    private static DateTime LastUsed(FileInfo file) => file.LastAccessTimeUtc > file.LastWriteTimeUtc ? file.LastAccessTimeUtc : file.LastWriteTimeUtc;

    private static IEnumerable<FileInfo> Files(string directory, SearchOption option)
        => Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles("*", option).ToList() : [];

    private static bool TryDelete(FileInfo file)
    {
        try
        {
            file.Delete();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void RemoveEmptyDirectories(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            if (!Directory.EnumerateFileSystemEntries(child).Any())
            {
                try
                {
                    Directory.Delete(child);
                }
                catch (IOException)
                {
                    // A build wrote a record into it just now.
                }
            }
        }
    }
}
