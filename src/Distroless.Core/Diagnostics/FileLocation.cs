namespace Distroless.Diagnostics;

/// <summary>
/// A place a build reads and writes, as a user knows it: what it is ("the Distroless cache") and
/// the setting that moves it, so a file-system failure below <see cref="Root"/> can say which of
/// the user's settings to change (see <see cref="FileSystemErrors"/>).
/// </summary>
/// <param name="Root">The directory (or file) the place covers; failures on paths below it are attributed to it.</param>
/// <param name="What">"the Distroless cache", "the image archive", …</param>
/// <param name="Setting">The property, variable or option that chooses the place; null when none does.</param>
public sealed record FileLocation(string Root, string What, string? Setting)
{
    /// <summary>How to make room here, besides moving it (said when the disk is full).</summary>
    public string? SpaceHint { get; init; }

    public static FileLocation Cache(string root)
        => new(Path.GetFullPath(root), "the Distroless cache", "DistrolessCacheDirectory (DISTROLESS_CACHE, or --cache for the distroless command)")
        {
            SpaceHint = "\"distroless cache prune\" removes the entries not used for 30 days",
        };

    /// <summary>The archive and the SBOM files written beside it: the directory that holds them.</summary>
    public static FileLocation ImageOutput(string archivePath)
        => new(Path.GetDirectoryName(Path.GetFullPath(archivePath))!, "the image archive's directory",
            "ContainerArchiveOutputPath (--archive for the distroless command)");

    public static FileLocation LockFile(string path)
        => new(Path.GetFullPath(path), "the lock file", "DistrolessLockFile (--lock for the distroless command)");

    /// <summary>The plan file and build record of a publish, in the project's intermediate output (obj/…).</summary>
    public static FileLocation Intermediate(string directory)
        => new(Path.GetFullPath(directory), "the project's intermediate output", "BaseIntermediateOutputPath");

    /// <summary>Whether <paramref name="path"/> is <see cref="Root"/> or below it.</summary>
    public bool Covers(string path)
    {
        var root = Root.TrimEnd(Path.DirectorySeparatorChar);
        return path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
