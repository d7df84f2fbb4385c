using System.Text.RegularExpressions;
using Distroless.Base;
using Distroless.Diagnostics;
using Distroless.Oci;

namespace Distroless.Building;

/// <summary>
/// Checks a plan before any download or file is written, so bad input fails fast and clearly
/// (a DSTL1xxx code naming the setting, never an internal error from deep inside a build).
/// </summary>
public static partial class ImagePlanValidator
{
    public static void Validate(ImagePlan plan)
    {
        if (Platform.FromRuntimeIdentifier(plan.Base.RuntimeIdentifier) is null)
        {
            throw Errors.UnsupportedRuntimeIdentifier(plan.Base.RuntimeIdentifier);
        }

        if (DebianRelease.Find(plan.Base.Suite) is null)
        {
            throw Errors.UnsupportedSuite(plan.Base.Suite, DebianRelease.Supported.Select(r => r.Codename));
        }

        if (plan.Base.Image is { } baseImage)
        {
            Registry.ImageReference.Parse(baseImage);
        }
        else
        {
            CheckDebianSource(plan.Base.LockMode, plan.Base.ExtraPackages, plan.Base.Mirror, plan.Base.SecurityMirror);
        }

        if (!plan.App.Files.Any(f => f.RelativePath.Replace('\\', '/') == plan.App.AppHost))
        {
            throw Errors.NoAppHost(plan.App.AppHost);
        }

        CheckName(plan.Repository, plan.Tags);

        var workingDirectory = plan.Container.WorkingDirectory;
        if (!workingDirectory.StartsWith('/')
            || workingDirectory.TrimEnd('/').Split('/').Skip(1).Any(s => s is "" or "." or ".."))
        {
            throw Errors.InvalidProperty("ContainerWorkingDirectory", plan.Container.WorkingDirectory, "an absolute, normalized path such as /app (no empty, . or .. segments)");
        }

        if (string.IsNullOrWhiteSpace(plan.Container.User) || plan.Container.User.Any(char.IsWhiteSpace))
        {
            throw Errors.InvalidProperty("ContainerUser", plan.Container.User, "a user name or uid[:gid], e.g. 65532");
        }

        if (plan.Base.Image is null)
        {
            ContainerUserCheck.CheckGeneratedBase(plan.Container.User);
        }

        foreach (var variable in plan.Container.Environment)
        {
            if (!EnvironmentNamePattern().IsMatch(variable.Name))
            {
                throw Errors.InvalidProperty("ContainerEnvironmentVariable", variable.Name, "names of letters, digits and '_', not starting with a digit");
            }
        }

        if (!Enum.IsDefined(plan.Container.AppCommandInstruction))
        {
            throw Errors.InvalidProperty("ContainerAppCommandInstruction", plan.Container.AppCommandInstruction.ToString(), "Entrypoint, DefaultArgs or None");
        }

        if (plan.Container.Ports.FirstOrDefault(p => !p.IsValid) is { } port)
        {
            throw Errors.InvalidProperty("ContainerPort", port.ToString(), "a port number 1-65535 with Type tcp or udp");
        }

        CheckSourceDateEpoch(plan.SourceDateEpoch);
        CheckDestinations(new OutputTarget(plan.Repository, plan.Tags, plan.ArchivePath, plan.Registry, plan.LocalEngine));
    }

    /// <summary>A rebase: where its base comes from and where the image goes (the source is checked when it is read).</summary>
    public static void Validate(RebasePlan plan)
    {
        CheckDebianSource(plan.LockMode, [], plan.Mirror, plan.SecurityMirror);
        CheckName(plan.Output.Repository, plan.Output.Tags);
        CheckDestinations(plan.Output);
    }

    /// <summary>The plans of one multi-platform image share name, tags and destinations, and differ in platform.</summary>
    public static void ValidateTogether(IReadOnlyList<ImagePlan> plans)
    {
        if (plans.Count == 0)
        {
            throw new ArgumentException("no plan to build", nameof(plans));
        }

        var first = plans[0];
        var duplicate = plans.GroupBy(p => p.Base.RuntimeIdentifier).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Errors.InvalidProperty("ContainerRuntimeIdentifiers", duplicate.Key, "each runtime identifier once");
        }

