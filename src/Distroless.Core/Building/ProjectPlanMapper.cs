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
        var repository = string.IsNullOrWhiteSpace(inputs.ContainerRepository)
            ? DerivedRepository(inputs.AssemblyName)
            : inputs.ContainerRepository.Trim();
        var suite = string.IsNullOrWhiteSpace(inputs.DebianSuite) ? "bookworm" : inputs.DebianSuite.Trim().ToLowerInvariant();
        var (mirror, securityMirror) = HostDefaults.ResolveMirrors(inputs.DebianMirror, inputs.DebianSecurityMirror, suite, environment,
            NonEmpty(inputs.AptSourcesDirectory) ?? "/etc/apt");

        return new ImagePlan
        {
            Repository = repository,
            Tags = Tags(inputs),
            Base = new BasePlan
            {
                Image = NonEmpty(inputs.ContainerBaseImage),
                Suite = suite,
                RuntimeIdentifier = NonEmpty(inputs.RuntimeIdentifier) ?? NonEmpty(inputs.SdkRuntimeIdentifier) ?? "",
                Mirror = mirror,
                SecurityMirror = securityMirror,
                InvariantGlobalization = inputs.InvariantGlobalization,
                ExtraPackages = inputs.ExtraPackages.Select(PackageRequest).ToImmutableArray(),
                ExcludedPackages = inputs.ExcludedPackages.Select(i => i.Spec.Trim()).ToImmutableArray(),
                Slim = inputs.Slim,
                Debug = inputs.Debug,
                ResolveNativeDependencies = Flag(inputs.ResolveNativeDependencies, "DistrolessResolveNativeDependencies", true),
                StrictNativeDependencies = Flag(inputs.StrictNativeDependencies, "DistrolessStrictNativeDependencies", false),
                LockFile = NonEmpty(inputs.LockFile),
                LockMode = inputs.Locked ? "Locked" : inputs.UpdateLock ? "Update" : "Auto",
            },
            App = new AppPlan
            {
                Files = inputs.PublishedFiles.Select(item => PublishedFile(inputs.PublishDir, item)).ToImmutableArray(),
                DepsJsonPath = string.IsNullOrWhiteSpace(inputs.DepsJsonPath)
                    ? Path.Combine(inputs.PublishDir, inputs.AssemblyName + ".deps.json")
                    : inputs.DepsJsonPath,
                AppHost = inputs.AssemblyName,
                SelfContained = inputs.SelfContained || inputs.NativeAot,
                NativeAot = inputs.NativeAot,
                IsWebApp = inputs.IsWebApp,
                IncludeSymbols = inputs.IncludeSymbols,
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
                Environment = inputs.ContainerEnvironmentVariables
                    .Select(i => new EnvironmentVariable(i.Spec, i.GetMetadata("Value")))
                    .ToImmutableArray(),
                Labels = Labels(inputs),
                Ports = inputs.ContainerPorts.Select(Port).ToImmutableArray(),
                AppCommand = inputs.ContainerAppCommand.Select(i => i.Spec).ToImmutableArray(),
                AppCommandArgs = inputs.ContainerAppCommandArgs.Select(i => i.Spec).ToImmutableArray(),
                DefaultArgs = inputs.ContainerDefaultArgs.Select(i => i.Spec).ToImmutableArray(),
                AppCommandInstruction = NonEmpty(inputs.ContainerAppCommandInstruction) ?? "Entrypoint",
            },
            SourceDateEpoch = HostDefaults.SourceDateEpoch(inputs.SourceDateEpoch),
            ArchivePath = ArchivePath(inputs, repository),
            Registry = NonEmpty(inputs.ContainerRegistry),
            LocalEngine = NonEmpty(inputs.LocalRegistry)?.ToLowerInvariant(),
            RegistrySettings = new RegistrySettings
            {
                InsecureRegistries = HostDefaults.InsecureRegistries(inputs.InsecureRegistries, environment),
                Parallelism = inputs.PushParallelism > 0 ? inputs.PushParallelism : new RegistrySettings().Parallelism,
                ChunkedUploadThreshold = inputs.ChunkedUploadThreshold > 0 ? inputs.ChunkedUploadThreshold : new RegistrySettings().ChunkedUploadThreshold,
            },
            CacheDirectory = NonEmpty(inputs.CacheDirectory) ?? HostDefaults.CacheDirectory(environment),
            Sbom = inputs.Sbom,
            SupplyChain = new SupplyChainPlan
            {
                SigningKey = ProjectPath(inputs, NonEmpty(inputs.SigningKey)),
                Provenance = inputs.Provenance,
                Project = NonEmpty(inputs.ProjectFile) is { } project ? Path.GetFileName(project) : null,
                Configuration = NonEmpty(inputs.Configuration),
                TargetFramework = NonEmpty(inputs.TargetFramework),
                AssetsFile = NonEmpty(inputs.ProjectAssetsFile),
                Invocation = Provenance.CiEnvironment.Detect(environment),
            },
        };
    }

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
        return new PublishedFile(File.Exists(published) ? published : item.GetMetadata("FullPath"), relative);
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
        foreach (var item in inputs.GeneratedLabels.Concat(inputs.ContainerLabels))
        {
            var value = item.GetMetadata("Value");
            if (value.Length > 0)
            {
                labels[item.Spec] = value;
            }
        }

        return labels.ToImmutable();
    }

    private static string Port(ProjectItem item)
    {
        var type = NonEmpty(item.GetMetadata("Type"))?.ToLowerInvariant() ?? "tcp";
        if (!int.TryParse(item.Spec, out var port) || port is < 1 or > 65535 || type is not ("tcp" or "udp"))
        {
            throw Errors.InvalidProperty("ContainerPort", $"{item.Spec}/{type}", "a port number 1-65535 with Type tcp or udp");
        }

        return $"{port}/{type}";
    }

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

    /// <summary>An assembly name as an image name, the way the .NET SDK derives it: lowercase, invalid characters to '-'.</summary>
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

    /// <summary>A true/false property: empty takes the default, anything else but true or false is DSTL1004.</summary>
    private static bool Flag(string? value, string property, bool fallback) => NonEmpty(value)?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" => true,
        "false" => false,
        _ => throw Errors.InvalidProperty(property, value!.Trim(), "true or false"),
    };
}
