using System.Collections.Immutable;

namespace Distroless.Building;

/// <summary>
/// Every input a project's build hands over for its image, declared once: each property is
/// named exactly as the MSBuild property or item type it comes from (DistrolessSlim,
/// ContainerPort), or, for what the targets compute, after what it is (PublishDir, LockFile).
/// Its default is here and nowhere else. The targets list the inputs once
/// (_DistrolessComputeInputs: one `_DistrolessInput` or `_DistrolessInputItem` per input), the
/// MSBuild task and the out-of-process inputs file both carry that list, and
/// <see cref="ProjectInputsBinder"/> fills this record from it by name;
/// <see cref="ProjectPlanMapper"/> turns it into the one <see cref="ImagePlan"/> (or
/// <see cref="RebasePlan"/>).
/// </summary>
/// <remarks>
/// Properties keep MSBuild's meaning of "not set": an empty value leaves the default. Only the
/// types the binder knows are allowed (string, bool, int, long, item lists); a test checks it.
/// </remarks>
public sealed record ProjectInputs
{
    // What the targets compute from the project.
    public string? ProjectFile { get; init; }

    /// <summary>ResolvedFileToPublish items and what publish copies besides (RelativePath and SourcePath metadata).</summary>
    public ImmutableArray<ProjectItem> PublishedFiles { get; init; } = [];

    public string PublishDir { get; init; } = "";

    public string? DepsJsonPath { get; init; }

    public string? RuntimeConfigPath { get; init; }

    /// <summary>KnownFrameworkReference items of the target framework (LatestRuntimeFrameworkVersion metadata).</summary>
    public ImmutableArray<ProjectItem> KnownFrameworkReferences { get; init; } = [];

    /// <summary>Settings this package does not honour (Value and Reason metadata): each gets a warning.</summary>
    public ImmutableArray<ProjectItem> IgnoredSettings { get; init; } = [];

    /// <summary>Labels from project metadata (Value metadata); ContainerLabel items override them.</summary>
    public ImmutableArray<ProjectItem> GeneratedLabels { get; init; } = [];

    /// <summary>Where the archive goes when ContainerArchiveOutputPath is not set (shared by a multi-platform build's inner builds).</summary>
    public string? DefaultArchiveDirectory { get; init; }

    /// <summary>distroless.lock.json's path (DistrolessLockFile, else beside the project); empty with DistrolessUseLockFile=false.</summary>
    public string? LockFile { get; init; }

    /// <summary>DistrolessSourceDateEpoch, else SOURCE_DATE_EPOCH.</summary>
    public string? SourceDateEpoch { get; init; }

    /// <summary>Where the plan (JSON) is written before building.</summary>
    public string? PlanFile { get; init; }

    /// <summary>Where the record of the last build is kept (see <see cref="UpToDateCheck"/>).</summary>
    public string? BuildRecordFile { get; init; }

    /// <summary>Only write <see cref="PlanFile"/>: one platform's inner build of a multi-platform build.</summary>
    public bool PlanOnly { get; init; }

    /// <summary>Build one multi-platform image from these plan files instead of mapping the rest.</summary>
    public ImmutableArray<ProjectItem> PlanFiles { get; init; } = [];

    // The .NET SDK's own properties.
    public string AssemblyName { get; init; } = "";

    public string? RuntimeIdentifier { get; init; }

    public string? NETCoreSdkRuntimeIdentifier { get; init; }

    public string? RuntimeFrameworkVersion { get; init; }

    public string? NuGetPackageRoot { get; init; }

    public bool SelfContained { get; init; }

    public bool InvariantGlobalization { get; init; }

    public bool PublishAot { get; init; }

    /// <summary>Set by the Web SDK: an ASP.NET Core project.</summary>
    public bool UsingMicrosoftNETSdkWeb { get; init; }

    public string? Configuration { get; init; }

    public string? TargetFramework { get; init; }

