using System.Text;
using Distroless.Debian;
using Distroless.Diagnostics;
using Distroless.Testing;
using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Bcpg;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class InReleaseVerifierTests
{
    private const string Url = "http://archive.test/debian/dists/trixie/InRelease";
    private static readonly FakeTimeProvider Now = new(new DateTimeOffset(2026, 7, 12, 0, 0, 0, TimeSpan.Zero));

    private static byte[] Sign(params TestSigningKey[] keys)
        => Encoding.UTF8.GetBytes(TestSigningKey.ClearSign(ReleaseSamples.Body, keys, signedAt: ReleaseSamples.SignedAt));

    private static string Verify(byte[] inRelease, DebianKeyring keyring, TimeProvider? time = null)
        => new InReleaseVerifier(keyring, time ?? Now).Verify(inRelease, Url).Text;

    private static DistrolessException Rejected(byte[] inRelease, DebianKeyring keyring, TimeProvider? time = null)
    {
        var error = Assert.Throws<DistrolessException>(() => Verify(inRelease, keyring, time))!;
        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.SignatureInvalid));
        Assert.That(error.Message, Does.Contain(Url));
        return error;
    }

    [Test]
    public void An_RSA_subkey_signature_verifies_and_the_signed_text_is_returned()
    {
        Assert.That(TestKeys.Archive.KeyId, Is.Not.EqualTo(TestKeys.Archive.PrimaryKeyId), "the archive key signs with a subkey");

        Assert.That(Verify(Sign(TestKeys.Archive), TestKeys.Archive.Keyring), Is.EqualTo(ReleaseSamples.Body));
    }

    [Test]
    public void An_Ed25519_signature_verifies()
        => Assert.That(Verify(Sign(TestKeys.Stable), TestKeys.Stable.Keyring), Is.EqualTo(ReleaseSamples.Body));

    [Test]
    public void Several_signatures_are_accepted_when_any_one_is_trusted()
    {
        var keyring = TestKeys.Archive.Keyring;

        Assert.Multiple(() =>
        {
            Assert.That(Verify(Sign(TestKeys.Stranger, TestKeys.Archive), keyring), Is.EqualTo(ReleaseSamples.Body));
            Assert.That(Verify(Sign(TestKeys.Archive, TestKeys.Stranger), keyring), Is.EqualTo(ReleaseSamples.Body));
            Assert.That(Verify(Sign(TestKeys.Stranger, TestKeys.Stable, TestKeys.Archive), TestKeys.Stable.Keyring), Is.EqualTo(ReleaseSamples.Body));
        });
    }

    [Test]
    public void Signatures_by_untrusted_keys_only_are_rejected_naming_each_key()
    {
        var error = Rejected(Sign(TestKeys.Stranger, TestKeys.Stable), TestKeys.Archive.Keyring);

        Assert.That(error.Message, Does.Contain(TestKeys.Stranger.KeyId).And.Contain(TestKeys.Stable.KeyId).And.Contain("not a trusted key"));
    }

    [Test]
    public void One_changed_byte_in_the_signed_text_is_rejected()
    {
        var inRelease = Sign(TestKeys.Archive, TestKeys.Stable);
        var at = Encoding.UTF8.GetString(inRelease).IndexOf("Codename: trixie", StringComparison.Ordinal) + "Codename: t".Length;
        inRelease[at] = (byte)'a';

        var error = Rejected(inRelease, TestSigningKey.KeyringOf(TestKeys.Archive, TestKeys.Stable));

        Assert.That(error.Message, Does.Contain("bad signature"));
    }

    [Test]
    public void Trailing_whitespace_and_CRLF_line_ends_do_not_change_the_signed_text()
    {
        var text = Encoding.UTF8.GetString(Sign(TestKeys.Archive));
        var respaced = text.Replace("Components: main\n", "Components: main \t\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);

        Assert.That(Verify(Encoding.UTF8.GetBytes(respaced), TestKeys.Archive.Keyring), Does.StartWith("Origin: Debian\n"));
    }

    [Test]
    public void Data_appended_after_the_signature_is_rejected()
    {
        var inRelease = Sign(TestKeys.Archive).Concat("SHA256:\n 00 1 main/evil\n"u8.ToArray()).ToArray();

        Assert.That(Rejected(inRelease, TestKeys.Archive.Keyring).Message, Does.Contain("unreadable"));
    }

    [Test]
    public void A_SHA1_signature_is_rejected_as_weak()
    {
        var inRelease = Encoding.UTF8.GetBytes(TestKeys.Archive.ClearSign(ReleaseSamples.Body, HashAlgorithmTag.Sha1, ReleaseSamples.SignedAt));

        Assert.That(Rejected(inRelease, TestKeys.Archive.Keyring).Message, Does.Contain("weak hash"));
    }

    [Test]
    public void A_SHA512_signature_is_accepted()
    {
        var inRelease = Encoding.UTF8.GetBytes(TestKeys.Stable.ClearSign(ReleaseSamples.Body, HashAlgorithmTag.Sha512, ReleaseSamples.SignedAt));

        Assert.That(Verify(inRelease, TestKeys.Stable.Keyring), Is.EqualTo(ReleaseSamples.Body));
    }

    [TestCase(false, TestName = "primary key expired")]
    [TestCase(true, TestName = "signing subkey expired")]
    public void A_key_that_has_expired_by_now_is_rejected(bool subkey)
    {
        var created = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var key = TestSigningKey.Create("Short-lived <short@example.invalid>", TestKeyAlgorithm.Ed25519, created, TimeSpan.FromDays(365), subkey);
        var inRelease = Encoding.UTF8.GetBytes(key.ClearSign(ReleaseSamples.Body, signedAt: created.AddDays(100)));

        Assert.That(Verify(inRelease, key.Keyring, new FakeTimeProvider(new DateTimeOffset(created.AddDays(200)))),
            Is.EqualTo(ReleaseSamples.Body), "still valid before expiry");
        Assert.That(Rejected(inRelease, key.Keyring, new FakeTimeProvider(new DateTimeOffset(created.AddDays(400)))).Message,
            Does.Contain("expired"));
    }

    [Test]
    public void A_signature_dated_before_its_key_was_created_is_rejected()
    {
        var key = TestSigningKey.Create("Future <future@example.invalid>", TestKeyAlgorithm.Ed25519, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var inRelease = Encoding.UTF8.GetBytes(key.ClearSign(ReleaseSamples.Body, signedAt: new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)));

        Assert.That(Rejected(inRelease, key.Keyring).Message, Does.Contain("before the key existed"));
    }

    [Test]
    public void A_signature_block_that_is_not_OpenPGP_is_rejected()
    {
        var text = Encoding.UTF8.GetString(Sign(TestKeys.Archive));
        var begin = text.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal);
        var broken = text[..begin] + "-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJl\n=AAAA\n-----END PGP SIGNATURE-----\n";

        Rejected(Encoding.UTF8.GetBytes(broken), TestKeys.Archive.Keyring);
    }

    [Test]
    public void The_test_signer_output_verifies_with_gpgv_when_it_is_installed()
    {
        if (!ExternalTool.Exists("gpgv"))
        {
            Assert.Ignore("gpgv is not installed");
        }

        var dir = Directory.CreateTempSubdirectory("distroless-gpgv-");
        try
        {
            var keyring = Path.Combine(dir.FullName, "keyring.gpg");
            File.WriteAllBytes(keyring, TestKeys.Archive.PublicKeyring.Concat(TestKeys.Stable.PublicKeyring).ToArray());
            var signed = Path.Combine(dir.FullName, "InRelease");
            File.WriteAllBytes(signed, Sign(TestKeys.Archive, TestKeys.Stable));

            var result = ExternalTool.Run("gpgv", ["--homedir", dir.FullName, "--keyring", keyring, signed]);

            Assert.That(result.ExitCode, Is.Zero, result.Error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
