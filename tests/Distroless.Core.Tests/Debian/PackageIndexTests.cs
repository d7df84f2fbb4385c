using System.Text;
using Distroless.Debian;
using Distroless.Oci;
using Distroless.Testing;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class PackageIndexTests
{
    private static readonly ArchiveSuite Origin = new(new Uri("http://archive.test/debian"), "trixie");

    private static readonly FakePackage[] Packages =
    [
        FakePackage.Simple("libc6", "2.41-12") with { Source = "glibc", Depends = "libgcc-s1" },
        FakePackage.Simple("libssl3t64", "3.5.9-1~deb13u1") with
        {
            Source = "openssl",
            Provides = "libssl3 (= 3.5.9-1~deb13u1)",
            Depends = "libc6 (>= 2.38), libzstd1 (>= 1.5.5), zlib1g (>= 1:1.1.4)",
        },
        FakePackage.Simple("libssl3t64", "3.5.7-1~deb13u1") with { Source = "openssl", Provides = "libssl3 (= 3.5.7-1~deb13u1)" },
        FakePackage.Simple("mawk", "1.3.4.20250131-1") with { Provides = "awk" },
        FakePackage.Simple("gawk", "1:5.2.1-2") with { Provides = "awk, gawk-bin:any" },
        FakePackage.Simple("tzdata", "2025b-4", "all"),
    ];

    // A stanza as Debian writes it, with a multi-line Description whose continuation lines look like fields.
    private const string MultiLineStanza = """
        Package: base-files
        Essential: yes
        Version: 13.8
        Architecture: amd64
        Description: Debian base system miscellaneous files
         This package contains the basic filesystem hierarchy of a Debian system.
         .
         Package: not-a-package
         Provides: not-a-provide
        Filename: pool/main/b/base-files/base-files_13.8_amd64.deb
        Size: 73004
        SHA256: 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

        """;

    private static byte[] IndexText()
        => Encoding.UTF8.GetBytes(string.Join("\n", Packages.Select(p => p.Stanza)) + "\n" + MultiLineStanza);

    private static PackageIndex Index() => PackageIndex.Parse(IndexText(), Origin);

    [Test]
    public void Every_stanza_is_indexed_by_name()
    {
        var index = Index();

        Assert.Multiple(() =>
        {
            Assert.That(index.Count, Is.EqualTo(7));
            Assert.That(index.PackageNames.Order(StringComparer.Ordinal), Is.EqualTo(new[]
            {
                "base-files", "gawk", "libc6", "libssl3t64", "mawk", "tzdata",
            }));
            Assert.That(index.Find("missing"), Is.Empty);
        });
    }

    [Test]
    public void Find_returns_every_version_of_a_name()
    {
        var versions = Index().Find("libssl3t64").Select(r => r.Version.Text);

        Assert.That(versions, Is.EquivalentTo(new[] { "3.5.9-1~deb13u1", "3.5.7-1~deb13u1" }));
    }

    [Test]
    public void Records_carry_the_fields_and_origin()
    {
        var expected = Packages[1];
        var record = Index().Find("libssl3t64").Single(r => r.Version.Text == expected.Version);

        Assert.Multiple(() =>
        {
            Assert.That(record.Name, Is.EqualTo("libssl3t64"));
            Assert.That(record.Source, Is.EqualTo("openssl"));
            Assert.That(record.Architecture, Is.EqualTo("amd64"));
            Assert.That(record.Filename, Is.EqualTo("pool/main/o/openssl/libssl3t64_3.5.9-1~deb13u1_amd64.deb"));
            Assert.That(record.Size, Is.EqualTo(expected.Deb.Length));
            Assert.That(record.Sha256, Is.EqualTo(Digest.Compute(expected.Deb)));
            Assert.That(record.Depends.Select(d => d.Alternatives[0].Name), Is.EqualTo(new[] { "libc6", "libzstd1", "zlib1g" }));
            Assert.That(record.Provides.Single().ToString(), Is.EqualTo("libssl3 (= 3.5.9-1~deb13u1)"));
            Assert.That(record.Origin, Is.EqualTo(Origin));
            Assert.That(record.DownloadUri.AbsoluteUri, Is.EqualTo(
                "http://archive.test/debian/pool/main/o/openssl/libssl3t64_3.5.9-1~deb13u1_amd64.deb"));
        });
    }

    [Test]
    public void FindProviders_looks_up_Provides_by_virtual_name()
    {
        var index = Index();

        Assert.Multiple(() =>
        {
            Assert.That(index.FindProviders("awk").Select(r => r.Name), Is.EquivalentTo(new[] { "mawk", "gawk" }));
            Assert.That(index.FindProviders("gawk-bin").Select(r => r.Name), Is.EqualTo(new[] { "gawk" }));
            Assert.That(index.FindProviders("libssl3").Select(r => r.Version.Text), Is.EquivalentTo(new[] { "3.5.9-1~deb13u1", "3.5.7-1~deb13u1" }));
            Assert.That(index.FindProviders("libc6"), Is.Empty, "a real package is not its own provider");
        });
    }

    [Test]
    public void Continuation_lines_of_a_Description_are_not_fields()
    {
        var index = Index();
        var baseFiles = index.Find("base-files").Single();

        Assert.Multiple(() =>
        {
            Assert.That(index.Find("not-a-package"), Is.Empty);
            Assert.That(index.FindProviders("not-a-provide"), Is.Empty);
            Assert.That(baseFiles.Version.Text, Is.EqualTo("13.8"));
            Assert.That(baseFiles.Size, Is.EqualTo(73004));
        });
    }

    [Test]
    public void Extra_blank_lines_between_stanzas_and_a_missing_final_newline_are_tolerated()
    {
        var text = "\n\nPackage: a\nVersion: 1\nArchitecture: all\nFilename: pool/a.deb\nSize: 1\nSHA256: "
            + new string('0', 64) + "\n\n\n\nPackage: b\nVersion: 2\nArchitecture: all\nFilename: pool/b.deb\nSize: 2\nSHA256: " + new string('1', 64);

        var index = PackageIndex.Parse(Encoding.UTF8.GetBytes(text), Origin);

        Assert.That(index.PackageNames.Order(StringComparer.Ordinal), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(index.Find("b").Single().Size, Is.EqualTo(2));
    }

    [Test]
    public void A_stanza_without_Package_is_rejected()
    {
        var text = IndexText().Concat("\nVersion: 1.0\nArchitecture: amd64\n"u8.ToArray()).ToArray();

        Assert.That(() => PackageIndex.Parse(text, Origin),
            Throws.TypeOf<FormatException>().With.Message.Contains("no Package field"));
    }

    [Test]
    public void A_malformed_field_is_reported_with_the_package_name_when_the_stanza_is_read()
    {
        var text = Encoding.UTF8.GetBytes("Package: broken\nVersion: 1\nArchitecture: amd64\nFilename: x.deb\nSize: many\nSHA256: " + new string('0', 64) + "\n");
        var index = PackageIndex.Parse(text, Origin);

        Assert.That(() => index.Find("broken"), Throws.TypeOf<FormatException>().With.Message.Contains("\"broken\""));
    }
}
