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
}
