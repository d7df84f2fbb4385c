using Distroless.Oci;

namespace Distroless.Debian;

/// <summary>A suite's Release file whose signature verified, with the digest of the InRelease it came from.</summary>
public sealed record VerifiedRelease(ArchiveSuite Suite, ReleaseFile Release, Digest InReleaseDigest);
