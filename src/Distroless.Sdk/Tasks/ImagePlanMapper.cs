using System.Collections.Immutable;
using System.Text;
using Distroless.App;
using Distroless.Building;
using Distroless.Diagnostics;
using Microsoft.Build.Framework;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// Maps MSBuild inputs (the .NET SDK's container property names where they exist) to an
/// <see cref="ImagePlan"/>. Defaults that depend on the environment come from
/// <see cref="HostDefaults"/>, shared with the CLI.
/// </summary>
internal static class ImagePlanMapper
{
    public static ImagePlan Map(BuildDistrolessImage task, Func<string, string?> environment)
    {
        var repository = string.IsNullOrWhiteSpace(task.ContainerRepository)
            ? NormalizeRepository(task.AssemblyName)
            : task.ContainerRepository.Trim();
        var suite = string.IsNullOrWhiteSpace(task.DebianSuite) ? "bookworm" : task.DebianSuite.Trim().ToLowerInvariant();
        var (mirror, securityMirror) = HostDefaults.ResolveMirrors(task.DebianMirror, task.DebianSecurityMirror, suite, environment,
            NonEmpty(task.AptSourcesDirectory) ?? "/etc/apt");

        return new ImagePlan
        {
            Repository = repository,
            Tags = Tags(task),
            Base = new BasePlan
            {
                Image = NonEmpty(task.ContainerBaseImage),
                Suite = suite,
                RuntimeIdentifier = NonEmpty(task.RuntimeIdentifier) ?? NonEmpty(task.SdkRuntimeIdentifier) ?? "",
                Mirror = mirror,
                SecurityMirror = securityMirror,
                InvariantGlobalization = task.InvariantGlobalization,
                ExtraPackages = task.ExtraPackages.Select(PackageRequest).ToImmutableArray(),
                ExcludedPackages = task.ExcludedPackages.Select(i => i.ItemSpec.Trim()).ToImmutableArray(),
                Slim = task.Slim,
                Debug = task.Debug,
                LockFile = NonEmpty(task.LockFile),
                LockMode = task.Locked ? "Locked" : task.UpdateLock ? "Update" : "Auto",
            },
            App = new AppPlan
            {
                Files = task.PublishedFiles.Select(item => PublishedFile(task.PublishDir, item)).ToImmutableArray(),
                DepsJsonPath = string.IsNullOrWhiteSpace(task.DepsJsonPath)
                    ? Path.Combine(task.PublishDir, task.AssemblyName + ".deps.json")
                    : task.DepsJsonPath,
                AppHost = task.AssemblyName,
                SelfContained = task.SelfContained || task.NativeAot,
                NativeAot = task.NativeAot,
                IsWebApp = task.IsWebApp,
                IncludeSymbols = task.IncludeSymbols,
                RuntimeConfigPath = NonEmpty(task.RuntimeConfigPath),
                Runtime = new RuntimePlan
                {
                    FrameworkVersions = FrameworkVersions(task),
                    NuGetSettingsRoot = Path.GetDirectoryName(task.ProjectFile),
                    NuGetPackagesFolder = NonEmpty(task.NuGetPackageRoot),
                },
            },
            Container = new ContainerSettings
            {
                WorkingDirectory = NonEmpty(task.ContainerWorkingDirectory) ?? "/app",
                User = NonEmpty(task.ContainerUser) ?? "65532",
                Environment = task.ContainerEnvironmentVariables
                    .Select(i => new EnvironmentVariable(i.ItemSpec, i.GetMetadata("Value")))
                    .ToImmutableArray(),
                Labels = Labels(task),
                Ports = task.ContainerPorts.Select(Port).ToImmutableArray(),
                AppCommand = task.ContainerAppCommand.Select(i => i.ItemSpec).ToImmutableArray(),
                AppCommandArgs = task.ContainerAppCommandArgs.Select(i => i.ItemSpec).ToImmutableArray(),
                DefaultArgs = task.ContainerDefaultArgs.Select(i => i.ItemSpec).ToImmutableArray(),
                AppCommandInstruction = NonEmpty(task.ContainerAppCommandInstruction) ?? "Entrypoint",
            },
            SourceDateEpoch = HostDefaults.SourceDateEpoch(task.SourceDateEpoch),
            ArchivePath = ArchivePath(task, repository),
            Registry = NonEmpty(task.ContainerRegistry),
            LocalEngine = NonEmpty(task.LocalRegistry)?.ToLowerInvariant(),
            RegistrySettings = new RegistrySettings
            {
                InsecureRegistries = HostDefaults.InsecureRegistries(task.InsecureRegistries, environment),
                Parallelism = task.PushParallelism > 0 ? task.PushParallelism : new RegistrySettings().Parallelism,
                ChunkedUploadThreshold = task.ChunkedUploadThreshold > 0 ? task.ChunkedUploadThreshold : new RegistrySettings().ChunkedUploadThreshold,
            },
            CacheDirectory = NonEmpty(task.CacheDirectory) ?? HostDefaults.CacheDirectory(environment),
            Sbom = task.Sbom,
        };
    }

