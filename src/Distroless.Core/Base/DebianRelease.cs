using System.Collections.Immutable;

namespace Distroless.Base;

/// <summary>
/// What a base is made of on one Debian release: explicit package lists (as distroless keeps
/// them; no blind dependency following), the packages whose dependencies are deliberately left
/// out, and how the release names itself. Data, not logic: a new release is a new entry.
/// </summary>
public sealed record DebianRelease
{
    public required string Codename { get; init; }

    /// <summary>VERSION_ID in /etc/os-release, and the distro in package URLs (debian-12).</summary>
    public required string VersionId { get; init; }

    /// <summary>
    /// The .NET base, in layer order: distroless's static + base + cc lists minus libgomp1
    /// (OpenMP; nothing in .NET loads it). libssl is loaded by .NET's crypto shim with
    /// dlopen, so it is listed here rather than discovered.
    /// </summary>
    public required ImmutableArray<string> Packages { get; init; }

    /// <summary>Added unless the app uses invariant globalization.</summary>
    public required ImmutableArray<string> IcuPackages { get; init; }

    /// <summary>
    /// Dependencies that a base deliberately does not satisfy: package-manager and maintainer
    /// script machinery that never runs in an image (debian-base.md §3.2).
    /// </summary>
    public ImmutableHashSet<string> IgnoredDependencies { get; init; } = DefaultIgnored;

    public static readonly ImmutableHashSet<string> DefaultIgnored = ImmutableHashSet.Create(StringComparer.Ordinal,
        "debconf", "debconf-2.0", "perl-base", "openssl", "openssl-provider-legacy", "awk", "mawk", "dpkg",
        "usrmerge", "usr-is-merged", "init-system-helpers");

    public static readonly DebianRelease Bookworm = new()
    {
        Codename = "bookworm",
        VersionId = "12",
        Packages =
        [
            "base-files", "netbase", "tzdata", "media-types",
            "libc6", "gcc-12-base", "libgcc-s1", "libstdc++6", "libssl3", "ca-certificates",
        ],
        IcuPackages = ["libicu72"],
    };

    public static readonly DebianRelease Trixie = new()
    {
        Codename = "trixie",
        VersionId = "13",
        Packages =
        [
            "base-files", "netbase", "tzdata", "tzdata-legacy", "media-types",
            "libc6", "gcc-14-base", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1", "libssl3t64", "ca-certificates",
        ],
        IcuPackages = ["libicu76"],
    };

    public static readonly ImmutableArray<DebianRelease> Supported = [Bookworm, Trixie];

    public static DebianRelease? Find(string codename)
        => Supported.FirstOrDefault(r => string.Equals(r.Codename, codename, StringComparison.OrdinalIgnoreCase));

    /// <summary>The suites whose newest version of each package wins: release, point updates, security.</summary>
    public IEnumerable<(string Suite, bool Security)> Suites =>
    [
        (Codename, false),
        (Codename + "-updates", false),
        (Codename + "-security", true),
    ];
}
