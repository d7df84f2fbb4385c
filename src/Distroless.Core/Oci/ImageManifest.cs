using System.Collections.Immutable;

namespace Distroless.Oci;

public sealed record ImageManifest(Descriptor Config, ImmutableArray<Descriptor> Layers)
{
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }
}

public sealed record ImageIndex(ImmutableArray<Descriptor> Manifests)
{
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }
}
