using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Distroless.Caching;

/// <summary>
/// The cache's <c>tmp/</c>, where entries are written before they are renamed into place. Each
/// process writes into a directory of its own, <c>tmp/&lt;pid&gt;-&lt;random&gt;/</c>, and holds an
/// exclusive lock on <c>tmp/&lt;pid&gt;-&lt;random&gt;.lock</c> for as long as it runs; the operating
/// system drops the lock when the process ends, however it ends (kill -9 included). Any build
/// then removes the directories whose lock it can take and whose process is gone: what a killed
/// build was writing never piles up, and no running build loses a file. (Files directly in
/// <c>tmp/</c>, from older versions, go when they are a day old.)
/// </summary>
public sealed class CacheTempArea
{
    private const string LockSuffix = ".lock";
    private static readonly ConcurrentDictionary<string, Lazy<CacheTempArea>> Sessions = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long> LastSweep = new(StringComparer.Ordinal);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LooseFileAge = TimeSpan.FromDays(1);
    private static readonly TimeSpan UnownedEntryAge = TimeSpan.FromMinutes(10);

    // Held open (and so locked) until the process ends.
    private readonly FileStream _lock;

    private CacheTempArea(string tmp)
    {
        var name = $"{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Path.GetFileNameWithoutExtension(Path.GetRandomFileName())}";
        Directory.CreateDirectory(tmp);
        // The lock first, then the directory: another build that sees the directory sees it locked.
        _lock = new FileStream(Path.Combine(tmp, name + LockSuffix), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        SessionDirectory = Directory.CreateDirectory(Path.Combine(tmp, name)).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Release();
    }

    /// <summary>This process's directory under tmp/.</summary>
    public string SessionDirectory { get; }

    /// <summary>This process's area in <paramref name="tmp"/> (created on first use, kept until the process ends).</summary>
    public static CacheTempArea For(string tmp)
    {
        var session = Sessions.GetOrAdd(Path.GetFullPath(tmp), root => new Lazy<CacheTempArea>(() => new CacheTempArea(root)));
        try
        {
            return session.Value;
        }
        catch
        {
            // Not remembered: once the disk has room again (a long-lived MSBuild node), the next build tries anew.
            Sessions.TryRemove(KeyValuePair.Create(Path.GetFullPath(tmp), session));
            throw;
        }
    }

    /// <summary>
    /// Removes what ended processes left in <paramref name="tmp"/>: at every build, but at most once
    /// a minute per directory in one process (an MSBuild node that builds many projects sweeps once).
    /// </summary>
    public static void SweepNow(string tmp)
    {
        var key = Path.GetFullPath(tmp);
        var now = Environment.TickCount64;
        var last = LastSweep.GetOrAdd(key, long.MinValue);
        if (last != long.MinValue && now - last < (long)SweepInterval.TotalMilliseconds)
        {
            return;
        }

        if (LastSweep.TryUpdate(key, now, last))
        {
            Sweep(tmp, TimeProvider.System);
        }
    }

    /// <summary>
    /// Removes the directories of ended processes (their lock is free and their pid gone), stray
    /// lock files, and loose files older than a day. Returns the files removed and their bytes.
    /// </summary>
    public static (int Files, long Bytes) Sweep(string tmp, TimeProvider time)
    {
        if (!Directory.Exists(tmp))
        {
            return (0, 0);
        }

        var now = time.GetUtcNow().UtcDateTime;
        int files = 0;
        long bytes = 0;
        foreach (var directory in SafeEnumerate(() => new DirectoryInfo(tmp).EnumerateDirectories()))
        {
            var lockPath = directory.FullName + LockSuffix;
            if (!File.Exists(lockPath))
            {
                // Not a session of this version (or its lock went astray): only age can tell.
                if (now - directory.LastWriteTimeUtc > LooseFileAge)
                {
                    (files, bytes) = Add((files, bytes), RemoveDirectory(directory));
                }

                continue;
            }

            var owner = TryLock(lockPath);
            if (owner is null)
            {
                continue;
            }

            (int Files, long Bytes)? removed = null;
            try
            {
                removed = IsRunning(directory.Name) ? null : RemoveDirectory(directory);
            }
            finally
            {
                owner.Dispose();
            }

            if (removed is { } counted)
            {
                (files, bytes) = Add((files, bytes), counted);
                TryDelete(lockPath);
            }
        }

        foreach (var file in SafeEnumerate(() => new DirectoryInfo(tmp).EnumerateFiles()))
        {
            var isLock = file.Name.EndsWith(LockSuffix, StringComparison.Ordinal);
            if (isLock && Directory.Exists(file.FullName[..^LockSuffix.Length]))
            {
                continue;
            }

            // A lock without its directory is a moment old (a session starting) or left by a sweep that was cut short.
            if (now - file.LastWriteTimeUtc > (isLock ? UnownedEntryAge : LooseFileAge) && (!isLock || !IsRunning(file.Name[..^LockSuffix.Length])))
            {
                var length = file.Length;
                if (TryDelete(file.FullName))
                {
                    files += isLock ? 0 : 1;
                    bytes += isLock ? 0 : length;
                }
            }
        }

        return (files, bytes);
    }

    private static (int, long) Add((int Files, long Bytes) a, (int Files, long Bytes) b) => (a.Files + b.Files, a.Bytes + b.Bytes);

    private static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether the process named in "pid-random" runs: a second guard where file locks are disabled or unsupported.</summary>
    private static bool IsRunning(string sessionName)
    {
        var dash = sessionName.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !int.TryParse(sessionName.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            // Our own pid: a session of this process is locked by it; an unlocked one is a dead namesake's.
            return Sessions.Values.Any(s => s.IsValueCreated && Path.GetFileName(s.Value.SessionDirectory) == sessionName);
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static (int Files, long Bytes) RemoveDirectory(DirectoryInfo directory)
    {
        var files = SafeEnumerate(() => directory.EnumerateFiles("*", SearchOption.AllDirectories));
        var bytes = files.Sum(f => f.Length);
        try
        {
            directory.Delete(recursive: true);
            return (files.Count, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }

    private static List<T> SafeEnumerate<T>(Func<IEnumerable<T>> enumerate)
    {
        try
        {
            return enumerate().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Release()
    {
        try
        {
            Directory.Delete(SessionDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        _lock.Dispose();
        TryDelete(_lock.Name);
    }
}
