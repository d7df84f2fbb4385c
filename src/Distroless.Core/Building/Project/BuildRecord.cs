using System.Collections.Immutable;

namespace Distroless.Building;

/// <summary>What the last build of a project produced, kept in its intermediate directory (see <see cref="UpToDateCheck"/>).</summary>
/// <param name="Fingerprint">The inputs the build saw.</param>
/// <param name="Digest">What the tags point at (the index of a multi-platform build).</param>
/// <param name="ImageId">The config digest of the (first) image.</param>
/// <param name="ArchivePath">The archive written.</param>
/// <param name="References">The image references the archive names.</param>
/// <param name="Outputs">Every file written (archive, SBOMs), with the size and write time it had then.</param>
public sealed record BuildRecord(string Fingerprint, string Digest, string ImageId, string ArchivePath,
    ImmutableArray<string> References, ImmutableArray<BuildRecord.OutputFile> Outputs)
{
    public sealed record OutputFile(string Path, long Size, long WriteTimeTicks);
}
