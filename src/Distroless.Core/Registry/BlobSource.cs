using Distroless.Oci;

namespace Distroless.Registry;

/// <summary>A blob to push: what it is, and how to read it (again, for every attempt).</summary>
public sealed record BlobSource(Descriptor Descriptor, Func<Stream> Open)
{
    public static BlobSource FromBytes(Descriptor descriptor, byte[] content)
        => new(descriptor, () => new MemoryStream(content, writable: false));

    public static BlobSource FromFile(Descriptor descriptor, string path)
        => new(descriptor, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));

    /// <summary>
    /// A cached blob, checked against its descriptor as it is sent, in whatever chunks and
    /// retries: a damaged entry stops the upload before its last byte and is evicted
    /// (<see cref="Caching.CorruptCacheEntryException"/>), so no registry receives it.
    /// </summary>
    public static BlobSource FromCache(Descriptor descriptor, Caching.BlobCache cache)
        => new(descriptor, cache.Reader(descriptor).Open);
}
