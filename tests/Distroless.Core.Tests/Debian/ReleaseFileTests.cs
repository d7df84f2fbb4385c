using Distroless.Debian;
using Distroless.Oci;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class ReleaseFileTests
{
    // Shaped like bookworm-security's Release (abridged): MD5Sum before SHA256, sizes right-aligned.
    private const string Body = """
        Origin: Debian
        Label: Debian-Security
        Suite: oldstable-security
        Version: 12
        Codename: bookworm-security
        Date: Wed, 25 Nov 2026 22:33:12 UTC
        Valid-Until: Wed, 02 Dec 2026 22:33:12 UTC
        Acquire-By-Hash: yes
        Architectures: amd64 arm64 armel armhf i386 ppc64el s390x
        Components: updates/main updates/contrib updates/non-free updates/non-free-firmware
        Description: Debian 12 - Security Updates
        MD5Sum:
         0b6f64aa3b1b5d2c5a9f4b9a1c1b6b61  1969540 main/binary-amd64/Packages
         2d5b6b83d0d2e2c1b2e0a0f1c3e9a7d4   403012 main/binary-amd64/Packages.xz
        SHA256:
         7d4e9a3c1f0b2a5d6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d  1969540 main/binary-amd64/Packages
         A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90   403012 main/binary-amd64/Packages.xz
         00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff      123 main/binary-arm64/Release

        """;

    [Test]
    public void Header_fields_are_read()
    {
        var release = ReleaseFile.Parse(Body);

        Assert.Multiple(() =>
        {
            Assert.That(release.Suite, Is.EqualTo("oldstable-security"));
            Assert.That(release.Codename, Is.EqualTo("bookworm-security"));
            Assert.That(release.AcquireByHash, Is.True);
            Assert.That(release.Architectures, Is.EqualTo(new[] { "amd64", "arm64", "armel", "armhf", "i386", "ppc64el", "s390x" }));
            Assert.That(release.Components, Has.Length.EqualTo(4).And.Contains("updates/main"));
        });
    }

    [Test]
    public void Date_and_Valid_Until_are_UTC()
    {
        var release = ReleaseFile.Parse(Body);

        Assert.Multiple(() =>
        {
            Assert.That(release.Date, Is.EqualTo(new DateTimeOffset(2026, 11, 25, 22, 33, 12, TimeSpan.Zero)));
            Assert.That(release.ValidUntil, Is.EqualTo(new DateTimeOffset(2026, 12, 2, 22, 33, 12, TimeSpan.Zero)));
        });
    }

    [Test]
    public void The_SHA256_list_gives_size_and_digest_per_path_and_ignores_MD5Sum()
    {
        var release = ReleaseFile.Parse(Body);

        Assert.That(release.Files.Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "main/binary-amd64/Packages", "main/binary-amd64/Packages.xz", "main/binary-arm64/Release",
        }));
        var xz = release.Files["main/binary-amd64/Packages.xz"];
        Assert.Multiple(() =>
        {
            Assert.That(xz.Size, Is.EqualTo(403012));
            Assert.That(xz.Sha256, Is.EqualTo(Digest.FromHex("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90")));
            Assert.That(release.Files["main/binary-arm64/Release"].Size, Is.EqualTo(123));
        });
    }

    [Test]
    public void A_suite_without_Valid_Until_or_by_hash_has_neither()
    {
        var release = ReleaseFile.Parse("Suite: stable\nCodename: trixie\nDate: Sat, 5 Jul 2025 09:01:02 UTC\n");

        Assert.Multiple(() =>
        {
            Assert.That(release.ValidUntil, Is.Null);
            Assert.That(release.AcquireByHash, Is.False);
            Assert.That(release.Date, Is.EqualTo(new DateTimeOffset(2025, 7, 5, 9, 1, 2, TimeSpan.Zero)));
            Assert.That(release.Files, Is.Empty);
        });
    }

    [TestCase("Date: Sat, 11 Jul 2026 10:16:37 GMT", TestName = "GMT zone")]
    [TestCase("Date: Sat, 11 Jul 2026 10:16:37 +0000", TestName = "numeric zone")]
    [TestCase("Date: Sat, 11 Jul 2026 10:16:37", TestName = "no zone")]
    public void Date_accepts_the_UTC_spellings(string line)
        => Assert.That(ReleaseFile.Parse(line + "\n").Date, Is.EqualTo(new DateTimeOffset(2026, 7, 11, 10, 16, 37, TimeSpan.Zero)));

    [TestCase("Date: yesterday\n", TestName = "unparseable date")]
    [TestCase("SHA256:\n deadbeef 12 main/Packages\n", TestName = "short hash")]
    [TestCase("SHA256:\n 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff x main/Packages\n", TestName = "non-numeric size")]
    [TestCase("SHA256:\n 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 12\n", TestName = "missing path")]
    public void Malformed_bodies_are_rejected(string body)
        => Assert.That(() => ReleaseFile.Parse(body), Throws.TypeOf<FormatException>());
}
