using System.Text;
using Distroless.Base;
using Distroless.Compression;
using Distroless.Debian;
using Distroless.Testing;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>
/// A small Debian 12 for whole-pipeline tests: a fake of every package in
/// <see cref="DebianRelease.Bookworm"/> (and its ICU package), with real .deb bytes, realistic
/// Depends, and suites as Debian has them: bookworm and bookworm-updates on the main root,
/// bookworm-security (xz indexes only, Valid-Until) on a separate security root. The security
/// suite carries a newer libc6 and libssl3, the updates suite a newer tzdata.
/// The packages are built once per run; each <see cref="Create"/> makes a fresh archive.
/// </summary>
public sealed class FakeBookworm
{
    public static readonly Uri MainRoot = new("http://deb.test/debian/");
    public static readonly Uri SecurityRoot = new("http://security.test/debian-security/");

    /// <summary>The build's clock: a day after the archive was signed, before Valid-Until.</summary>
    public static readonly DateTimeOffset Now = new(2026, 7, 12, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset SecurityValidUntil = new(2026, 7, 18, 10, 16, 37, TimeSpan.Zero);

    public const string OldLibc = "2.36-9+deb12u10";
    public const string SecurityLibc = "2.36-9+deb12u13";
    public const string GccVersion = "12.2.0-14+deb12u1";

    /// <summary>Two certificates, added to the package in reverse path order.</summary>
    public static readonly (string Path, string Content)[] Certificates =
    [
        ("usr/share/ca-certificates/mozilla/Zeta_Root_CA.crt", "-----BEGIN CERTIFICATE-----\nWmV0YQ==\n-----END CERTIFICATE-----\n"),
        ("usr/share/ca-certificates/mozilla/Alpha_Root_CA.crt", "-----BEGIN CERTIFICATE-----\nQWxwaGE=\n-----END CERTIFICATE-----"),
    ];

    private static readonly Lazy<Packages> Built = new(BuildPackages);

    private FakeBookworm(FakeDebianArchive main, FakeDebianArchive security)
    {
        Main = main;
        Security = security;
        Handler = FakeArchiveHandler.Combine(main, security);
    }

    public FakeDebianArchive Main { get; }

    public FakeDebianArchive Security { get; }

    public FakeArchiveHandler Handler { get; }

    /// <summary>Requests to both roots, by "main:path" / "security:path".</summary>
    public IReadOnlyDictionary<string, int> RequestCounts => Main.RequestCounts.Select(kv => ("main:" + kv.Key, kv.Value))
        .Concat(Security.RequestCounts.Select(kv => ("security:" + kv.Key, kv.Value)))
        .ToDictionary(kv => kv.Item1, kv => kv.Item2, StringComparer.Ordinal);

    /// <summary>
    /// A fresh archive. <paramref name="edit"/> may replace or (returning null) drop any package;
    /// <paramref name="securitySigner"/> signs the security root instead of <see cref="TestKeys.Archive"/>.
    /// </summary>
    public static FakeBookworm Create(Func<FakePackage, FakePackage?>? edit = null, TestSigningKey? securitySigner = null,
        DateTimeOffset? securityValidUntil = null, Action<FakeDebianArchive>? extraMainSuites = null, IEnumerable<FakePackage>? extraPackages = null)
    {
        edit ??= p => p;
        var packages = Built.Value;
        FakePackage[] Edit(IEnumerable<FakePackage> list) => list.Select(edit).OfType<FakePackage>().ToArray();

        var main = new FakeDebianArchive(MainRoot, TestKeys.Archive);
        main.AddSuite("bookworm").Add(Edit(packages.Release.Concat(extraPackages ?? [])));
        main.AddSuite("bookworm-updates").Add(Edit(packages.Updates));
        extraMainSuites?.Invoke(main);

        var security = new FakeDebianArchive(SecurityRoot, securitySigner ?? TestKeys.Archive);
        var suite = security.AddSuite("bookworm-security", validUntil: securityValidUntil ?? SecurityValidUntil);
        suite.IndexFormats = [CompressionFormat.Xz];
        suite.Add(Edit(packages.Security));
        return new FakeBookworm(main, security);
    }

    /// <summary>The keyring a build trusts: the test archive key, read as a keyring file.</summary>
    public static DebianKeyring Keyring() => DebianKeyring.FromStreams([new MemoryStream(TestKeys.Archive.PublicKeyring)]);

    /// <summary>A package whose control file and index entry carry the same relations.</summary>
    public static FakePackage Package(DebBuilder deb, string? depends = null, string? preDepends = null, string? provides = null,
        string? source = null, string pool = "pool/main")
    {
        foreach (var (name, value) in new[] { ("Source", source), ("Provides", provides), ("Pre-Depends", preDepends), ("Depends", depends) })
        {
            if (value is not null)
            {
                deb.Field(name, value);
            }
        }

        return FakePackage.From(deb) with { Depends = depends, PreDepends = preDepends, Provides = provides, Source = source, PoolDirectory = pool };
    }

    private sealed record Packages(FakePackage[] Release, FakePackage[] Updates, FakePackage[] Security);

    private static Packages BuildPackages()
    {
        static DebBuilder Deb(string name, string version, string arch = "amd64")
            => new DebBuilder(name, version, arch).File($"./usr/share/doc/{name}/copyright", $"Copyright: {name} authors\nLicense: test\n");

        FakePackage Libc(string version, string pool) => Package(
            Deb("libc6", version)
                .File("./lib/x86_64-linux-gnu/libc.so.6", $"libc {version}\n", 0x1ed)
                .File("./lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "ld.so\n", 0x1ed)
                .Symlink("./lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
                .File("./usr/share/doc/libc6/changelog.gz", [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3])
                .File("./usr/share/man/man1/x.1.gz", [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3])
                .File("./usr/share/lintian/overrides/libc6", "libc6: some-tag\n"),
            depends: "libgcc-s1", source: "glibc", pool: pool);

        FakePackage Libssl(string version, string pool) => Package(
            Deb("libssl3", version).File("./usr/lib/x86_64-linux-gnu/libssl.so.3", $"ssl {version}\n"),
            depends: "libc6 (>= 2.34)", source: "openssl", pool: pool);

        FakePackage Tzdata(string version) => Package(
            Deb("tzdata", version, "all")
                .File("./usr/share/zoneinfo/Europe/Berlin", "TZif2 Berlin\n")
                .File("./usr/share/zoneinfo/UTC", "TZif2 UTC\n"),
            depends: "debconf (>= 0.5) | debconf-2.0");

        var ca = new DebBuilder("ca-certificates", "20230311+deb12u1", "all") { DataCompression = CompressionFormat.Gzip }
            .Dir("./etc/ssl/certs/")
            .File("./usr/sbin/update-ca-certificates", "#!/bin/sh\n", 0x1ed);
        foreach (var (path, content) in Certificates)
        {
            ca.File("./" + path, content);
        }

        ca.File("./usr/share/doc/ca-certificates/copyright", "Copyright: ca-certificates authors\n");

        FakePackage[] release =
        [
            Package(Deb("base-files", "12.4+deb12u11")
                .File("./etc/debian_version", "12.11\n")
                .File("./usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")
                .Symlink("./etc/os-release", "../usr/lib/os-release"), preDepends: "awk"),
            Package(Deb("netbase", "6.4", "all").File("./etc/protocols", "ip 0 IP\n").File("./etc/services", "http 80/tcp\n")),
            Tzdata("2024a-0+deb12u1"),
            Package(Deb("media-types", "10.0.0", "all").File("./etc/mime.types", "application/json json\n")),
            Libc(OldLibc, "pool/main"),
            Package(Deb("gcc-12-base", GccVersion), source: "gcc-12"),
            Package(new DebBuilder("libgcc-s1", GccVersion)
                    .File("./lib/x86_64-linux-gnu/libgcc_s.so.1", "libgcc_s\n")
                    .Symlink("./usr/share/doc/libgcc-s1", "gcc-12-base"),
                depends: $"gcc-12-base (= {GccVersion}), libc6 (>= 2.35)", provides: $"libgcc1 (= 1:{GccVersion})", source: "gcc-12"),
            Package(Deb("libstdc++6", GccVersion)
                    .File("./usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", "libstdc++\n")
                    .Symlink("./usr/lib/x86_64-linux-gnu/libstdc++.so.6", "libstdc++.so.6.0.30"),
                depends: $"gcc-12-base (= {GccVersion}), libc6 (>= 2.36), libgcc-s1 (>= 4.3)", source: "gcc-12"),
            Libssl("3.0.15-1~deb12u1", "pool/main"),
            Package(ca, depends: "openssl (>= 1.1.1), debconf (>= 0.5) | debconf-2.0"),
            Package(Deb("libicu72", "72.1-3+deb12u1").File("./usr/lib/x86_64-linux-gnu/libicuuc.so.72.1", "icu\n"),
                depends: "libc6 (>= 2.34), libgcc-s1 (>= 3.3.1), libstdc++6 (>= 12)", source: "icu"),
        ];

        return new Packages(
            release,
            [Tzdata("2025b-0+deb12u1")],
            [Libc(SecurityLibc, "pool/updates/main"), Libssl("3.0.17-1~deb12u2", "pool/updates/main")]);
    }

    /// <summary>The CA bundle the ca-certificates layer should hold: certificates in path order, each ending with a newline.</summary>
    public static byte[] ExpectedBundle() => Encoding.UTF8.GetBytes(string.Concat(Certificates
        .OrderBy(c => c.Path, StringComparer.Ordinal)
        .Select(c => c.Content.EndsWith('\n') ? c.Content : c.Content + "\n")));
}
