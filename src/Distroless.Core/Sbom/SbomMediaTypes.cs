namespace Distroless.Sbom;

/// <summary>
/// Media types of the SBOM documents: the <c>artifactType</c> of the OCI referrers that attach
/// them to an image, and the media type of their one layer, so registries and clients
/// (<c>oras discover</c>, scanners) can tell the formats apart without reading them.
/// </summary>
public static class SbomMediaTypes
{
    /// <summary>SPDX JSON (the SPDX 2.3 specification's registered type).</summary>
    public const string SpdxJson = "application/spdx+json";

    /// <summary>CycloneDX JSON (registered with IANA by the CycloneDX project).</summary>
    public const string CycloneDxJson = "application/vnd.cyclonedx+json";
}