        foreach (var plan in plans.Skip(1))
        {
            if (plan.Repository != first.Repository || !plan.Tags.SequenceEqual(first.Tags) || plan.Registry != first.Registry
                || plan.ArchivePath != first.ArchivePath || plan.LocalEngine != first.LocalEngine)
            {
                throw Errors.InvalidProperty("ContainerRuntimeIdentifiers", plan.Base.RuntimeIdentifier,
                    "platforms of one image with the same repository, tags and destinations");
            }
        }
    }

    /// <summary>What a generated Debian base is made from: lock mode, extra packages, the two mirrors.</summary>
    private static void CheckDebianSource(LockMode lockMode, IEnumerable<string> extraPackages, string mirror, string securityMirror)
    {
        if (!Enum.IsDefined(lockMode))
        {
            throw Errors.InvalidProperty("DistrolessLockMode", lockMode.ToString(), "Auto, Locked, Update or None");
        }

        foreach (var package in extraPackages)
        {
            try
            {
                if (Debian.PackageRelation.ParseList(package) is not [{ Alternatives: [_] }])
                {
                    throw new FormatException("one package per item");
                }
            }
            catch (FormatException e)
            {
                throw Errors.InvalidProperty("DistrolessPackage", package, $"a package name with an optional version, e.g. libgssapi-krb5-2 or \"libfoo (>= 1.2)\" ({e.Message})");
            }
        }

        CheckMirror("DistrolessDebianMirror", "DISTROLESS_DEBIAN_MIRROR", "archive", mirror);
        CheckMirror("DistrolessDebianSecurityMirror", "DISTROLESS_DEBIAN_SECURITY_MIRROR", "security", securityMirror);
    }

    /// <summary>Whether <paramref name="repository"/> is a valid image name (path components of the distribution spec).</summary>
    public static bool IsValidRepository(string repository) => RepositoryPattern().IsMatch(repository);

    private static void CheckName(string repository, IEnumerable<string> tags)
    {
        if (!RepositoryPattern().IsMatch(repository))
        {
            throw Errors.InvalidProperty("ContainerRepository", repository,
                "lowercase letters, digits and separators (., _, __, -) in '/'-separated components, e.g. shop/api");
        }

        foreach (var tag in tags)
        {
            if (!TagPattern().IsMatch(tag))
            {
                throw Errors.InvalidProperty("ContainerImageTags", tag, "tags of up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
            }
        }
    }

    private static void CheckSourceDateEpoch(long seconds)
    {
        if (seconds < 0)
        {
            throw Errors.InvalidProperty("SOURCE_DATE_EPOCH", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "a number of seconds since 1970-01-01");
        }
    }

    /// <summary>At least one destination, each usable: an archive path, a registry reference per tag, a known engine.</summary>
    private static void CheckDestinations(OutputTarget target)
    {
        if (target.ArchivePath is { } archive && string.IsNullOrWhiteSpace(archive))
        {
            throw Errors.InvalidProperty("ContainerArchiveOutputPath", archive, "a file path for the image archive");
        }

        if (target.ArchivePath is null && target.Registry is null && target.LocalEngine is null)
        {
            throw Errors.InvalidProperty("ContainerArchiveOutputPath", "", "a file path for the image archive, a ContainerRegistry, or a LocalRegistry");
        }

        if (target.Registry is { } registry)
        {
            foreach (var tag in target.Tags)
            {
                Registry.ImageReference.Create(registry, target.Repository, tag);
            }
        }

        if (target.LocalEngine is { } engine && engine is not ("podman" or "docker"))
        {
            throw Errors.InvalidProperty("LocalRegistry", engine, "Podman or Docker");
        }
    }

    private static void CheckMirror(string property, string variable, string which, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Errors.NoDebianMirror(which, property, variable);
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Errors.InvalidProperty(property, value, "an http:// or https:// URI of a Debian archive root (the directory holding dists/ and pool/)");
        }
    }

    // The OCI distribution spec's repository name grammar.
    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentNamePattern();
}