    /// <summary>"name" or "name (op version)"; a bare version means exactly that version.</summary>
    private static string PackageRequest(ITaskItem item)
    {
        var version = NonEmpty(item.GetMetadata("Version"));
        if (version is null)
        {
            return item.ItemSpec.Trim();
        }

        return version[0] is '<' or '>' or '=' ? $"{item.ItemSpec.Trim()} ({version})" : $"{item.ItemSpec.Trim()} (= {version})";
    }

    /// <summary>The newest patch the SDK knows per shared framework, as a self-contained publish would use.</summary>
    private static ImmutableSortedDictionary<string, string> FrameworkVersions(BuildDistrolessImage task)
    {
        var versions = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var known in task.KnownFrameworkReferences)
        {
            var latest = NonEmpty(known.GetMetadata("LatestRuntimeFrameworkVersion"));
            if (latest is not null && !versions.ContainsKey(known.ItemSpec))
            {
                versions[known.ItemSpec] = latest;
            }
        }

        if (NonEmpty(task.RuntimeFrameworkVersion) is { } explicitVersion)
        {
            versions["Microsoft.NETCore.App"] = explicitVersion;
        }

        return versions.ToImmutable();
    }

    private static PublishedFile PublishedFile(string publishDir, ITaskItem item)
    {
        var relative = NonEmpty(item.GetMetadata("RelativePath")) ?? Path.GetFileName(item.ItemSpec);
        // The copy in the publish directory is what was published (the item may point at obj/).
        var published = Path.Combine(publishDir, relative);
        return new PublishedFile(File.Exists(published) ? published : item.GetMetadata("FullPath"), relative);
    }

    private static ImmutableArray<string> Tags(BuildDistrolessImage task)
    {
        var tags = (task.ContainerImageTags ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tags.Length > 0 && NonEmpty(task.ContainerImageTag) is not null)
        {
            throw Errors.InvalidProperty("ContainerImageTag", task.ContainerImageTag!, "either ContainerImageTag or ContainerImageTags, not both");
        }

        return tags.Length > 0 ? [.. tags] : [NonEmpty(task.ContainerImageTag) ?? "latest"];
    }

    private static ImmutableSortedDictionary<string, string> Labels(BuildDistrolessImage task)
    {
        var labels = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var item in task.GeneratedLabels.Concat(task.ContainerLabels))
        {
            var value = item.GetMetadata("Value");
            if (value.Length > 0)
            {
                labels[item.ItemSpec] = value;
            }
        }

        return labels.ToImmutable();
    }

    private static string Port(ITaskItem item)
    {
        var type = NonEmpty(item.GetMetadata("Type"))?.ToLowerInvariant() ?? "tcp";
        if (!int.TryParse(item.ItemSpec, out var port) || port is < 1 or > 65535 || type is not ("tcp" or "udp"))
        {
            throw Errors.InvalidProperty("ContainerPort", $"{item.ItemSpec}/{type}", "a port number 1-65535 with Type tcp or udp");
        }

        return $"{port}/{type}";
    }

    /// <summary>The archive path: the one asked for, else the default when the image goes nowhere else.</summary>
    private static string? ArchivePath(BuildDistrolessImage task, string repository)
    {
        var fileName = repository.Replace('/', '-') + ".tar";
        var requested = NonEmpty(task.ContainerArchiveOutputPath);
        if (requested is null)
        {
            return NonEmpty(task.ContainerRegistry) is null && NonEmpty(task.LocalRegistry) is null
                ? Path.Combine(NonEmpty(task.DefaultArchiveDirectory) ?? task.PublishDir, fileName)
                : null;
        }

        // A directory (existing, or written with a trailing separator) gets the default file name.
        return requested.EndsWith('/') || requested.EndsWith('\\') || Directory.Exists(requested)
            ? Path.Combine(requested, fileName)
            : requested;
    }

    /// <summary>An assembly name as an image name, the way the .NET SDK derives it: lowercase, invalid characters to '-'.</summary>
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
