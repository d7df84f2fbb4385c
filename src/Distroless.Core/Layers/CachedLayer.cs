using Distroless.Oci;

namespace Distroless.Layers;

/// <summary>What the cache remembers about a built layer (its blob is stored under <see cref="Digest"/>).</summary>
internal sealed record CachedLayer(string Digest, string DiffId, long Size, long UncompressedSize, string CreatedBy)
{
    public static CachedLayer From(LayerBlob layer) => new(
        layer.Digest.ToString(), layer.DiffId.ToString(), layer.Size, layer.UncompressedSize, layer.CreatedBy);

    public LayerBlob ToLayer() => new(
        new Descriptor(MediaTypes.LayerGzip, Oci.Digest.Parse(Digest), Size), Oci.Digest.Parse(DiffId), UncompressedSize, CreatedBy);
}
