using System.Collections;
using System.Collections.Immutable;
using Distroless.Building;
using Microsoft.Build.Framework;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// The parameters as the core's <see cref="ProjectInputs"/>: the mapping to a plan lives in the
/// core (<see cref="ProjectPlanMapper"/>), where the CLI reaches it too when Visual Studio's
/// MSBuild runs the build out of process.
/// </summary>
public sealed partial class BuildDistrolessImage
{
    internal ProjectInputs ToInputs() => new()
    {
        ProjectFile = ProjectFile,
        // FullPath is computed by MSBuild, not stored; the file the targets write carries it too.
        PublishedFiles = Items(PublishedFiles, "FullPath"),
        PublishDir = PublishDir,
        DepsJsonPath = DepsJsonPath,
        AssemblyName = AssemblyName,
        RuntimeIdentifier = RuntimeIdentifier,
        SdkRuntimeIdentifier = SdkRuntimeIdentifier,
        KnownFrameworkReferences = Items(KnownFrameworkReferences),
        RuntimeFrameworkVersion = RuntimeFrameworkVersion,
        RuntimeConfigPath = RuntimeConfigPath,
        NuGetPackageRoot = NuGetPackageRoot,
        SelfContained = SelfContained,
        InvariantGlobalization = InvariantGlobalization,
        IncludeSymbols = IncludeSymbols,
        NativeAot = NativeAot,
        IsWebApp = IsWebApp,
        ContainerAppCommand = Items(ContainerAppCommand),
        ContainerAppCommandArgs = Items(ContainerAppCommandArgs),
        ContainerDefaultArgs = Items(ContainerDefaultArgs),
        ContainerAppCommandInstruction = ContainerAppCommandInstruction,
        IgnoredSettings = Items(IgnoredSettings),
        ContainerRepository = ContainerRepository,
        ContainerImageTag = ContainerImageTag,
        ContainerImageTags = ContainerImageTags,
        ContainerUser = ContainerUser,
        ContainerWorkingDirectory = ContainerWorkingDirectory,
        ContainerEnvironmentVariables = Items(ContainerEnvironmentVariables),
        ContainerLabels = Items(ContainerLabels),
        ContainerPorts = Items(ContainerPorts),
        GeneratedLabels = Items(GeneratedLabels),
        ContainerArchiveOutputPath = ContainerArchiveOutputPath,
        ContainerRegistry = ContainerRegistry,
        ContainerBaseImage = ContainerBaseImage,
        LocalRegistry = LocalRegistry,
        InsecureRegistries = InsecureRegistries,
        PushParallelism = PushParallelism,
        ChunkedUploadThreshold = ChunkedUploadThreshold,
        DefaultArchiveDirectory = DefaultArchiveDirectory,
        DebianSuite = DebianSuite,
        ExtraPackages = Items(ExtraPackages),
        ExcludedPackages = Items(ExcludedPackages),
        Slim = Slim,
        Sbom = Sbom,
        SigningKey = SigningKey,
        Provenance = Provenance,
        Configuration = Configuration,
        TargetFramework = TargetFramework,
        ProjectAssetsFile = ProjectAssetsFile,
        Debug = Debug,
        ResolveNativeDependencies = ResolveNativeDependencies,
        StrictNativeDependencies = StrictNativeDependencies,
        LockFile = LockFile,
        Locked = Locked,
        UpdateLock = UpdateLock,
        DebianMirror = DebianMirror,
        DebianSecurityMirror = DebianSecurityMirror,
        AptSourcesDirectory = AptSourcesDirectory,
        CacheDirectory = CacheDirectory,
        SourceDateEpoch = SourceDateEpoch,
        PlanFile = PlanFile,
        BuildRecordFile = BuildRecordFile,
        Incremental = Incremental,
        PlanOnly = PlanOnly,
        PlanFiles = Items(PlanFiles),
    };

    /// <summary>Each item's spec and custom metadata, plus the named well-known metadata.</summary>
    private static ImmutableArray<ProjectItem> Items(ITaskItem[] items, params string[] wellKnown) => items
        .Select(item =>
        {
            var metadata = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in item.CloneCustomMetadata())
            {
                metadata[(string)entry.Key] = (string?)entry.Value ?? "";
            }

            foreach (var name in wellKnown)
            {
                metadata[name] = item.GetMetadata(name);
            }

            return new ProjectItem(item.ItemSpec, metadata.ToImmutable());
        })
        .ToImmutableArray();
}
