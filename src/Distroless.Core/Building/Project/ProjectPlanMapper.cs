using Distroless.Base;
using System.Collections.Immutable;
using System.Text;
using Distroless.App;
using Distroless.Diagnostics;

namespace Distroless.Building;

/// <summary>
/// Maps a project's inputs (the .NET SDK's container property names where they exist) to an
/// <see cref="ImagePlan"/>. Here rather than in the task, so the CLI maps the inputs file the
/// targets write for Visual Studio's MSBuild exactly as the task maps its parameters. Defaults
/// that depend on the environment come from <see cref="HostDefaults"/>, shared with the CLI.
/// </summary>
public static partial class ProjectPlanMapper
{
    public static ImagePlan Map(ProjectInputs inputs, Func<string, string?> environment)
    {
        var output = Output(inputs);
        var (suite, mirror, securityMirror) = Debian(inputs, environment);

        return new ImagePlan
        {
            Repository = output.Repository,
            Tags = output.Tags,
            Base = new BasePlan
            {
                Image = NonEmpty(inputs.ContainerBaseImage),
                Suite = suite,
                RuntimeIdentifier = NonEmpty(inputs.RuntimeIdentifier) ?? NonEmpty(inputs.NETCoreSdkRuntimeIdentifier) ?? "",
                Mirror = mirror,
                SecurityMirror = securityMirror,
                InvariantGlobalization = inputs.InvariantGlobalization,
                ExtraPackages = inputs.DistrolessPackage.Select(PackageRequest).ToImmutableArray(),
                ExcludedPackages = inputs.DistrolessExcludePackage.Select(i => i.Spec.Trim()).ToImmutableArray(),
                Slim = inputs.DistrolessSlim,
                Debug = inputs.DistrolessDebug,
                ResolveNativeDependencies = inputs.DistrolessResolveNativeDependencies,
                StrictNativeDependencies = inputs.DistrolessStrictNativeDependencies,
                LockFile = NonEmpty(inputs.LockFile),
                LockMode = LockModeOf(inputs),
            },
            App = new AppPlan
            {
                Files = inputs.PublishedFiles.Select(item => PublishedFile(inputs.PublishDir, item)).ToImmutableArray(),
                DepsJsonPath = string.IsNullOrWhiteSpace(inputs.DepsJsonPath)
                    ? Path.Combine(inputs.PublishDir, inputs.AssemblyName + ".deps.json")
                    : inputs.DepsJsonPath,
                AppHost = inputs.AssemblyName,
                SelfContained = inputs.SelfContained || inputs.PublishAot,
                NativeAot = inputs.PublishAot,
                IsWebApp = inputs.UsingMicrosoftNETSdkWeb,
                IncludeSymbols = inputs.DistrolessIncludeSymbols,
                RuntimeConfigPath = NonEmpty(inputs.RuntimeConfigPath),
                Runtime = new RuntimePlan
                {
                    FrameworkVersions = FrameworkVersions(inputs),
                    NuGetSettingsRoot = Path.GetDirectoryName(inputs.ProjectFile),
                    NuGetPackagesFolder = NonEmpty(inputs.NuGetPackageRoot),
                },
            },
            Container = new ContainerSettings
            {
                WorkingDirectory = NonEmpty(inputs.ContainerWorkingDirectory) ?? "/app",
                User = NonEmpty(inputs.ContainerUser) ?? "65532",
                Environment = inputs.ContainerEnvironmentVariable
                    .Select(i => new EnvironmentVariable(i.Spec, i.GetMetadata("Value")))
                    .ToImmutableArray(),
                Labels = Labels(inputs),
                Ports = inputs.ContainerPort.Select(Port).ToImmutableArray(),
                AppCommand = inputs.ContainerAppCommand.Select(i => i.Spec).ToImmutableArray(),
                AppCommandArgs = inputs.ContainerAppCommandArgs.Select(i => i.Spec).ToImmutableArray(),
                DefaultArgs = inputs.ContainerDefaultArgs.Select(i => i.Spec).ToImmutableArray(),
                AppCommandInstruction = Instruction(inputs.ContainerAppCommandInstruction),
            },
            SourceDateEpoch = HostDefaults.SourceDateEpoch(inputs.SourceDateEpoch),
            ArchivePath = output.ArchivePath,
            Registry = output.Registry,
            LocalEngine = output.LocalEngine,
            RegistrySettings = RegistrySettings(inputs, environment),
            CacheDirectory = CacheDirectory(inputs, environment),
            Sbom = inputs.DistrolessSbom,
            SupplyChain = new SupplyChainPlan
            {
                SigningKey = ProjectPath(inputs, NonEmpty(inputs.DistrolessSigningKey)),
                Provenance = inputs.DistrolessProvenance,
                Project = NonEmpty(inputs.ProjectFile) is { } project ? Path.GetFileName(project) : null,
                Configuration = NonEmpty(inputs.Configuration),
                TargetFramework = NonEmpty(inputs.TargetFramework),
                AssetsFile = NonEmpty(inputs.ProjectAssetsFile),
                Invocation = Provenance.CiEnvironment.Detect(environment),
            },
        };
    }

