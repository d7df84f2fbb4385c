using Distroless.Native;
using Distroless.Tar;

namespace Distroless.Layers;

/// <summary>
/// Adds entries to a layer tar, checking every path and supplying the parent directories a
/// layer must carry so it can be extracted on its own (root-owned, 0755, the layer's mtime).
/// Callers add entries in their final order; the writer keeps no content in memory.
/// </summary>
public sealed class LayerWriter
{
    private readonly ReproducibleTarWriter _tar;
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private readonly LayerLibrariesCollector? _libraries;

    internal LayerWriter(ReproducibleTarWriter tar, LayerLibrariesCollector? libraries = null)
    {
        _tar = tar;
        _libraries = libraries;
    }

    public int EntryCount => _paths.Count;

    public bool Contains(string path) => _paths.Contains(Normalize(path));

    public void AddDirectory(string path, int mode, long mtime, int uid = 0, int gid = 0)
    {
        var normalized = Normalize(path);
        EnsureParents(normalized, mtime);
        if (_directories.Add(normalized))
        {
            Add(TarHeader.Directory(normalized, mode, mtime, uid, gid), null);
        }
    }

    public void AddFile(string path, int mode, long mtime, Stream content, long size, int uid = 0, int gid = 0)
    {
        var normalized = Normalize(path);
        EnsureParents(normalized, mtime);
        var observed = _libraries?.ObserveFile(normalized, content) ?? content;
        Add(TarHeader.File(normalized, mode, size, mtime, uid, gid), observed);
        _libraries?.FileWritten(normalized, observed);
    }

    public void AddFile(string path, int mode, long mtime, byte[] content, int uid = 0, int gid = 0)
        => AddFile(path, mode, mtime, new MemoryStream(content, writable: false), content.Length, uid, gid);

    public void AddSymlink(string path, string target, long mtime)
    {
        var normalized = Normalize(path);
        EnsureParents(normalized, mtime);
        Add(TarHeader.Symlink(normalized, target, mtime), null);
        _libraries?.AddSymlink(normalized, target);
    }

    public void AddHardlink(string path, string target, int mode, long mtime, int uid = 0, int gid = 0)
    {
        var normalized = Normalize(path);
        EnsureParents(normalized, mtime);
        Add(new TarHeader(normalized, TarEntryType.Hardlink, mode, uid, gid, mtime) { LinkTarget = Normalize(target) }, null);
        _libraries?.AddHardlink(normalized);
    }

    /// <summary>Emits directory entries for every missing ancestor of <paramref name="path"/>.</summary>
    public void EnsureParents(string path, long mtime)
    {
        var slash = path.LastIndexOf('/');
        if (slash <= 0)
        {
            return;
        }

        var parent = path[..slash];
        if (_directories.Contains(parent))
        {
            return;
        }

        EnsureParents(parent, mtime);
        _directories.Add(parent);
        Add(TarHeader.Directory(parent, 0x1ed, mtime), null);
    }

    private void Add(TarHeader header, Stream? content)
    {
        if (!_paths.Add(header.Path))
        {
            throw new InvalidOperationException($"the layer already has an entry \"{header.Path}\"");
        }

        _tar.WriteEntry(header, content);
    }

    /// <summary>
    /// Image paths are relative, '/'-separated, with no '.' or '..' segments: an entry can never
    /// land outside the root, whatever the input said.
    /// </summary>
    public static string Normalize(string path)
    {
        var p = path.Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal))
        {
            p = p[2..];
        }

        // A leading '/' leaves an empty first segment: absolute paths are refused, not re-rooted.
        p = p.TrimEnd('/');
        if (p.Length == 0 || p.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"\"{path}\" is not a safe image path", nameof(path));
        }

        return p;
    }
}
