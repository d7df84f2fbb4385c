using Distroless.Base;
using System.Collections.Immutable;

namespace Distroless.Building;

/// <summary>
/// A rebase: take an image Distroless.Sdk built (an archive or a registry reference), build its
/// base again from the current archive or a given lock, and keep its app layers byte for byte.
/// </summary>
public sealed record RebasePlan
{
    /// <summary>An OCI image archive path, or a registry reference.</summary>
    public required string Source { get; init; }

    public required string Mirror { get; init; }

    public required string SecurityMirror { get; init; }

    /// <summary>A lock to build the base from (Auto/Locked), or to write (Update); null to resolve afresh.</summary>
    public string? LockFile { get; init; }

    public LockMode LockMode { get; init; } = LockMode.Auto;

    public required string CacheDirectory { get; init; }

    /// <summary>Where the rebased image goes.</summary>
    public required OutputTarget Output { get; init; }

    public RegistrySettings RegistrySettings { get; init; } = new();
}
