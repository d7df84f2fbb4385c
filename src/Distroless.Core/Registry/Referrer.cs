namespace Distroless.Registry;

/// <summary>An artifact to attach to an image as an OCI 1.1 referrer (an SBOM): its type and its bytes.</summary>
public sealed record Referrer(string ArtifactType, byte[] Content);
