namespace Distroless.Native;

/// <summary>
/// The files of an image as a process sees them: the union of its layers' files and symbolic
/// links, with links followed in every path component (a link to a directory moves whatever
/// lies below it, as /lib → usr/lib does on merged /usr). Paths are relative, '/'-separated.
/// </summary>
public sealed class ImageFileSystem
{
    private const int MaxLinks = 40; // as the kernel's MAXSYMLINKS

    private readonly HashSet<string> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "" };
    private readonly Dictionary<string, string> _symlinks = new(StringComparer.Ordinal);

    public ImageFileSystem(IEnumerable<LayerLibraries> layers)
    {
        foreach (var layer in layers)
        {
            Add(layer);
        }
    }

    public void Add(LayerLibraries layer)
    {
        foreach (var file in layer.Files)
        {
            _files.Add(file);
            AddParents(file);
        }

        foreach (var (link, target) in layer.Symlinks)
        {
            _symlinks[link] = target;
            AddParents(link);
        }
    }

    /// <summary>The real path <paramref name="path"/> leads to when it names a file, else null.</summary>
    public string? ResolveFile(string path) => Resolve(path) is { } real && _files.Contains(real) ? real : null;

    public bool IsDirectory(string path) => Resolve(path) is { } real && _directories.Contains(real);

    /// <summary>Follows links component by component; null when a link loops or leaves nothing to follow.</summary>
    public string? Resolve(string path)
    {
        var pending = new Stack<string>(Split(path).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = resolved.Count == 0 ? part : string.Join('/', resolved) + "/" + part;
            if (!_symlinks.TryGetValue(candidate, out var target))
            {
                resolved.Add(part);
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var next in Split(target).Reverse())
            {
                pending.Push(next);
            }
        }

        return string.Join('/', resolved);
    }

    private static IEnumerable<string> Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private void AddParents(string path)
    {
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            if (!_directories.Add(path[..slash]))
            {
                return;
            }
        }
    }
}
