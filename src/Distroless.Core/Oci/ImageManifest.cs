using System.Collections.Immutable;

namespace Distroless.Oci;

public sealed record ImageManifest(Descriptor Config, ImmutableArray<Descriptor> Layers)
{
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }

    /// <summary>OCI 1.1 artifacts (an SBOM): what the artifact is.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>OCI 1.1 referrers: the manifest this one is about.</summary>
    public Descriptor? Subject { get; init; }
}

public sealed record ImageIndex(ImmutableArray<Descriptor> Manifests)
{
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }
}
