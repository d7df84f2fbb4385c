using System.Text;
using Distroless.Debian;
using Distroless.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Core.Tests.Debian;

/// <summary>
/// The Debian keys shipped in the assembly, checked against real InRelease files saved in
/// Fixtures/ (bookworm of 2026-07-11, bookworm-security of 2026-11-25), so no test needs a network.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ShippedKeyringTests
{
    private static readonly FakeTimeProvider AfterBookwormDate = new(new DateTimeOffset(2026, 7, 12, 0, 0, 0, TimeSpan.Zero));

    // Valid-Until of the security fixture is 2026-12-02 22:33:12 UTC.
    private static readonly FakeTimeProvider BeforeSecurityValidUntil = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", name));

    [TestCase("6ED0E7B82643E131", TestName = "bookworm automatic signing subkey")]
    [TestCase("F8D2585B8783D481", TestName = "bookworm stable release key (Ed25519)")]
    [TestCase("BDE6D2B9216EC7A8", TestName = "bookworm-security automatic signing subkey")]
    [TestCase("54404762BBB6E853", TestName = "bullseye-security automatic signing subkey")]
    [TestCase("78DBA3BC47EF2265", TestName = "trixie automatic signing subkey")]
    [TestCase("762F67A0B2C39DE4", TestName = "trixie stable release key (Ed25519)")]
    [TestCase("8E9F831205B4BA95", TestName = "trixie-security automatic signing subkey")]
    public void The_default_keyring_holds_the_key(string keyId)
        => Assert.That(DebianKeyring.Default.KeyIds, Does.Contain(keyId));

    [Test]
    public void The_real_bookworm_InRelease_verifies_and_parses()
    {
        var text = new InReleaseVerifier(DebianKeyring.Default, AfterBookwormDate).Verify(Fixture("bookworm-InRelease"), "bookworm").Text;
        var release = ReleaseFile.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(release.Codename, Is.EqualTo("bookworm"));
            Assert.That(release.AcquireByHash, Is.True);
            Assert.That(release.ValidUntil, Is.Null);
            Assert.That(release.Files.Keys, Does.Contain("main/binary-amd64/Packages.xz").And.Contain("main/binary-arm64/Packages.gz"));
        });
    }

    [Test]
    public void The_real_bookworm_security_InRelease_verifies_before_its_Valid_Until()
    {
        var text = new InReleaseVerifier(DebianKeyring.Default, BeforeSecurityValidUntil).Verify(Fixture("bookworm-security-InRelease"), "bookworm-security").Text;
        var release = ReleaseFile.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(release.Codename, Is.EqualTo("bookworm-security"));
            Assert.That(release.ValidUntil, Is.EqualTo(new DateTimeOffset(2026, 12, 2, 22, 33, 12, TimeSpan.Zero)));
            Assert.That(release.Files.Keys, Does.Contain("main/binary-amd64/Packages.xz"));
        });
    }

    /// <summary>Each of bookworm's three signatures (two RSA, one EdDSA) verifies on its own.</summary>
    [TestCase("debian-archive-bookworm-automatic.gpg", TestName = "bookworm signed by the bookworm automatic key")]
    [TestCase("debian-archive-trixie-automatic.gpg", TestName = "bookworm signed by the trixie automatic key")]
    [TestCase("debian-archive-bookworm-stable.gpg", TestName = "bookworm signed by the bookworm stable key (Ed25519)")]
    public void Each_real_signature_verifies_with_its_key_alone(string keyResource)
    {
        using var key = typeof(DebianKeyring).Assembly.GetManifestResourceStream("Distroless.Debian.Keys." + keyResource)!;
        var keyring = DebianKeyring.FromStreams([key]);

        Assert.That(new InReleaseVerifier(keyring, AfterBookwormDate).Verify(Fixture("bookworm-InRelease"), "bookworm").Text,
            Does.StartWith("Origin: Debian\n"));
    }

    [TestCase("bookworm-InRelease", "Codename: bookworm", TestName = "bookworm with a changed codename")]
    [TestCase("bookworm-InRelease", "Components: main contrib", TestName = "bookworm with a changed component")]
    [TestCase("bookworm-security-InRelease", "Valid-Until: Wed, 02 Dec 2026", TestName = "bookworm-security with a changed Valid-Until")]
    public void The_real_file_with_one_byte_changed_is_rejected(string fixture, string where)
    {
        var bytes = Fixture(fixture);
        var at = Encoding.UTF8.GetString(bytes).IndexOf(where, StringComparison.Ordinal) + where.Length - 1;
        Assert.That(at, Is.GreaterThan(where.Length), "the fixture has the line to change");
        bytes[at] ^= 0x01;

        var error = Assert.Throws<DistrolessException>(() => new InReleaseVerifier(DebianKeyring.Default, BeforeSecurityValidUntil).Verify(bytes, fixture))!;

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.SignatureInvalid));
    }
}
