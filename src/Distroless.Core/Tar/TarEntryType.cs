namespace Distroless.Tar;

public enum TarEntryType
{
    File,
    Directory,
    Symlink,
    Hardlink,
}
