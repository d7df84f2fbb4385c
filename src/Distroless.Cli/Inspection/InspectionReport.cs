using System.Collections.Immutable;

namespace Distroless.Cli.Inspection;

/// <summary>
/// What `distroless inspect` reports, and the shape of its --json document (schemaVersion 1):
/// property names and order are part of the command's interface; new properties may be added.
/// </summary>
internal sealed record InspectionReport(
    int SchemaVersion,
    string Source,
    string Digest,
    string MediaType,
    ImmutableArray<ImageReport> Images,
    ImmutableArray<SbomReport> Sboms,
    ImmutableArray<AttestationReport> Attestations);

/// <summary>One platform's image.</summary>
internal sealed record ImageReport(
    string Platform,
    string Digest,
    string ConfigDigest,
    long CompressedSize,
    ConfigReport Config,
    ImmutableSortedDictionary<string, string> Annotations,
    ImmutableArray<LayerReport> Layers,
    ImmutableArray<PackageReport> Packages,
    ImmutableArray<SbomReport> Sboms,
    ImmutableArray<NativeDependencyReport> NativeDependencies,
    ImmutableArray<AttestationReport> Attestations);

internal sealed record ConfigReport(
    string? User,
    ImmutableArray<string> Entrypoint,
    ImmutableArray<string> Cmd,
    ImmutableArray<string> Env,
    string? WorkingDir,
    ImmutableSortedDictionary<string, string> Labels,
    ImmutableArray<string> ExposedPorts,
    string Created);

internal sealed record LayerReport(string Digest, long Size, string MediaType, string DiffId, string CreatedBy);

/// <summary>A Debian package the image's dpkg database (status.d or status) lists.</summary>
internal sealed record PackageReport(string Name, string Version, string Architecture, string? Source);

/// <summary>A library the app's native code needed beyond the base, and the Debian package added for it (null: none ships it).</summary>
internal sealed record NativeDependencyReport(string SoName, string? Package, ImmutableArray<string> NeededBy);

/// <summary>An SBOM the archive carries: a referrer's document (with the manifest it describes) or a plain SBOM file.</summary>
internal sealed record SbomReport(string MediaType, string? Digest, long Size, string? Subject, string? Name);

/// <summary>
/// A Sigstore bundle attached to a manifest: a signature (cosign's sign predicate) or an
/// attestation (SLSA provenance, …), as it says of itself. Listed, not verified: `distroless
/// verify --key` does that.
/// </summary>
/// <param name="Kind">signature, provenance or attestation.</param>
/// <param name="PredicateType">The in-toto predicate type of the statement inside.</param>
/// <param name="Digest">The bundle's digest.</param>
/// <param name="Size">The bundle's size in bytes.</param>
/// <param name="KeyHint">The public key hint the bundle names (base64 SHA-256 of the key).</param>
/// <param name="Subject">The manifest it is attached to.</param>
internal sealed record AttestationReport(string Kind, string? PredicateType, string Digest, long Size, string? KeyHint, string Subject);
