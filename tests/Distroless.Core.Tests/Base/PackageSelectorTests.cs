using System.Collections.Immutable;
using System.Text;
using Distroless.Base;
using Distroless.Debian;
using Distroless.Diagnostics;
using Distroless.Testing;

namespace Distroless.Core.Tests.Base;

/// <summary>Newest version across suites for the architecture, then a closed set: every dependency met inside it.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class PackageSelectorTests
{
    private static readonly Uri Main = new("http://deb.test/debian/");
    private static readonly Uri Security = new("http://security.test/debian-security/");
    private static readonly IReadOnlySet<string> NoneIgnored = ImmutableHashSet<string>.Empty;

    private static FakePackage P(string name, string version, string arch = "amd64", string? depends = null, string? preDepends = null, string? provides = null)
        => new(name, version, arch, Encoding.UTF8.GetBytes($"{name} {version} {arch}")) { Depends = depends, PreDepends = preDepends, Provides = provides };

    private static PackageIndex Index(string suite, params FakePackage[] packages)
        => PackageIndex.Parse(Encoding.UTF8.GetBytes(string.Join("\n", packages.Select(p => p.Stanza))),
            new ArchiveSuite(suite.EndsWith("-security", StringComparison.Ordinal) ? Security : Main, suite));

    private static string Chosen(IEnumerable<PackageRecord> packages)
        => string.Join(", ", packages.Select(p => $"{p.Name} {p.Version} {p.Architecture} from {p.Origin.Suite}"));

    [Test]
    public void The_newest_version_of_any_suite_wins_in_list_order()
    {
        var indexes = new[]
        {
            Index("bookworm", P("libc6", "2.36-9+deb12u10"), P("tzdata", "2024a-0+deb12u1", "all"), P("libssl3", "3.0.15-1~deb12u1")),
            Index("bookworm-updates", P("tzdata", "2025b-0+deb12u1", "all")),
            Index("bookworm-security", P("libc6", "2.36-9+deb12u13"), P("libssl3", "3.0.11-1~deb12u2")),
        };

        var selected = PackageSelector.Select(["tzdata", "libc6", "libssl3"], indexes, "amd64");

        Assert.That(Chosen(selected), Is.EqualTo(
            "tzdata 2025b-0+deb12u1 all from bookworm-updates, libc6 2.36-9+deb12u13 amd64 from bookworm-security, libssl3 3.0.15-1~deb12u1 amd64 from bookworm"));
        Assert.That(selected[1].DownloadUri.ToString(), Does.StartWith(Security.ToString()));
    }

    [Test]
    public void Versions_compare_as_Debian_versions_not_as_text()
    {
        var indexes = new[] { Index("a", P("x", "1:1.0-1"), P("x", "9.9-1"), P("x", "1:1.0~rc1-1"), P("x", "1:1.0-1+b1")) };

        Assert.That(PackageSelector.Select(["x"], indexes, "amd64").Single().Version.ToString(), Is.EqualTo("1:1.0-1+b1"));
    }

    [Test]
    public void Other_architectures_are_ignored_and_all_counts_for_every_one()
    {
        var indexes = new[] { Index("a", P("libc6", "9.0-1", "arm64"), P("libc6", "2.36-1"), P("tzdata", "2025b-1", "all"), P("tzdata", "2099a-1", "i386")) };

        Assert.Multiple(() =>
        {
            Assert.That(Chosen(PackageSelector.Select(["libc6", "tzdata"], indexes, "amd64")), Is.EqualTo("libc6 2.36-1 amd64 from a, tzdata 2025b-1 all from a"));
            Assert.That(Chosen(PackageSelector.Select(["libc6", "tzdata"], indexes, "arm64")), Is.EqualTo("libc6 9.0-1 arm64 from a, tzdata 2025b-1 all from a"));
        });
    }

    [Test]
    public void A_package_no_suite_has_for_the_architecture_is_DSTL2006()
    {
        var indexes = new[] { Index("bookworm", P("libc6", "2.36-1"), P("media-types", "10.0.0", "arm64")), Index("bookworm-security") };

        var error = Assert.Throws<DistrolessException>(() => PackageSelector.Select(["libc6", "media-types"], indexes, "amd64"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.UnknownPackage));
            Assert.That(error.Message, Does.Contain("media-types").And.Contain("bookworm, bookworm-security").And.Contain("amd64"));
        });
    }

    [Test]
    public void A_virtual_name_is_not_a_package_to_select()
    {
        var indexes = new[] { Index("a", P("mawk", "1.3.4", provides: "awk")) };

        Assert.That(() => PackageSelector.Select(["awk"], indexes, "amd64"),
            Throws.TypeOf<DistrolessException>().With.Property(nameof(DistrolessException.Code)).EqualTo(DiagnosticCodes.UnknownPackage));
    }

    private static IEnumerable<TestCaseData> Closures()
    {
        TestCaseData Closed(string summary, params FakePackage[] set) => new TestCaseData(set, null).SetName("closed: " + summary);
        TestCaseData Open(string summary, string missing, params FakePackage[] set) => new TestCaseData(set, missing).SetName("DSTL2008: " + summary);

        var libc = P("libc6", "2.36-9+deb12u13", depends: "libgcc-s1");
        var gccBase = P("gcc-12-base", "12.2.0-14");
        var libgcc = P("libgcc-s1", "12.2.0-14", depends: "gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)", provides: "libgcc1 (= 1:12.2.0-14)");

        yield return Closed("versioned dependencies met by real versions", libc, gccBase, libgcc);
        yield return Closed("an alternative of ignored machinery", libc, gccBase, libgcc, P("tzdata", "2025b-1", "all", depends: "debconf (>= 0.5) | debconf-2.0"));
        yield return Closed("a later alternative in the set", libc, gccBase, libgcc, P("app", "1", depends: "libfoo1 | libc6 (>= 2.30)"));
        yield return Closed("an ignored Pre-Depends", libc, gccBase, libgcc, P("base-files", "12.4", preDepends: "awk"));
        yield return Closed("a versioned dependency met by a versioned Provides", libc, gccBase, libgcc, P("old", "1", depends: "libgcc1 (>= 1:4.1.1)"));
        yield return Closed("an unversioned dependency met by an unversioned Provides", libc, gccBase, libgcc,
            P("libssl3t64", "3.5", provides: "libssl3"), P("curl", "8", depends: "libssl3"));
        yield return Closed("an arch-qualified dependency", libc, gccBase, libgcc, P("x", "1", depends: "libc6:any (>= 2.34)"));
        yield return Closed("a dependency on a package providing the name, when the real one is too old", libc, gccBase, libgcc,
            P("libfoo1", "1.0"), P("libfoo-ng", "2.0", provides: "libfoo1 (= 2.0)"), P("y", "1", depends: "libfoo1 (>= 2.0)"));

        yield return Open("a missing package", "libgcc-s1", libc);
        yield return Open("a real version too old", "libc6 (>= 2.40)", libc, gccBase, libgcc, P("z", "1", depends: "libc6 (>= 2.40)"));
        yield return Open("an exact version that differs", "gcc-12-base (= 12.2.0-14)", libc, P("gcc-12-base", "12.2.0-15"), libgcc);
        yield return Open("an unversioned Provides for a versioned dependency", "libssl3 (>= 3.0)", libc, gccBase, libgcc,
            P("libssl3t64", "3.5", provides: "libssl3"), P("curl", "8", depends: "libssl3 (>= 3.0)"));
        yield return Open("a Provides of the wrong version", "libgcc1 (>= 1:13)", libc, gccBase, libgcc, P("new", "1", depends: "libgcc1 (>= 1:13)"));
        yield return Open("an unmet Pre-Depends", "libzstd1", libc, gccBase, libgcc, P("w", "1", preDepends: "libzstd1"));
        yield return Open("no alternative met", "libfoo1 | libbar1", libc, gccBase, libgcc, P("v", "1", depends: "libfoo1 | libbar1"));
    }

    [TestCaseSource(nameof(Closures))]
    public void The_selected_set_must_be_closed(FakePackage[] set, string? missing)
    {
        var packages = PackageSelector.Select(set.Select(p => p.Name).ToList(), [Index("a", set)], "amd64");

        void Check() => PackageSelector.CheckClosure(packages, DebianRelease.DefaultIgnored);

        if (missing is null)
        {
            Assert.That(Check, Throws.Nothing);
        }
        else
        {
            var error = Assert.Throws<DistrolessException>(Check)!;
            Assert.Multiple(() =>
            {
                Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.UnsatisfiedDependency));
                Assert.That(error.Message, Does.Contain($"\"{missing}\""));
            });
        }
    }

    [Test]
    public void Only_the_release_machinery_is_ignored()
    {
        var packages = PackageSelector.Select(["tzdata"], [Index("a", P("tzdata", "1", "all", depends: "debconf (>= 0.5) | debconf-2.0"))], "amd64");

        Assert.Multiple(() =>
        {
            Assert.That(() => PackageSelector.CheckClosure(packages, NoneIgnored), Throws.TypeOf<DistrolessException>());
            Assert.That(() => PackageSelector.CheckClosure(packages, DebianRelease.Bookworm.IgnoredDependencies), Throws.Nothing);
            Assert.That(DebianRelease.DefaultIgnored, Does.Not.Contain("libc6").And.Not.Contain("libssl3"));
        });
    }
}
