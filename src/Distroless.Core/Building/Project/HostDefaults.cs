using System.Collections.Immutable;
using Distroless.Debian;

namespace Distroless.Building;

/// <summary>
/// The defaults a host (MSBuild task, CLI) fills into a plan from its environment, in one place
/// so both hosts agree. Inputs are passed in: a variable lookup and the apt directory.
/// </summary>
public static class HostDefaults
{
    public const string MirrorVariable = "DISTROLESS_DEBIAN_MIRROR";
    public const string SecurityMirrorVariable = "DISTROLESS_DEBIAN_SECURITY_MIRROR";
    public const string CacheVariable = "DISTROLESS_CACHE";

    /// <summary>
    /// Mirror precedence: explicit setting, then the environment variable, then the build
    /// machine's apt sources; empty when none has one (the plan validator then reports DSTL1001).
    /// </summary>
    public static (string Mirror, string SecurityMirror) ResolveMirrors(string? mirror, string? securityMirror, string codename,
        Func<string, string?> environment, string aptDirectory = "/etc/apt")
    {
        mirror = NonEmpty(mirror) ?? NonEmpty(environment(MirrorVariable));
        securityMirror = NonEmpty(securityMirror) ?? NonEmpty(environment(SecurityMirrorVariable));
        if (mirror is null || securityMirror is null)
        {
            var (aptMain, aptSecurity) = AptSources.FindMirrors(AptSources.Read(aptDirectory), codename);
            mirror ??= aptMain?.AbsoluteUri;
            securityMirror ??= aptSecurity?.AbsoluteUri;
        }

        return (mirror ?? "", securityMirror ?? "");
    }

    /// <summary>DISTROLESS_CACHE, else $XDG_CACHE_HOME/distroless, else the user's cache directory.</summary>
    public static string CacheDirectory(Func<string, string?> environment)
    {
        if (NonEmpty(environment(CacheVariable)) is { } explicitCache)
        {
            return explicitCache;
        }

        if (NonEmpty(environment("XDG_CACHE_HOME")) is { } xdg)
        {
            return Path.Combine(xdg, "distroless");
        }

        return OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "distroless", "cache")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "distroless");
    }

    /// <summary>Registries allowed over plain HTTP: the property's and DOTNET_CONTAINER_INSECURE_REGISTRIES' entries (',' or ';' separated).</summary>
    public static ImmutableArray<string> InsecureRegistries(string? property, Func<string, string?> environment)
        => $"{property};{environment("DOTNET_CONTAINER_INSECURE_REGISTRIES")}"
            .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToImmutableArray();

    /// <summary>SOURCE_DATE_EPOCH when set (reproducible-builds.org), else 0 (1970-01-01).</summary>
    public static long SourceDateEpoch(string? value)
    {
        if (NonEmpty(value) is not { } text)
        {
            return 0;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw Diagnostics.Errors.InvalidProperty("SOURCE_DATE_EPOCH", text, "a whole number of seconds since 1970-01-01 UTC");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
