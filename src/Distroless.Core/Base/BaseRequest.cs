using System.Collections.Immutable;
using Distroless.Debian;
using Distroless.Oci;

namespace Distroless.Base;

/// <summary>What base to compose: release, platform, where the archive is, and which packages.</summary>
public sealed record BaseRequest(DebianRelease Release, Platform Platform, Uri Mirror, Uri SecurityMirror, BaseFlavor Flavor)
{
    /// <summary>Packages the project adds (DistrolessPackage), resolved with their dependencies.</summary>
    public ImmutableArray<PackageConstraint> ExtraPackages { get; init; } = [];

    /// <summary>Packages never to add, even as a dependency (DistrolessExcludePackage).</summary>
    public ImmutableArray<string> ExcludedPackages { get; init; } = [];

    /// <summary>Drop what a .NET app cannot use (gconv modules, unused ICU and OpenSSL plug-ins); licences stay.</summary>
    public bool Slim { get; init; } = true;

    /// <summary>The debug variant: a busybox shell at /busybox (DistrolessDebug).</summary>
    public bool Debug { get; init; }

    /// <summary>The base list, in layer order (the debug shell last).</summary>
    public IReadOnlyList<string> PackageNames =>
        [.. Flavor.PackagesOf(Release).Where(n => !ExcludedPackages.Contains(n)), .. Debug ? [BusyboxShell.PackageName] : Array.Empty<string>()];

    /// <summary>What the lock file records this request as, so a changed request is noticed.</summary>
    public ImmutableArray<string> LockRequest =>
    [
        .. PackageNames,
        .. ExtraPackages.Select(p => "+" + p),
        .. ExcludedPackages.Order(StringComparer.Ordinal).Select(n => "-" + n),
        .. Slim ? Array.Empty<string>() : ["!slim"],
        .. Debug ? ["!debug"] : Array.Empty<string>(),
    ];

    public IReadOnlySet<string> Ignored => Release.IgnoredDependencies.Union(ExcludedPackages);

    public ArchiveSuite SuiteOf(string suite)
        => new(suite.EndsWith("-security", StringComparison.Ordinal) ? SecurityMirror : Mirror, suite);
}
