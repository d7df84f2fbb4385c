namespace Distroless.IO;

/// <summary>
/// Writes a file whole or not at all: into a temporary file (beside the target, named
/// <c>.&lt;name&gt;.&lt;random&gt;.tmp</c>, unless a temporary path is given), renamed over the
/// target when complete. Whatever fails (a full disk, often only when the last buffer is
/// flushed), the temporary file is removed. It is held with an exclusive lock while written and
/// renamed (on Windows, renamed right after), so <see cref="RemoveStale"/> can tell the temporary
/// files of a killed writer from those of one still writing.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content, string? temp = null)
    {
        var bytes = content.ToArray();
        Write(path, stream => stream.Write(bytes), temp);
    }

    public static void Write(string path, Action<Stream> write, string? temp = null)
    {
        var full = Path.GetFullPath(path);
        temp ??= TempBeside(full);
        var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        try
        {
            write(file);
            file.Flush();
            if (!OperatingSystem.IsWindows())
            {
                // Renamed while still locked: a sweep never sees it unlocked before it is in place.
                File.Move(temp, full, overwrite: true);
                file.Dispose();
                return;
            }

            file.Dispose();
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            Discard(file, temp);
            throw;
        }
    }

    /// <summary>A fresh temporary name beside <paramref name="path"/>: <c>.&lt;name&gt;.&lt;random&gt;.tmp</c>.</summary>
    public static string TempBeside(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Path.GetFileNameWithoutExtension(Path.GetRandomFileName())}.tmp");
    }

    /// <summary>
    /// Removes the temporary files that writers of <paramref name="path"/> left behind when they
    /// were killed (no process holds their lock); those of a writer still at work stay. Returns how many went.
    /// </summary>
    public static int RemoveStale(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var removed = 0;
        var name = Path.GetFileName(full);
        IEnumerable<string> candidates;
        try
        {
            // ".<name>.<random>.tmp", and "<name>.tmp" as earlier versions named it.
            candidates = Directory.EnumerateFiles(directory, $".{name}.*.tmp").Append(full + ".tmp").Where(File.Exists).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (var candidate in candidates)
        {
            try
            {
                using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }

                File.Delete(candidate);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Being written right now, or not ours to remove.
            }
        }

        return removed;
    }

    private static void Discard(FileStream file, string temp)
    {
        try
        {
            file.Dispose();
        }
        catch (IOException)
        {
            // The flush of what was still buffered failed too (the same full disk); the handle is closed.
        }

        try
        {
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
