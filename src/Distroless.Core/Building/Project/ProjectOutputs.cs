using System.Collections.Immutable;

namespace Distroless.Building;

/// <summary>
/// What a project's publish reports back to MSBuild (DistrolessImageDigest, DistrolessArchivePath,
/// …), whether the image was built or found up to date; one derivation for the task and the CLI.
/// </summary>
/// <param name="ImageDigest">What the tags point at (the index of a multi-platform image).</param>
/// <param name="ImageId">The config digest of the (first) image.</param>
/// <param name="ArchiveOutputPath">The archive written, if any.</param>
/// <param name="PushedReferences">Every pushed reference (registry/repository:tag); empty when nothing was pushed.</param>
/// <param name="SbomFiles">The SBOM files beside the archive.</param>
public sealed record ProjectOutputs(string ImageDigest, string ImageId, string? ArchiveOutputPath,
    ImmutableArray<string> PushedReferences, ImmutableArray<string> SbomFiles)
{
    public static ProjectOutputs Of(BuildResult result) => new(result.Digest.ToString(), result.Image.ImageId.ToString(),
        result.ArchivePath, result.Push is null ? [] : result.References, result.SbomPaths);

    /// <summary>An up-to-date build: only archive builds are skipped, so nothing was pushed.</summary>
    public static ProjectOutputs Of(BuildRecord record) => new(record.Digest, record.ImageId, record.ArchivePath, [],
        record.Outputs.Select(o => o.Path).Where(p => p.EndsWith(".json", StringComparison.Ordinal)).ToImmutableArray());

    /// <summary>"spdx" or "cyclonedx": the SbomFile item's Format metadata.</summary>
    public static string SbomFormat(string path) => path.EndsWith(".spdx.json", StringComparison.Ordinal) ? "spdx" : "cyclonedx";
}
