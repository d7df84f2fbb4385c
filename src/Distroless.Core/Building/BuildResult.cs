using System.Collections.Immutable;
using Distroless.Debian;
using Distroless.Output;
using Distroless.Registry;

namespace Distroless.Building;

/// <summary>What a build produced and where it went.</summary>
public sealed record BuildResult(BuiltImage Image, ImmutableArray<string> References, ImmutableArray<PackageRecord> Packages,
    ImmutableArray<string> LayerDescriptions)
{
    /// <summary>The archive written, if any.</summary>
    public string? ArchivePath { get; init; }

    /// <summary>What the push did, if the image went to a registry.</summary>
    public PushResult? Push { get; init; }

    /// <summary>The engine the image was loaded into, if any.</summary>
    public string? LoadedInto { get; init; }

    /// <summary>The multi-platform index, when several platforms were built.</summary>
    public BuiltIndex? Index { get; init; }

    /// <summary>Every platform's image (one for a single-platform build).</summary>
    public ImmutableArray<BuiltImage> Images { get; init; } = [];

    /// <summary>The SBOM files written beside the archive (SPDX and CycloneDX per image).</summary>
    public ImmutableArray<string> SbomPaths { get; init; } = [];

    /// <summary>How the image was signed ("ECDSA P-256 key &lt;hint&gt;, with provenance"); null when it was not.</summary>
    public string? Signed { get; init; }

    /// <summary>The digests of cache entries found damaged while the image was sent out, and rebuilt (DSTL4010).</summary>
    public ImmutableArray<string> RepairedCacheEntries { get; init; } = [];

    /// <summary>What a tag points at: the index of a multi-platform build, else the image manifest.</summary>
    public Oci.Digest Digest => Index?.Digest ?? Image.Digest;
}
