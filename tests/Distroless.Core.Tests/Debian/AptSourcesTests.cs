using Distroless.Debian;
using Distroless.Testing;

namespace Distroless.Core.Tests.Debian;

/// <summary>Reading the build machine's apt sources (one-line and deb822) to find a Debian mirror.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class AptSourcesTests
{
    private static string Show(IEnumerable<AptSource> sources) => string.Join("; ", sources.Select(s => $"{s.Uri} {string.Join(",", s.Suites)}"));

    [Test]
    public void One_line_sources_with_options_comments_and_deb_src()
    {
        const string text = """
            # The main archive
            deb http://deb.mirror.test/debian bookworm main contrib
            deb-src http://deb.mirror.test/debian bookworm main
            deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] https://mirror.test/debian bookworm-updates main # point releases
            	deb	http://security.mirror.test/debian-security	bookworm-security main
            #deb http://disabled.test/debian bookworm main
            deb [ trusted=yes ] http://spaced.test/debian trixie main
            deb http://incomplete.test/debian
            deb not-a-uri bookworm main
            """;

        Assert.That(Show(AptSources.ParseOneLine(text)), Is.EqualTo(
            "http://deb.mirror.test/debian bookworm; https://mirror.test/debian bookworm-updates; " +
            "http://security.mirror.test/debian-security bookworm-security; http://spaced.test/debian trixie"));
    }

    [Test]
    public void Deb822_sources_with_comments_several_uris_and_disabled_entries()
    {
        const string text = """
            Types: deb
            # http://snapshot.mirror.test/archive/debian/20250520T000000Z
            URIs: http://deb.mirror.test/debian
            Suites: bookworm bookworm-updates
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb-src
            URIs: http://src.test/debian
            Suites: bookworm

            Types: deb deb-src
            URIs: http://one.test/debian
              http://two.test/debian
            Suites: trixie
            Components: main

            Enabled: no
            Types: deb
            URIs: http://off.test/debian
            Suites: bookworm

            Types: deb
            URIs: http://deb.mirror.test/debian-security
            Suites: bookworm-security
            Components: main
            Signed-By:
             -----BEGIN PGP PUBLIC KEY BLOCK-----
             .
             mDMEY865UxYJKwYBBAHaRw8BAQdAd7Z0srwuhlB6JKFkcf4HU4SSS/xcRfwEQWzr
             -----END PGP PUBLIC KEY BLOCK-----
            """;

        Assert.That(Show(AptSources.ParseDeb822(text)), Is.EqualTo(
            "http://deb.mirror.test/debian bookworm,bookworm-updates; http://one.test/debian trixie; http://two.test/debian trixie; " +
            "http://deb.mirror.test/debian-security bookworm-security"));
    }

    [Test]
    public void Read_takes_sources_list_then_list_and_sources_files_in_name_order()
    {
        using var apt = new TempDirectory();
        Directory.CreateDirectory(apt.Combine("sources.list.d"));
        File.WriteAllText(apt.Combine("sources.list"), "deb http://a.test/debian bookworm main\n");
        File.WriteAllText(apt.Combine("sources.list.d", "b.sources"), "Types: deb\nURIs: http://b.test/debian\nSuites: bookworm-updates\n");
        File.WriteAllText(apt.Combine("sources.list.d", "c.list"), "deb http://c.test/debian-security bookworm-security main\n");
        File.WriteAllText(apt.Combine("sources.list.d", "d.list.disabled"), "deb http://d.test/debian bookworm main\n");
        File.WriteAllText(apt.Combine("sources.list.d", "e.list.save"), "deb http://e.test/debian bookworm main\n");

        Assert.That(Show(AptSources.Read(apt.Path)), Is.EqualTo(
            "http://a.test/debian bookworm; http://b.test/debian bookworm-updates; http://c.test/debian-security bookworm-security"));
    }

    [Test]
    public void Read_passes_over_a_file_it_cannot_parse()
    {
        using var apt = new TempDirectory();
        Directory.CreateDirectory(apt.Combine("sources.list.d"));
        File.WriteAllText(apt.Combine("sources.list.d", "broken.sources"), "Types: deb\n continuation after a field is fine\nno colon on this line\n");
        File.WriteAllText(apt.Combine("sources.list.d", "debian.sources"), "Types: deb\nURIs: http://a.test/debian\nSuites: bookworm\n");

        Assert.That(Show(AptSources.Read(apt.Path)), Is.EqualTo("http://a.test/debian bookworm"));
    }

    [Test]
    public void Read_of_a_directory_without_sources_is_empty()
    {
        using var apt = new TempDirectory();

        Assert.Multiple(() =>
        {
            Assert.That(AptSources.Read(apt.Path), Is.Empty);
            Assert.That(AptSources.Read(apt.Combine("missing")), Is.Empty);
        });
    }

    private static IEnumerable<TestCaseData> Mirrors()
    {
        TestCaseData Case(string summary, string sources, string? main, string? security)
            => new TestCaseData(sources, main, security).SetName(summary);

        yield return Case("the release's own sources",
            "deb http://m.test/debian bookworm main\ndeb http://s.test/debian-security bookworm-security main",
            "http://m.test/debian", "http://s.test/debian-security");
        yield return Case("the updates suite counts as main",
            "deb http://u.test/debian bookworm-updates main\ndeb http://s.test/debian-security bookworm-security main",
            "http://u.test/debian", "http://s.test/debian-security");
        yield return Case("the release's sources win over an earlier other release",
            "deb http://old.test/debian bullseye main\ndeb http://m.test/debian bookworm main\ndeb http://olds.test/debian-security bullseye-security main\ndeb http://s.test/debian-security bookworm-security main",
            "http://m.test/debian", "http://s.test/debian-security");
        yield return Case("another Debian release's mirror serves this one too",
            "deb http://t.test/debian trixie main\ndeb http://ts.test/debian-security trixie-security main",
            "http://t.test/debian", "http://ts.test/debian-security");
        yield return Case("the old security suite name",
            "deb http://old.test/debian buster main\ndeb http://olds.test/debian-security buster/updates main",
            "http://old.test/debian", "http://olds.test/debian-security");
        yield return Case("no security source",
            "deb http://m.test/debian bookworm main", "http://m.test/debian", null);
        yield return Case("Ubuntu is not Debian",
            "deb http://archive.ubuntu.test/ubuntu jammy main\ndeb http://security.ubuntu.test/ubuntu jammy-security main", null, null);
        yield return Case("a third-party repository is not Debian",
            "deb https://packages.cloud.google.test/apt cloud-sdk-bookworm main", null, null);
        yield return Case("mirror+file sources (Debian cloud images) are skipped for an HTTP one",
            "deb mirror+file:/etc/apt/mirrors/debian.list bookworm main\ndeb mirror+file:/etc/apt/mirrors/debian-security.list bookworm-security main\ndeb http://m.test/debian bookworm main",
            "http://m.test/debian", null);
        yield return Case("file and cdrom sources are no mirror",
            "deb file:///srv/mirror bookworm main\ndeb cdrom:[Debian]/ bookworm main", null, null);
        yield return Case("none at all", "", null, null);
    }

    [TestCaseSource(nameof(Mirrors))]
    public void FindMirrors(string sources, string? main, string? security)
    {
        var (foundMain, foundSecurity) = AptSources.FindMirrors(AptSources.ParseOneLine(sources).ToList(), "bookworm");

        Assert.That((foundMain?.ToString(), foundSecurity?.ToString()), Is.EqualTo((main, security)));
    }
}
