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

    /// <summary>
    /// What slimming also drops, none of which .NET loads: glibc's iconv modules (gconv, 7.9 of
    /// libc6's 12.5 MB), ICU's io/test/tu libraries, and OpenSSL's engines (the providers in
    /// ossl-modules stay: .NET may load "legacy" for old PKCS#12 files).
    /// </summary>
    private static readonly string[] SlimmedTrees = ["usr/lib/x86_64-linux-gnu/gconv", "usr/lib/aarch64-linux-gnu/gconv",
        "lib/x86_64-linux-gnu/gconv", "lib/aarch64-linux-gnu/gconv",
        "usr/lib/x86_64-linux-gnu/engines-3", "usr/lib/aarch64-linux-gnu/engines-3"];

    private static readonly string[] SlimmedFilePrefixes = ["libicuio.so", "libicutest.so", "libicutu.so"];

    public static bool Keep(string path, bool slim = false)
    {
        if (slim && IsSlimmed(path))
        {
            return false;
        }

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

    /// <summary>usr/share/doc/&lt;package&gt;/copyright, or one of its directories.</summary>
    public static bool IsCopyright(string path)
        => IsUnder(path, "usr/share/doc") && IsDocEntryKept(path.Split('/'));

    private static bool IsSlimmed(string path)
    {
        foreach (var tree in SlimmedTrees)
        {
            if (IsUnder(path, tree))
            {
                return true;
            }
        }

        var name = path[(path.LastIndexOf('/') + 1)..];
        return SlimmedFilePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
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
