using Distroless.Oci;

namespace Distroless.Registry;

/// <summary>A blob to push: what it is, and how to read it (again, for every attempt).</summary>
public sealed record BlobSource(Descriptor Descriptor, Func<Stream> Open)
{
    public static BlobSource FromBytes(Descriptor descriptor, byte[] content)
        => new(descriptor, () => new MemoryStream(content, writable: false));

    public static BlobSource FromFile(Descriptor descriptor, string path)
        => new(descriptor, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
}
