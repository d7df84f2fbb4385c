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

    /// <summary>Files every image needs (distroless "static"): release files, services, time zones, MIME types.</summary>
    public required ImmutableArray<string> StaticPackages { get; init; }

    /// <summary>The C library and what it cannot work without (libgcc_s unwinds threads on cancellation).</summary>
    public required ImmutableArray<string> LibcPackages { get; init; }

    /// <summary>The C++ runtime: the CoreCLR runtime and ICU link against it; Native AOT binaries do not.</summary>
    public required ImmutableArray<string> CppPackages { get; init; }

    /// <summary>OpenSSL (loaded by .NET's crypto shim with dlopen) and the CA certificates it trusts.</summary>
    public required ImmutableArray<string> SslPackages { get; init; }

    /// <summary>
    /// Merged /usr (trixie and later): base-files ships /bin, /sbin, /lib and /lib64 as symlinks
    /// into /usr, so nothing may be written under those names, only under /usr.
    /// </summary>
    public bool MergedUsr { get; init; }

    /// <summary>ICU, unless the app uses invariant globalization.</summary>
    public required ImmutableArray<string> IcuPackages { get; init; }

    /// <summary>
    /// The base of an app that runs on the .NET runtime (JIT), in layer order: distroless's
    /// static + base + cc lists minus libgomp1 (OpenMP; nothing in .NET loads it).
    /// </summary>
    public ImmutableArray<string> Packages => [.. StaticPackages, .. LibcPackages, .. CppPackages, .. SslPackages];

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
        StaticPackages = ["base-files", "netbase", "tzdata", "media-types"],
        LibcPackages = ["libc6", "gcc-12-base", "libgcc-s1"],
        CppPackages = ["libstdc++6"],
        SslPackages = ["libssl3", "ca-certificates"],
        IcuPackages = ["libicu72"],
    };

    public static readonly DebianRelease Trixie = new()
    {
        Codename = "trixie",
        VersionId = "13",
        MergedUsr = true,
        StaticPackages = ["base-files", "netbase", "tzdata", "tzdata-legacy", "media-types"],
        LibcPackages = ["libc6", "gcc-14-base", "libgcc-s1"],
        CppPackages = ["libstdc++6"],
        // libssl3t64 needs zlib1g and libzstd1 on trixie (distroless#1887).
        SslPackages = ["zlib1g", "libzstd1", "libssl3t64", "ca-certificates"],
        IcuPackages = ["libicu76"],
    };

    public static readonly ImmutableArray<DebianRelease> Supported = [Bookworm, Trixie];

    /// <summary>The release a base is generated from when no suite is named: the one default every host and plan shares.</summary>
    public static DebianRelease Default => Find(DefaultCodename)!;

    /// <summary>The default release's codename, for initializers that need a constant.</summary>
    public const string DefaultCodename = "bookworm";

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
