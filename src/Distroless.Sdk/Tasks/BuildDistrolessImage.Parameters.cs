using Microsoft.Build.Framework;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// The task's results. Its inputs are <see cref="DistrolessTask"/>'s two lists: adding an input
/// takes no parameter here.
/// </summary>
public sealed partial class BuildDistrolessImage
{
    [Output]
    public string? ImageDigest { get; private set; }

    [Output]
    public string? ImageId { get; private set; }

    [Output]
    public string? ArchiveOutputPath { get; private set; }

    /// <summary>Every pushed reference (registry/repository:tag), with Digest metadata.</summary>
    [Output]
    public ITaskItem[] PushedReferences { get; private set; } = [];

    /// <summary>The SBOM files written beside the archive (Format metadata: spdx or cyclonedx).</summary>
    [Output]
    public ITaskItem[] SbomFiles { get; private set; } = [];
}
