using System.Collections.Immutable;
using Distroless.Debian;

namespace Distroless.Native;

/// <summary>
/// Picks the Debian package that gives the loader a library, from the Contents index's hits for
/// its file name. Only files in a directory the loader searches count, and only packages a
/// running image wants: never a development (-dev) or debug (-dbg, -dbgsym) package, nor one
/// missing from the signed Packages indexes of the architecture. Among the rest, in order:
/// <list type="number">
/// <item>a file in the architecture's multiarch directory (where Debian's library packages put them);</item>
/// <item>the package Debian's library naming gives the soname (libfoo.so.1 → libfoo1, libfoo-2.so.0 → libfoo-2-0; a t64 suffix is allowed);</item>
/// <item>the shorter package name, then the first in ordinal order.</item>
/// </list>
/// The rule only looks at names, so the same indexes always give the same choice.
/// </summary>
public static class LibraryPackageChooser
{
    public sealed record Choice(string Package, string Path, ImmutableArray<string> Candidates, string Rule);

    public static Choice? Choose(string fileName, IEnumerable<ContentsIndex.Hit> hits, NativeArchitecture architecture, Func<string, bool> available)
    {
        var expected = LibraryPackageName(fileName);
        var candidates = hits
            .Where(h => IsSearched(h.Path, architecture))
            .SelectMany(h => h.Packages.Select(p => (Package: p, h.Path)))
            .Where(c => IsRuntimePackage(c.Package) && available(c.Package))
            .DistinctBy(c => c.Package)
            .Select(c => (c.Package, c.Path,
                Multiarch: architecture.IsMultiarchDirectory(DirectoryOf(c.Path)) ? 0 : 1,
                Named: c.Package == expected || c.Package == expected + "t64" ? 0 : 1))
            .OrderBy(c => c.Multiarch).ThenBy(c => c.Named).ThenBy(c => c.Package.Length).ThenBy(c => c.Package, StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var best = candidates[0];
        var rule = candidates.Count == 1 ? "the only package that ships it"
            : candidates[1].Multiarch > best.Multiarch ? "the only one in the multiarch directory"
            : candidates[1].Named > best.Named ? "Debian's library package name for it"
            : "first by name";
        return new Choice(best.Package, best.Path, candidates.Select(c => c.Package).ToImmutableArray(), rule);
    }

    /// <summary>
    /// The name Debian policy (§8.1) gives the package of a shared library: the soname without
    /// ".so", its version appended, with a hyphen when the name ends in a digit.
    /// </summary>
    public static string? LibraryPackageName(string soname)
    {
        var at = soname.IndexOf(".so", StringComparison.Ordinal);
        if (at <= 0)
        {
            return null;
        }

        var name = soname[..at].ToLowerInvariant();
        var version = soname[(at + 3)..].TrimStart('.');
        if (version.Length == 0)
        {
            return name;
        }

        return char.IsAsciiDigit(name[^1]) ? $"{name}-{version}" : name + version;
    }

    private static bool IsSearched(string path, NativeArchitecture architecture) => architecture.SystemDirectories.Contains(DirectoryOf(path));

    private static string DirectoryOf(string path) => path.LastIndexOf('/') is var slash and > 0 ? path[..slash] : "";

    private static bool IsRuntimePackage(string package)
        => !package.EndsWith("-dev", StringComparison.Ordinal) && !package.EndsWith("-dbg", StringComparison.Ordinal)
            && !package.EndsWith("-dbgsym", StringComparison.Ordinal) && !package.EndsWith("-udeb", StringComparison.Ordinal);
}
