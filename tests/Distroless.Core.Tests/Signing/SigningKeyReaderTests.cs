using System.Security.Cryptography;
using System.Text;
using Distroless.Diagnostics;
using Distroless.Signing;
using Distroless.Testing;

namespace Distroless.Core.Tests.Signing;

/// <summary>
/// Signing keys as users make them (openssl genpkey, .NET's exporters): each form that is
/// supported signs, and the signature verifies with the public half; every other file is a
/// DSTL600x error that names the path and never the key or the password.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class SigningKeyReaderTests
{
    private const string Password = "correct horse battery staple";
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("DSSEv1 28 application/vnd.in-toto+json 2 {}");

    private TempDirectory _temp = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _temp = new TempDirectory();

    [OneTimeTearDown]
    public void Cleanup() => _temp.Dispose();

    private string Write(string text)
    {
        var path = _temp.Combine(Guid.NewGuid().ToString("N") + ".pem");
        File.WriteAllText(path, text);
        return path;
    }

    [TestCase("ec", null, "ECDSA P-256")]
    [TestCase("ec", Password, "ECDSA P-256")]
    [TestCase("ed25519", null, "Ed25519")]
    [TestCase("ed25519", Password, "Ed25519")]
    public void An_openssl_key_signs_and_its_public_half_verifies(string kind, string? password, string algorithm)
    {
        var pair = OpenSslKeys.Generate(_temp.Path, kind, password);

        var key = SigningKeyReader.Read(pair.PrivateKeyPath, () => password);
        var signature = key.Sign(Message);
        var publicKey = VerificationKey.Read(Write(pair.PublicKeyPem));

        Assert.Multiple(() =>
        {
            Assert.That(key.Algorithm, Is.EqualTo(algorithm));
            Assert.That(publicKey.Hint, Is.EqualTo(key.PublicKey.Hint), "the hint is the public key's");
            Assert.That(publicKey.Verify(Message, signature), Is.True);
            Assert.That(publicKey.Verify([.. Message, (byte)' '], signature), Is.False, "another message");
            Assert.That(key.Sign(Message), Is.EqualTo(signature), "signatures are deterministic (RFC 6979 for ECDSA)");
        });
    }

    [Test]
    public void Dotnet_exports_of_an_ECDSA_key_read_as_the_same_key()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var encrypted = ecdsa.ExportEncryptedPkcs8PrivateKeyPem(Password, new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 10_000));
        var keys = new[] { ecdsa.ExportPkcs8PrivateKeyPem(), ecdsa.ExportECPrivateKeyPem(), encrypted }
            .Select(pem => SigningKeyReader.Read(Write(pem), () => Password)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(keys.Select(k => k.PublicKey.Hint).Distinct(), Is.EqualTo(new[] { Convert.ToBase64String(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo())) }));
            Assert.That(ecdsa.VerifyData(Message, keys[1].Sign(Message), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), Is.True,
                "the signature is DER (r, s) over SHA-256");
        });
    }

    [Test]
    public void An_EC_PARAMETERS_block_before_the_key_is_skipped()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + ecdsa.ExportECPrivateKeyPem();

        Assert.That(SigningKeyReader.Read(Write(pem), () => null).Algorithm, Is.EqualTo("ECDSA P-256"));
    }

    private static IEnumerable<TestCaseData> BadKeys()
    {
        yield return new TestCaseData("missing", DiagnosticCodes.SigningKeyUnreadable).SetName("a file that does not exist");
        yield return new TestCaseData("garbage", DiagnosticCodes.SigningKeyMalformed).SetName("a file with no PEM block");
        yield return new TestCaseData("damaged", DiagnosticCodes.SigningKeyMalformed).SetName("a PRIVATE KEY block that is not PKCS#8");
        yield return new TestCaseData("public", DiagnosticCodes.SigningKeyMalformed).SetName("the public key instead of the private one");
        yield return new TestCaseData("no-password", DiagnosticCodes.SigningKeyPasswordMissing).SetName("an encrypted key without a password");
        yield return new TestCaseData("wrong-password", DiagnosticCodes.SigningKeyPasswordWrong).SetName("an encrypted key with the wrong password");
        yield return new TestCaseData("rsa", DiagnosticCodes.SigningKeyUnsupported).SetName("an RSA key");
        yield return new TestCaseData("p384", DiagnosticCodes.SigningKeyUnsupported).SetName("an ECDSA key on P-384");
        yield return new TestCaseData("legacy", DiagnosticCodes.SigningKeyUnsupported).SetName("a key in OpenSSL's legacy encrypted PEM");
        yield return new TestCaseData("cosign", DiagnosticCodes.SigningKeyUnsupported).SetName("a key in cosign's format");
    }

    [TestCaseSource(nameof(BadKeys))]
    public void A_key_that_cannot_sign_is_a_DSTL_error_that_keeps_its_secrets(string kind, string code)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        var secretPem = ecdsa.ExportPkcs8PrivateKeyPem();
        var encrypted = ecdsa.ExportEncryptedPkcs8PrivateKeyPem(Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
        var path = kind switch
        {
            "missing" => _temp.Combine("no-such-key.pem"),
            "garbage" => Write("not a key\n"),
            "damaged" => Write("-----BEGIN PRIVATE KEY-----\nAAECAwQFBgcICQ==\n-----END PRIVATE KEY-----\n"),
            "public" => Write(ecdsa.ExportSubjectPublicKeyInfoPem()),
            "no-password" or "wrong-password" => Write(encrypted),
            "rsa" => Write(rsa.ExportPkcs8PrivateKeyPem()),
            "p384" => Write(p384.ExportPkcs8PrivateKeyPem()),
            "legacy" => Write("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00000000000000000000000000000000\n\nAAAA\n-----END EC PRIVATE KEY-----\n"),
            "cosign" => Write("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"),
            _ => throw new ArgumentException(kind),
        };

        var error = Assert.Throws<DistrolessException>(() => SigningKeyReader.Read(path, () => kind == "wrong-password" ? "not the password" : null))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(code), error.Message);
            Assert.That(error.Message, Does.Contain(path));
            Assert.That(error.Diagnostic.Message + error.Diagnostic.Fix, Does.Not.Contain(Password).And.Not.Contain("not the password")
                .And.Not.Contain(secretPem.Split('\n')[1]), "no secret in the message");
        });
    }

    [Test]
    public void The_password_is_asked_for_only_when_the_key_is_encrypted()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var asked = 0;

        SigningKeyReader.Read(Write(ecdsa.ExportPkcs8PrivateKeyPem()), () => { asked++; return null; });

        Assert.That(asked, Is.Zero);
    }

    [TestCase("rsa", "RSA")]
    [TestCase("ec-p384", "P-384")]
    public void A_public_key_of_another_kind_cannot_verify(string kind, string named)
    {
        var pair = OpenSslKeys.Generate(_temp.Path, kind);
        var path = Write(pair.PublicKeyPem);

        var error = Assert.Throws<DistrolessException>(() => VerificationKey.Read(path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.VerificationKeyUnusable));
            Assert.That(error.Message, Does.Contain(named));
        });
    }
}