    /// <summary>obj/project.assets.json: the NuGet packages restore resolved, with their hashes (for the provenance).</summary>
    public string? ProjectAssetsFile { get; init; }

    // The .NET SDK's container properties and items, with their meaning.
    public string? ContainerRepository { get; init; }

    public string? ContainerImageTag { get; init; }

    public string? ContainerImageTags { get; init; }

    public string? ContainerUser { get; init; }

    public string? ContainerWorkingDirectory { get; init; }

    public ImmutableArray<ProjectItem> ContainerAppCommand { get; init; } = [];

    public ImmutableArray<ProjectItem> ContainerAppCommandArgs { get; init; } = [];

    public ImmutableArray<ProjectItem> ContainerDefaultArgs { get; init; } = [];

    public string? ContainerAppCommandInstruction { get; init; }

    /// <summary>Name = spec, Value metadata.</summary>
    public ImmutableArray<ProjectItem> ContainerEnvironmentVariable { get; init; } = [];

    /// <summary>Label = spec, Value metadata.</summary>
    public ImmutableArray<ProjectItem> ContainerLabel { get; init; } = [];

    /// <summary>Port number = spec, Type metadata (tcp, udp).</summary>
    public ImmutableArray<ProjectItem> ContainerPort { get; init; } = [];

    public string? ContainerArchiveOutputPath { get; init; }

    public string? ContainerRegistry { get; init; }

    public string? ContainerBaseImage { get; init; }

    public string? LocalRegistry { get; init; }

    // Distroless.Sdk's own (docs/properties.md).
    public string? DistrolessDebianSuite { get; init; }

    public string? DistrolessDebianMirror { get; init; }

    public string? DistrolessDebianSecurityMirror { get; init; }

    public string? DistrolessAptSourcesDirectory { get; init; }

    /// <summary>Extra Debian packages (Version metadata).</summary>
    public ImmutableArray<ProjectItem> DistrolessPackage { get; init; } = [];

    public ImmutableArray<ProjectItem> DistrolessExcludePackage { get; init; } = [];

    public bool DistrolessResolveNativeDependencies { get; init; } = true;

    public bool DistrolessStrictNativeDependencies { get; init; }

    public bool DistrolessSlim { get; init; } = true;

    public bool DistrolessDebug { get; init; }

    public bool DistrolessIncludeSymbols { get; init; }

    public bool DistrolessLocked { get; init; }

    public bool DistrolessUpdateLock { get; init; }

    public bool DistrolessSbom { get; init; } = true;

    /// <summary>The PEM private key's path (never the key).</summary>
    public string? DistrolessSigningKey { get; init; }

    public bool DistrolessProvenance { get; init; } = true;

    public string? DistrolessInsecureRegistries { get; init; }

    public int DistrolessPushParallelism { get; init; }

    public long DistrolessChunkedUploadThreshold { get; init; }

    public string? DistrolessCacheDirectory { get; init; }

    public bool DistrolessIncremental { get; init; } = true;

    /// <summary>DistrolessRebase: the image to rebase (an archive or a registry reference); by default the one the publish made.</summary>
    public string? DistrolessRebaseSource { get; init; }
}

/// <summary>
/// One MSBuild item: its spec (Include) and the metadata the mapper reads. Metadata names are
/// case-insensitive, as in MSBuild; a missing one reads as "", as ITaskItem.GetMetadata does.
/// </summary>
public sealed record ProjectItem(string Spec, ImmutableDictionary<string, string> Metadata)
{
    public ImmutableDictionary<string, string> Metadata { get; init; } = Metadata.WithComparers(StringComparer.OrdinalIgnoreCase);

    public ProjectItem(string spec, params (string Name, string Value)[] metadata)
        : this(spec, metadata.ToImmutableDictionary(m => m.Name, m => m.Value, StringComparer.OrdinalIgnoreCase))
    {
    }

    public string GetMetadata(string name) => Metadata.TryGetValue(name, out var value) ? value : "";
}
