using System.Collections.Immutable;
using Distroless.Oci;

namespace Distroless.Output;

/// <summary>
/// A multi-platform image: one image per platform and the OCI image index that lists them, each
/// entry carrying its platform (arm64 with variant v8), so a client pulls the one it runs on.
/// </summary>
public sealed record BuiltIndex(ImmutableArray<BuiltImage> Images, byte[] IndexJson)
{
    public Descriptor Descriptor { get; } = new(MediaTypes.ImageIndex, Digest.Compute(IndexJson), IndexJson.Length);

    public Digest Digest => Descriptor.Digest;

    public static BuiltIndex Create(IReadOnlyList<BuiltImage> images)
    {
        var index = new ImageIndex(images.Select(i => i.ManifestDescriptor with { Platform = i.Config.Platform }).ToImmutableArray());
        return new BuiltIndex([.. images], OciJson.Serialize(index));
    }
}
