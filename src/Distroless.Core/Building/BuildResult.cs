using System.Collections.Immutable;
using Distroless.Debian;
using Distroless.Output;

namespace Distroless.Building;

/// <summary>What a build produced: the image, where it was written, and the packages in its base.</summary>
public sealed record BuildResult(BuiltImage Image, string ArchivePath, ImmutableArray<string> References,
    ImmutableArray<PackageRecord> Packages, ImmutableArray<string> LayerDescriptions);
