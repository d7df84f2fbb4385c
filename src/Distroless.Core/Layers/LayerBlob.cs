using Distroless.Oci;

namespace Distroless.Layers;

/// <summary>
/// A built layer: its compressed blob (descriptor, stored in the cache under its digest), the
/// digest of its uncompressed tar (the config's diff ID), and what produced it (history).
/// </summary>
public sealed record LayerBlob(Descriptor Descriptor, Digest DiffId, long UncompressedSize, string CreatedBy)
{
    public Digest Digest => Descriptor.Digest;

    public long Size => Descriptor.Size;
}
