using System.Collections.Immutable;

namespace Distroless.Oci;

/// <summary>An OCI content descriptor: what a blob is, its digest and its size.</summary>
public sealed record Descriptor(string MediaType, Digest Digest, long Size)
{
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }

    public Platform? Platform { get; init; }

    /// <summary>For artifacts (an SBOM's manifest in a referrers index).</summary>
    public string? ArtifactType { get; init; }
}
