namespace Distroless.Debian;

/// <summary>
/// A suite of a Debian archive: the archive root (the directory holding <c>dists/</c> and
/// <c>pool/</c>) and the suite name, e.g. (http://mirror/debian-security/, bookworm-security).
/// </summary>
public sealed record ArchiveSuite
{
    public ArchiveSuite(Uri archiveRoot, string suite, string component = "main")
    {
        // A trailing slash makes relative URIs (dists/..., pool/...) resolve under the root.
        ArchiveRoot = archiveRoot.AbsoluteUri.EndsWith('/') ? archiveRoot : new Uri(archiveRoot.AbsoluteUri + "/");
        Suite = suite;
        Component = component;
    }

    public Uri ArchiveRoot { get; }

    public string Suite { get; }

    public string Component { get; }

    public Uri InReleaseUri => new(ArchiveRoot, $"dists/{Suite}/InRelease");

    public Uri Resolve(string relativePath) => new(ArchiveRoot, $"dists/{Suite}/{relativePath}");

    public override string ToString() => $"{ArchiveRoot}dists/{Suite} ({Component})";
}