    /// <summary>
    /// `dotnet msbuild -t:DistrolessRebase`: the image the project's publish made (at
    /// DistrolessRebaseSource, else where the publish put it) gets a new base and goes back where
    /// the publish puts it. Name, tags, archive path, suite, mirrors and lock come from the same
    /// functions as <see cref="Map"/>, so publish and rebase cannot disagree about them.
    /// </summary>
    public static RebasePlan MapRebase(ProjectInputs inputs, Func<string, string?> environment)
    {
        var output = Output(inputs);
        var (_, mirror, securityMirror) = Debian(inputs, environment);
        return new RebasePlan
        {
            Source = RebaseSource(inputs, output),
            Mirror = mirror,
            SecurityMirror = securityMirror,
            LockFile = NonEmpty(inputs.LockFile),
            LockMode = LockModeOf(inputs),
            CacheDirectory = CacheDirectory(inputs, environment),
            Output = output,
            RegistrySettings = RegistrySettings(inputs, environment),
        };
    }

    /// <summary>Where the project's image goes: its name and tags, and the archive, registry or local engine.</summary>
    private static OutputTarget Output(ProjectInputs inputs)
    {
        var repository = NonEmpty(inputs.ContainerRepository) ?? DerivedRepository(inputs.AssemblyName);
        return new OutputTarget(repository, Tags(inputs), ArchivePath(inputs, repository), NonEmpty(inputs.ContainerRegistry),
            NonEmpty(inputs.LocalRegistry)?.ToLowerInvariant());
    }

    /// <summary>The image to rebase: DistrolessRebaseSource (a file relative to the project, or a reference), else the pushed image, else the archive.</summary>
    private static string RebaseSource(ProjectInputs inputs, OutputTarget output)
    {
        if (NonEmpty(inputs.DistrolessRebaseSource) is { } source)
        {
            return ProjectPath(inputs, source) is { } file && File.Exists(file) ? file : source;
        }

        return output.Registry is { } registry
            ? $"{registry}/{output.Repository}:{output.Tags[0]}"
            : output.ArchivePath ?? throw Errors.InvalidProperty("DistrolessRebaseSource", "", "the image to rebase (an archive path or a registry reference): the project pushes to no registry and writes no archive");
    }

    /// <summary>The Debian suite (lowercase; bookworm unless set) and the two mirrors for it.</summary>
    private static (string Suite, string Mirror, string SecurityMirror) Debian(ProjectInputs inputs, Func<string, string?> environment)
    {
        var suite = NonEmpty(inputs.DistrolessDebianSuite)?.ToLowerInvariant() ?? DebianRelease.Default.Codename;
        var (mirror, securityMirror) = HostDefaults.ResolveMirrors(inputs.DistrolessDebianMirror, inputs.DistrolessDebianSecurityMirror, suite, environment,
            NonEmpty(inputs.DistrolessAptSourcesDirectory) ?? "/etc/apt");
        return (suite, mirror, securityMirror);
    }

    private static LockMode LockModeOf(ProjectInputs inputs)
        => inputs.DistrolessLocked ? LockMode.Locked : inputs.DistrolessUpdateLock ? LockMode.Update : LockMode.Auto;

    private static string CacheDirectory(ProjectInputs inputs, Func<string, string?> environment)
        => NonEmpty(inputs.DistrolessCacheDirectory) ?? HostDefaults.CacheDirectory(environment);

    private static RegistrySettings RegistrySettings(ProjectInputs inputs, Func<string, string?> environment) => new()
    {
        InsecureRegistries = HostDefaults.InsecureRegistries(inputs.DistrolessInsecureRegistries, environment),
        Parallelism = inputs.DistrolessPushParallelism > 0 ? inputs.DistrolessPushParallelism : new RegistrySettings().Parallelism,
        ChunkedUploadThreshold = inputs.DistrolessChunkedUploadThreshold > 0 ? inputs.DistrolessChunkedUploadThreshold : new RegistrySettings().ChunkedUploadThreshold,
    };

    /// <summary>A path as MSBuild paths are meant: relative to the project's directory (not to wherever dotnet was started).</summary>
    private static string? ProjectPath(ProjectInputs inputs, string? path)
        => path is null || Path.IsPathRooted(path) || Path.GetDirectoryName(inputs.ProjectFile) is not { Length: > 0 } projectDirectory
            ? path
            : Path.Combine(projectDirectory, path);

    /// <summary>"name" or "name (op version)"; a bare version means exactly that version.</summary>
    private static string PackageRequest(ProjectItem item)
    {
        var version = NonEmpty(item.GetMetadata("Version"));
        if (version is null)
        {
            return item.Spec.Trim();
        }

        return version[0] is '<' or '>' or '=' ? $"{item.Spec.Trim()} ({version})" : $"{item.Spec.Trim()} (= {version})";
    }

    /// <summary>The newest patch the SDK knows per shared framework, as a self-contained publish would use.</summary>
    private static ImmutableSortedDictionary<string, string> FrameworkVersions(ProjectInputs inputs)
    {
        var versions = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var known in inputs.KnownFrameworkReferences)
        {
            var latest = NonEmpty(known.GetMetadata("LatestRuntimeFrameworkVersion"));
            if (latest is not null && !versions.ContainsKey(known.Spec))
            {
                versions[known.Spec] = latest;
            }
        }

