namespace Distroless.Building;

/// <summary>
/// A copy (the `distroless push` command): an existing image, from an OCI image archive or a
/// registry, sent unchanged (same manifests, same digests) to another destination.
/// </summary>
public sealed record CopyPlan
{
    /// <summary>An OCI image archive path, or a registry reference.</summary>
    public required string Source { get; init; }

    public required string CacheDirectory { get; init; }

    /// <summary>Where the image goes: a registry (the usual case), an archive or a local engine.</summary>
    public required OutputTarget Output { get; init; }

    public RegistrySettings RegistrySettings { get; init; } = new();
}
