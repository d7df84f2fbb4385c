using System.Collections.Immutable;
using Distroless.Layers;
using Distroless.Oci;

namespace Distroless.Output;

/// <summary>
/// A finished single-platform image: the serialized config and manifest (their bytes are what
/// the digests name) and the layers, whose blobs live in the cache.
/// </summary>
public sealed record BuiltImage(ImageConfig Config, byte[] ConfigJson, ImageManifest Manifest, byte[] ManifestJson,
    ImmutableArray<LayerBlob> Layers)
{
    public Descriptor ConfigDescriptor => Manifest.Config;

    public Descriptor ManifestDescriptor { get; } = new(MediaTypes.ImageManifest, Digest.Compute(ManifestJson), ManifestJson.Length);

    public Digest Digest => ManifestDescriptor.Digest;

    /// <summary>The image ID that docker and podman print: the config digest.</summary>
    public Digest ImageId => ConfigDescriptor.Digest;

    public long CompressedSize => Layers.Sum(l => l.Size) + ConfigJson.Length + ManifestJson.Length;

    public static BuiltImage Create(ImageConfig config, ImmutableArray<LayerBlob> layers,
        ImmutableSortedDictionary<string, string>? annotations = null)
    {
        var configJson = OciJson.Serialize(config);
        var configDescriptor = new Descriptor(MediaTypes.ImageConfig, Digest.Compute(configJson), configJson.Length);
        var manifest = new ImageManifest(configDescriptor, layers.Select(l => l.Descriptor).ToImmutableArray()) { Annotations = annotations };
        return new BuiltImage(config, configJson, manifest, OciJson.Serialize(manifest), layers);
    }
}
