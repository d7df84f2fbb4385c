using System.Collections.Immutable;

namespace Distroless.Building;

/// <summary>
/// What a project's build hands over for its image, as plain data: the BuildDistrolessImage
/// task's parameters under the same names. The task fills it from MSBuild in process; the
/// distroless CLI reads it from the file the targets write when the task cannot load (Visual
/// Studio's .NET Framework MSBuild, see <see cref="ProjectInputsFile"/>). Either way
/// <see cref="ProjectPlanMapper"/> turns it into the one <see cref="ImagePlan"/>.
/// </summary>
/// <remarks>
/// Properties keep MSBuild's meaning of "not set": null strings, and the task's defaults for
/// the rest. Only the types the file format knows are allowed here (string, bool, int, long,
/// item lists); a test checks it.
/// </remarks>
public sealed record ProjectInputs
{
    public string? ProjectFile { get; init; }

    /// <summary>ResolvedFileToPublish items (RelativePath and FullPath metadata).</summary>
    public ImmutableArray<ProjectItem> PublishedFiles { get; init; } = [];

    public string PublishDir { get; init; } = "";

    public string? DepsJsonPath { get; init; }

    public string AssemblyName { get; init; } = "";

    public string? RuntimeIdentifier { get; init; }

    public string? SdkRuntimeIdentifier { get; init; }

    /// <summary>KnownFrameworkReference items (LatestRuntimeFrameworkVersion metadata).</summary>
    public ImmutableArray<ProjectItem> KnownFrameworkReferences { get; init; } = [];

    public string? RuntimeFrameworkVersion { get; init; }

    public string? RuntimeConfigPath { get; init; }

    public string? NuGetPackageRoot { get; init; }

    public bool SelfContained { get; init; }

    public bool InvariantGlobalization { get; init; }

    public bool IncludeSymbols { get; init; }

    public bool NativeAot { get; init; }

    public bool IsWebApp { get; init; }

    public ImmutableArray<ProjectItem> ContainerAppCommand { get; init; } = [];

    public ImmutableArray<ProjectItem> ContainerAppCommandArgs { get; init; } = [];

    public ImmutableArray<ProjectItem> ContainerDefaultArgs { get; init; } = [];

    public string? ContainerAppCommandInstruction { get; init; }

    /// <summary>Settings this package does not honour (Value and Reason metadata): each gets a warning.</summary>
    public ImmutableArray<ProjectItem> IgnoredSettings { get; init; } = [];

    public string? ContainerRepository { get; init; }

    public string? ContainerImageTag { get; init; }

    public string? ContainerImageTags { get; init; }

    public string? ContainerUser { get; init; }

    public string? ContainerWorkingDirectory { get; init; }

    /// <summary>Name = spec, Value metadata.</summary>
    public ImmutableArray<ProjectItem> ContainerEnvironmentVariables { get; init; } = [];

    /// <summary>Label = spec, Value metadata.</summary>
    public ImmutableArray<ProjectItem> ContainerLabels { get; init; } = [];

    /// <summary>Port number = spec, Type metadata (tcp, udp).</summary>
    public ImmutableArray<ProjectItem> ContainerPorts { get; init; } = [];

    /// <summary>Labels from project metadata (Value metadata); ContainerLabels override them.</summary>
    public ImmutableArray<ProjectItem> GeneratedLabels { get; init; } = [];

    public string? ContainerArchiveOutputPath { get; init; }

    public string? ContainerRegistry { get; init; }

    public string? ContainerBaseImage { get; init; }

    public string? LocalRegistry { get; init; }

    public string? InsecureRegistries { get; init; }

    public int PushParallelism { get; init; }

    public long ChunkedUploadThreshold { get; init; }

    public string? DefaultArchiveDirectory { get; init; }

    public string? DebianSuite { get; init; }

    /// <summary>DistrolessPackage items (Version metadata).</summary>
    public ImmutableArray<ProjectItem> ExtraPackages { get; init; } = [];

    public ImmutableArray<ProjectItem> ExcludedPackages { get; init; } = [];

    public bool Slim { get; init; } = true;

    public bool Sbom { get; init; } = true;

    /// <summary>DistrolessSigningKey: the PEM private key's path (never the key).</summary>
    public string? SigningKey { get; init; }

    /// <summary>DistrolessProvenance: a signed SLSA provenance beside each signature.</summary>
    public bool Provenance { get; init; } = true;

    public string? Configuration { get; init; }

    public string? TargetFramework { get; init; }

    /// <summary>obj/project.assets.json: the NuGet packages restore resolved, with their hashes (for the provenance).</summary>
    public string? ProjectAssetsFile { get; init; }

    public bool Debug { get; init; }

    /// <summary>DistrolessResolveNativeDependencies as written ("true", "false" or empty); parsed by the mapper.</summary>
    public string? ResolveNativeDependencies { get; init; }

    /// <summary>DistrolessStrictNativeDependencies as written.</summary>
    public string? StrictNativeDependencies { get; init; }

    public string? LockFile { get; init; }

    public bool Locked { get; init; }

    public bool UpdateLock { get; init; }

    public string? DebianMirror { get; init; }

    public string? DebianSecurityMirror { get; init; }

    public string? AptSourcesDirectory { get; init; }

    public string? CacheDirectory { get; init; }

    public string? SourceDateEpoch { get; init; }

    /// <summary>Where the plan (JSON) is written before building.</summary>
    public string? PlanFile { get; init; }

    /// <summary>Where the record of the last build is kept (see <see cref="UpToDateCheck"/>).</summary>
    public string? BuildRecordFile { get; init; }

    public bool Incremental { get; init; } = true;

    /// <summary>Only write <see cref="PlanFile"/> (one platform of a multi-platform build).</summary>
    public bool PlanOnly { get; init; }

    /// <summary>Build one multi-platform image from these plan files instead of mapping the rest.</summary>
    public ImmutableArray<ProjectItem> PlanFiles { get; init; } = [];
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
