using System.Collections.Immutable;
using Distroless.Oci;

namespace Distroless.Registry;

/// <summary>An artifact to attach to an image as an OCI 1.1 referrer (an SBOM, a Sigstore bundle): its type and its bytes.</summary>
public sealed record Referrer(string ArtifactType, byte[] Content)
{
    /// <summary>The artifact manifest's annotations, which the referrers index repeats (what a bundle holds, without fetching it).</summary>
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }

    /// <summary>The annotations of the artifact's one layer (a file name to save it under).</summary>
    public ImmutableSortedDictionary<string, string>? LayerAnnotations { get; init; }
}

/// <summary>A referrer and the manifest (image or index) it is attached to.</summary>
public sealed record Attachment(Descriptor Subject, Referrer Referrer);
