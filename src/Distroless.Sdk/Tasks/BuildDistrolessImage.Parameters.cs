using Microsoft.Build.Framework;

namespace Distroless.Sdk.Tasks;

/// <summary>The task's parameters, named after the MSBuild properties and items they come from.</summary>
public sealed partial class BuildDistrolessImage
{
    public string? ProjectFile { get; set; }

    /// <summary>ResolvedFileToPublish items (RelativePath metadata), read from <see cref="PublishDir"/>.</summary>
    public ITaskItem[] PublishedFiles { get; set; } = [];

    public string PublishDir { get; set; } = "";

    public string? DepsJsonPath { get; set; }

    public string AssemblyName { get; set; } = "";

    /// <summary>The publish's RID; empty for a portable publish (then the SDK's own RID, whose apphost it carries).</summary>
    public string? RuntimeIdentifier { get; set; }

    public string? SdkRuntimeIdentifier { get; set; }

    /// <summary>KnownFrameworkReference items of the target framework (LatestRuntimeFrameworkVersion metadata).</summary>
    public ITaskItem[] KnownFrameworkReferences { get; set; } = [];

    /// <summary>An explicit Microsoft.NETCore.App version (the SDK's RuntimeFrameworkVersion property).</summary>
    public string? RuntimeFrameworkVersion { get; set; }

    public string? RuntimeConfigPath { get; set; }

    public string? NuGetPackageRoot { get; set; }

    public bool SelfContained { get; set; }

    public bool InvariantGlobalization { get; set; }

    public bool IncludeSymbols { get; set; }

    /// <summary>PublishAot: a Native AOT publish.</summary>
    public bool NativeAot { get; set; }

    /// <summary>UsingMicrosoftNETSdkWeb: an ASP.NET Core project.</summary>
    public bool IsWebApp { get; set; }

    /// <summary>ContainerAppCommand items, in order.</summary>
    public ITaskItem[] ContainerAppCommand { get; set; } = [];

    /// <summary>ContainerAppCommandArgs items, in order.</summary>
    public ITaskItem[] ContainerAppCommandArgs { get; set; } = [];

    /// <summary>ContainerDefaultArgs items, in order.</summary>
    public ITaskItem[] ContainerDefaultArgs { get; set; } = [];

    public string? ContainerAppCommandInstruction { get; set; }

    /// <summary>SDK container settings this package does not honour (Include = name, Value, Reason): each gets a warning.</summary>
    public ITaskItem[] IgnoredSettings { get; set; } = [];

    public string? ContainerRepository { get; set; }

    public string? ContainerImageTag { get; set; }

    public string? ContainerImageTags { get; set; }

    public string? ContainerUser { get; set; }

    public string? ContainerWorkingDirectory { get; set; }

    /// <summary>ContainerEnvironmentVariable items: Include = name, Value metadata.</summary>
    public ITaskItem[] ContainerEnvironmentVariables { get; set; } = [];

    /// <summary>ContainerLabel items: Include = label, Value metadata.</summary>
    public ITaskItem[] ContainerLabels { get; set; } = [];

    /// <summary>ContainerPort items: Include = port number, Type metadata (tcp, udp).</summary>
    public ITaskItem[] ContainerPorts { get; set; } = [];

    /// <summary>Labels generated from project metadata (ContainerLabel items override them).</summary>
    public ITaskItem[] GeneratedLabels { get; set; } = [];

    public string? ContainerArchiveOutputPath { get; set; }

    /// <summary>Push to this registry (host[:port]).</summary>
    public string? ContainerRegistry { get; set; }

    /// <summary>A registry image to build on instead of the generated Debian base.</summary>
    public string? ContainerBaseImage { get; set; }

    /// <summary>Podman or Docker: load the image into that engine.</summary>
    public string? LocalRegistry { get; set; }

    /// <summary>Registries allowed over plain HTTP (besides loopback), ';'-separated.</summary>
    public string? InsecureRegistries { get; set; }

    public int PushParallelism { get; set; }

    public long ChunkedUploadThreshold { get; set; }

    /// <summary>Where the archive goes when ContainerArchiveOutputPath is not set.</summary>
    public string? DefaultArchiveDirectory { get; set; }

    public string? DebianSuite { get; set; }

    /// <summary>DistrolessPackage items (Version metadata: "&gt;= 1.2" or "1.2").</summary>
    public ITaskItem[] ExtraPackages { get; set; } = [];

    /// <summary>DistrolessExcludePackage items.</summary>
    public ITaskItem[] ExcludedPackages { get; set; } = [];

    public bool Slim { get; set; } = true;

    /// <summary>DistrolessSbom: SPDX and CycloneDX SBOMs beside the archive and as referrers of a pushed image.</summary>
    public bool Sbom { get; set; } = true;

    /// <summary>DistrolessSigningKey: a PEM private key (ECDSA P-256 or Ed25519) that signs the image; its path only.</summary>
    public string? SigningKey { get; set; }

    /// <summary>DistrolessProvenance: attach a signed SLSA provenance to each signed image.</summary>
    public bool Provenance { get; set; } = true;

    public string? Configuration { get; set; }

    public string? TargetFramework { get; set; }

    /// <summary>The assets file restore wrote (every NuGet package with its SHA-512), for the provenance.</summary>
    public string? ProjectAssetsFile { get; set; }

    /// <summary>DistrolessDebug: add the busybox shell at /busybox.</summary>
    public bool Debug { get; set; }

    /// <summary>DistrolessResolveNativeDependencies, as written (a bad value is a DSTL error, not MSBuild's).</summary>
    public string? ResolveNativeDependencies { get; set; }

    /// <summary>DistrolessStrictNativeDependencies, as written.</summary>
    public string? StrictNativeDependencies { get; set; }

    /// <summary>distroless.lock.json's path; empty for none.</summary>
    public string? LockFile { get; set; }

    /// <summary>DistrolessLocked: the lock must exist and match (CI).</summary>
    public bool Locked { get; set; }

    /// <summary>DistrolessUpdateLock: resolve again and rewrite the lock.</summary>
    public bool UpdateLock { get; set; }

    public string? DebianMirror { get; set; }

    public string? DebianSecurityMirror { get; set; }

    /// <summary>Where apt's source lists are read when no mirror is set (default /etc/apt).</summary>
    public string? AptSourcesDirectory { get; set; }

    public string? CacheDirectory { get; set; }

    public string? SourceDateEpoch { get; set; }

    /// <summary>Where to write the plan (JSON) before building.</summary>
    public string? PlanFile { get; set; }

    /// <summary>Where the record of the last build is kept (obj/); see <see cref="Distroless.Building.UpToDateCheck"/>.</summary>
    public string? BuildRecordFile { get; set; }

    /// <summary>DistrolessIncremental: skip the image step when nothing changed since the last publish.</summary>
    public bool Incremental { get; set; } = true;

    /// <summary>Only write <see cref="PlanFile"/> (one platform of a multi-platform build); build nothing.</summary>
    public bool PlanOnly { get; set; }

    /// <summary>Build one multi-platform image from these plans (written by the per-platform publishes).</summary>
    public ITaskItem[] PlanFiles { get; set; } = [];

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
