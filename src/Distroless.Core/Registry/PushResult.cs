using System.Collections.Immutable;
using Distroless.Oci;

namespace Distroless.Registry;

/// <summary>What a push did: which tags now point at which digest, and what had to travel.</summary>
public sealed record PushResult(ImmutableArray<ImageReference> References, Digest Digest)
{
    public int BlobsUploaded { get; init; }

    public int BlobsMounted { get; init; }

    public int BlobsPresent { get; init; }

    public long BytesUploaded { get; init; }

    public int ManifestsPut { get; init; }

    /// <summary>Artifacts (SBOMs) attached to the image as OCI referrers by this push.</summary>
    public int ReferrersAttached { get; init; }

    public int Requests { get; init; }

    public override string ToString()
        => $"{BlobsUploaded} blob(s) uploaded ({BytesUploaded / 1024.0:F1} KiB), {BlobsMounted} mounted, {BlobsPresent} already present, " +
           $"{ManifestsPut} manifest(s) written, {ReferrersAttached} referrer(s) attached, {Requests} requests";
}
