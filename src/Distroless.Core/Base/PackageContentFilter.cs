namespace Distroless.Base;

/// <summary>
/// Which files of a package a base keeps. Documentation, manuals, info pages, lintian
/// overrides, bug-reporting hooks, gdb helpers and translations go (nothing in a .NET image
/// reads them); every package's <c>/usr/share/doc/&lt;package&gt;/copyright</c> stays, as the
/// licences require.
/// </summary>
public static class PackageContentFilter
{
    private static readonly string[] DroppedTrees =
    [
        "usr/share/man", "usr/share/info", "usr/share/lintian", "usr/share/bug", "usr/share/gdb",
        "usr/share/locale", "usr/share/doc-base",
    ];

    public static bool Keep(string path)
    {
        foreach (var tree in DroppedTrees)
        {
            if (IsUnder(path, tree))
            {
                return false;
            }
        }

        if (IsUnder(path, "usr/share/doc"))
        {
            return IsDocEntryKept(path.Split('/'));
        }

        return true;
    }

    private static bool IsDocEntryKept(string[] segments) => segments.Length switch
    {
        3 => true,                               // usr/share/doc
        4 => true,                               // usr/share/doc/<pkg>
        5 => segments[4] == "copyright",         // usr/share/doc/<pkg>/copyright
        _ => false,
    };

    private static bool IsUnder(string path, string tree)
        => path == tree || (path.Length > tree.Length && path[tree.Length] == '/' && path.StartsWith(tree, StringComparison.Ordinal));
}
