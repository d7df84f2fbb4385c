using System.Collections.Immutable;
using Distroless.Diagnostics;

namespace Distroless.App;

/// <summary>One file placed in an app layer.</summary>
public sealed record AppFile(string SourcePath, string RelativePath);

/// <summary>One planned app layer: a kind, what it holds, and its files sorted by path.</summary>
public sealed record AppLayerSpec(LibraryKind Kind, string Description, ImmutableArray<AppFile> Files);

/// <summary>
/// Splits the publish output into layers ordered from least to most often changed, like Jib:
/// the .NET runtime, NuGet packages, project references, static web assets (wwwroot), then the app's own files (its
/// assembly, apphost, .deps.json, .runtimeconfig.json, content). A code change therefore
/// moves only the last layer. Empty layers are left out. Symbols (*.pdb, *.dbg) stay out
/// unless asked for.
/// </summary>
public static class AppLayerPlanner
{
    private static readonly LibraryKind[] Order =
        [LibraryKind.Runtime, LibraryKind.Package, LibraryKind.ProjectReference, LibraryKind.StaticAssets, LibraryKind.App];

    public static ImmutableArray<AppLayerSpec> Plan(IEnumerable<PublishedFile> files, DepsJson? deps, bool includeSymbols)
    {
        var groups = Order.ToDictionary(k => k, _ => new List<AppFile>());
        var libraries = Order.ToDictionary(k => k, _ => new SortedSet<string>(StringComparer.Ordinal));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var relative = file.RelativePath.Replace('\\', '/');
            if (relative.Length == 0 || relative.StartsWith('/') || relative.Split('/').Any(s => s is "" or "." or ".."))
            {
                throw Errors.UnsafePath(file.RelativePath);
            }

            if (!includeSymbols && IsSymbolFile(relative))
            {
                continue;
            }

            if (!seen.Add(relative))
            {
                continue;
            }

            if (!File.Exists(file.SourcePath))
            {
                throw Errors.PublishOutputMissing(file.SourcePath);
            }

            var (kind, library) = deps?.Classify(relative) ?? (LibraryKind.App, null);
            if (kind == LibraryKind.App && relative.StartsWith("wwwroot/", StringComparison.Ordinal))
            {
                kind = LibraryKind.StaticAssets;
            }

            groups[kind].Add(new AppFile(file.SourcePath, relative));
            if (library is not null)
            {
                libraries[kind].Add(library);
            }
        }

        return Order
            .Where(kind => groups[kind].Count > 0)
            .Select(kind => new AppLayerSpec(kind, Describe(kind, libraries[kind]),
                groups[kind].OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToImmutableArray()))
            .ToImmutableArray();
    }

    private static bool IsSymbolFile(string path)
        => path.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".dbg", StringComparison.OrdinalIgnoreCase);

    private static string Describe(LibraryKind kind, SortedSet<string> libraries)
    {
        var names = libraries.Count switch
        {
            0 => "",
            <= 3 => " (" + string.Join(", ", libraries) + ")",
            _ => $" ({string.Join(", ", libraries.Take(3))} and {libraries.Count - 3} more)",
        };
        return kind switch
        {
            LibraryKind.Runtime => ".NET runtime" + names,
            LibraryKind.Package => "NuGet packages" + names,
            LibraryKind.ProjectReference => "project references" + names,
            LibraryKind.StaticAssets => "static web assets",
            _ => "app" + names,
        };
    }
}