        if (NonEmpty(inputs.RuntimeFrameworkVersion) is { } explicitVersion)
        {
            versions["Microsoft.NETCore.App"] = explicitVersion;
        }

        return versions.ToImmutable();
    }

    private static PublishedFile PublishedFile(string publishDir, ProjectItem item)
    {
        var relative = NonEmpty(item.GetMetadata("RelativePath")) ?? Path.GetFileName(item.Spec);
        // The copy in the publish directory is what was published (the item may point at obj/).
        var published = Path.Combine(publishDir, relative);
        return new PublishedFile(File.Exists(published) ? published : item.GetMetadata("SourcePath"), relative);
    }

    private static ImmutableArray<string> Tags(ProjectInputs inputs)
    {
        var tags = (inputs.ContainerImageTags ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tags.Length > 0 && NonEmpty(inputs.ContainerImageTag) is not null)
        {
            throw Errors.InvalidProperty("ContainerImageTag", inputs.ContainerImageTag!, "either ContainerImageTag or ContainerImageTags, not both");
        }

        return tags.Length > 0 ? [.. tags] : [NonEmpty(inputs.ContainerImageTag) ?? "latest"];
    }

    private static ImmutableSortedDictionary<string, string> Labels(ProjectInputs inputs)
    {
        var labels = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var item in inputs.GeneratedLabels.Concat(inputs.ContainerLabel))
        {
            var value = item.GetMetadata("Value");
            if (value.Length > 0)
            {
                labels[item.Spec] = value;
            }
        }

        return labels.ToImmutable();
    }

    /// <summary>Text to a port; its range is the validator's check, so a replayed plan is checked alike.</summary>
    private static ContainerPort Port(ProjectItem item)
    {
        var type = NonEmpty(item.GetMetadata("Type")) ?? "tcp";
        if (!int.TryParse(item.Spec.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || !Enum.TryParse<PortProtocol>(type, ignoreCase: true, out var protocol) || !Enum.IsDefined(protocol))
        {
            throw Errors.InvalidProperty("ContainerPort", $"{item.Spec}/{type}", "a port number 1-65535 with Type tcp or udp");
        }

        return new ContainerPort(port, protocol);
    }

    private static AppCommandInstruction Instruction(string? text)
        => NonEmpty(text) is not { } value ? AppCommandInstruction.Entrypoint
            : Enum.TryParse<AppCommandInstruction>(value, ignoreCase: true, out var instruction) && Enum.IsDefined(instruction) && !int.TryParse(value, out _) ? instruction
            : throw Errors.InvalidProperty("ContainerAppCommandInstruction", value, "Entrypoint, DefaultArgs or None");

    /// <summary>The archive path: the one asked for, else the default when the image goes nowhere else.</summary>
    private static string? ArchivePath(ProjectInputs inputs, string repository)
    {
        var fileName = repository.Replace('/', '-') + ".tar";
        var requested = NonEmpty(inputs.ContainerArchiveOutputPath);
        if (requested is null)
        {
            return NonEmpty(inputs.ContainerRegistry) is null && NonEmpty(inputs.LocalRegistry) is null
                ? Path.Combine(NonEmpty(inputs.DefaultArchiveDirectory) ?? inputs.PublishDir, fileName)
                : null;
        }

        requested = ProjectPath(inputs, requested)!;

        // A directory (existing, or written with a trailing separator) gets the default file name.
        return requested.EndsWith('/') || requested.EndsWith('\\') || Directory.Exists(requested)
            ? Path.Combine(requested, fileName)
            : requested;
    }

    /// <summary>
    /// The image name when ContainerRepository is not set: the AssemblyName, normalized. When even
    /// that is no valid name, the error says so in terms of the two properties (the user set neither
    /// to this value), with a name to use instead.
    /// </summary>
    private static string DerivedRepository(string assemblyName)
    {
        var repository = NormalizeRepository(assemblyName);
        if (!ImagePlanValidator.IsValidRepository(repository))
        {
            var suggestion = SeparatorRun().Replace(repository, m => m.Value.All(c => c == '-') || m.Value == "__" ? m.Value : "-");
            throw Errors.InvalidDerivedProperty("ContainerRepository", repository, "AssemblyName", assemblyName,
                "a valid image name (lowercase letters, digits and single separators ., _, __, -), e.g. " +
                (ImagePlanValidator.IsValidRepository(suggestion) ? suggestion : "shop/api"));
        }

        return repository;
    }

    [System.Text.RegularExpressions.GeneratedRegex("[._-]{2,}")]
    private static partial System.Text.RegularExpressions.Regex SeparatorRun();

    internal static string NormalizeRepository(string assemblyName)
    {
        var text = new StringBuilder();
        foreach (var c in assemblyName.ToLowerInvariant())
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' ? c : '-');
        }

        return text.ToString().Trim('.', '_', '-', '/');
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

}
