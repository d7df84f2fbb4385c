namespace Distroless.Tar;

/// <summary>
/// Everything a layer says about one entry, explicitly: type, mode, owner and time. Paths are
/// relative to the image root, '/'-separated, without a leading "./" or "/".
/// </summary>
public sealed record TarHeader(string Path, TarEntryType Type, int Mode, int Uid, int Gid, long ModificationTime)
{
    public long Size { get; init; }

    /// <summary>Target of a symlink (as written) or hard link (a path in the same layer).</summary>
    public string? LinkTarget { get; init; }

    public static TarHeader Directory(string path, int mode, long mtime, int uid = 0, int gid = 0)
        => new(path, TarEntryType.Directory, mode, uid, gid, mtime);

    public static TarHeader File(string path, int mode, long size, long mtime, int uid = 0, int gid = 0)
        => new(path, TarEntryType.File, mode, uid, gid, mtime) { Size = size };

    public static TarHeader Symlink(string path, string target, long mtime)
        => new(path, TarEntryType.Symlink, 0x1ff, 0, 0, mtime) { LinkTarget = target };
}
