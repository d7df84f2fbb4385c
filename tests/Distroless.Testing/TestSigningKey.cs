using System.Text;
using Distroless.Debian;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Distroless.Testing;

public enum TestKeyAlgorithm
{
    /// <summary>RSA 2048, as Debian's automatic signing keys (theirs are 4096).</summary>
    Rsa,

    /// <summary>Ed25519 (legacy EdDSA, algorithm 22), as Debian's stable release keys.</summary>
    Ed25519,
}

/// <summary>
/// An OpenPGP key made at test time. <see cref="PublicKeyring"/> is what a trusting keyring
/// holds; <see cref="ClearSign(string, IEnumerable{TestSigningKey}, HashAlgorithmTag, DateTime?)"/>
/// writes an InRelease-style clear-signed message. Like Debian's automatic keys, the key can
/// sign with a subkey, so the issuer named in a signature is not the primary key.
/// </summary>
public sealed class TestSigningKey
{
    private static readonly SecureRandom Random = new();
    private readonly PgpPrivateKey _signingPrivateKey;

    private TestSigningKey(string userId, PgpPublicKeyRing ring, PgpPublicKey signingKey, PgpPrivateKey signingPrivateKey)
    {
        UserId = userId;
        PublicKeyRing = ring;
        SigningKey = signingKey;
        _signingPrivateKey = signingPrivateKey;
    }

    public string UserId { get; }

    public PgpPublicKeyRing PublicKeyRing { get; }

    /// <summary>The key (primary or subkey) that makes signatures.</summary>
    public PgpPublicKey SigningKey { get; }

    /// <summary>The key ID signatures name as issuer, 16 uppercase hex digits.</summary>
    public string KeyId => SigningKey.KeyId.ToString("X16");

    public string PrimaryKeyId => PublicKeyRing.GetPublicKey().KeyId.ToString("X16");

    /// <summary>The binary (not armored) public keyring, as in /usr/share/keyrings/*.gpg.</summary>
    public byte[] PublicKeyring => PublicKeyRing.GetEncoded();

    /// <summary>A keyring that trusts only this key.</summary>
    public DebianKeyring Keyring => KeyringOf(this);

    public static DebianKeyring KeyringOf(params TestSigningKey[] keys)
        => DebianKeyring.FromStreams(keys.Select(k => new MemoryStream(k.PublicKeyring)));

    /// <summary>
    /// Makes a key created at <paramref name="created"/> (default 2020-01-01), expiring after
    /// <paramref name="validFor"/> (default never); with <paramref name="signingSubkey"/> the
    /// signatures come from a subkey bound to the primary, as on Debian's automatic keys.
    /// </summary>
    public static TestSigningKey Create(string userId = "Test Archive Automatic Signing Key <ftpmaster@example.invalid>",
        TestKeyAlgorithm algorithm = TestKeyAlgorithm.Rsa, DateTime? created = null, TimeSpan? validFor = null,
        bool signingSubkey = false)
    {
        var time = created ?? new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var primary = NewKeyPair(algorithm, time);

        var primaryPackets = new PgpSignatureSubpacketGenerator();
        primaryPackets.SetKeyFlags(false, signingSubkey ? PgpKeyFlags.CanCertify : PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        primaryPackets.SetPreferredHashAlgorithms(false, [(int)HashAlgorithmTag.Sha256, (int)HashAlgorithmTag.Sha512]);
        if (validFor is { } validity)
        {
            primaryPackets.SetKeyExpirationTime(false, (long)validity.TotalSeconds);
        }

        var generator = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, primary, userId,
            SymmetricKeyAlgorithmTag.Aes256, HashAlgorithmTag.Sha256, Array.Empty<char>(), true, primaryPackets.Generate(), null, Random);

        var signer = primary;
        if (signingSubkey)
        {
            signer = NewKeyPair(algorithm, time);
            var subPackets = new PgpSignatureSubpacketGenerator();
            subPackets.SetKeyFlags(false, PgpKeyFlags.CanSign);
            if (validFor is { } subValidity)
            {
                subPackets.SetKeyExpirationTime(false, (long)subValidity.TotalSeconds);
            }

            subPackets.AddEmbeddedSignature(false, BackSignature(primary, signer, time));
            generator.AddSubKey(signer, subPackets.Generate(), null, HashAlgorithmTag.Sha256);
        }

        var ring = generator.GeneratePublicKeyRing();
        return new TestSigningKey(userId, ring, ring.GetPublicKey(signer.KeyId), signer.PrivateKey);
    }

    /// <summary>Clear-signs <paramref name="text"/> with this key alone.</summary>
    public string ClearSign(string text, HashAlgorithmTag hash = HashAlgorithmTag.Sha256, DateTime? signedAt = null)
        => ClearSign(text, [this], hash, signedAt);

    /// <summary>
    /// Writes <paramref name="text"/> as Debian's InRelease: the "BEGIN PGP SIGNED MESSAGE"
    /// line, a Hash header, a blank line, the dash-escaped text, and one armored block with a
    /// sigclass 0x01 signature from every key in order. The signed bytes are the canonical
    /// text: trailing spaces and tabs stripped, CRLF line ends, no line end after the last line.
    /// </summary>
    public static string ClearSign(string text, IEnumerable<TestSigningKey> keys,
        HashAlgorithmTag hash = HashAlgorithmTag.Sha256, DateTime? signedAt = null)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 1 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var canonical = Encoding.UTF8.GetBytes(string.Join("\r\n", lines.Select(l => l.TrimEnd(' ', '\t'))));
        var time = signedAt ?? DateTime.UtcNow;

        var armored = new MemoryStream();
        using (var armor = new ArmoredOutputStream(armored, new Dictionary<string, string>()))
        {
            foreach (var key in keys)
            {
                key.Sign(canonical, hash, time).Encode(armor);
            }
        }

        var output = new StringBuilder();
        output.Append("-----BEGIN PGP SIGNED MESSAGE-----\n");
        output.Append("Hash: ").Append(HashName(hash)).Append("\n\n");
        foreach (var line in lines)
        {
            output.Append(line.StartsWith('-') ? "- " : "").Append(line).Append('\n');
        }

        output.Append(Encoding.ASCII.GetString(armored.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal));
        return output.ToString();
    }

    /// <summary>A detached signature of <paramref name="data"/> (for tests of other signature types).</summary>
    public PgpSignature Sign(byte[] data, HashAlgorithmTag hash, DateTime signedAt, int signatureType = PgpSignature.CanonicalTextDocument)
    {
        var generator = new PgpSignatureGenerator(SigningKey.Algorithm, hash);
        generator.InitSign(signatureType, _signingPrivateKey, Random);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, signedAt);
        hashed.SetIssuerFingerprint(false, SigningKey);
        generator.SetHashedSubpackets(hashed.Generate());
        var unhashed = new PgpSignatureSubpacketGenerator();
        unhashed.SetIssuerKeyID(false, SigningKey.KeyId);
        generator.SetUnhashedSubpackets(unhashed.Generate());
        generator.Update(data);
        return generator.Generate();
    }

    public override string ToString() => $"{UserId} ({KeyId})";

    private static string HashName(HashAlgorithmTag hash) => hash switch
    {
        HashAlgorithmTag.Sha1 => "SHA1",
        HashAlgorithmTag.Sha256 => "SHA256",
        HashAlgorithmTag.Sha384 => "SHA384",
        HashAlgorithmTag.Sha512 => "SHA512",
        _ => hash.ToString().ToUpperInvariant(),
    };

    private static PgpKeyPair NewKeyPair(TestKeyAlgorithm algorithm, DateTime created)
    {
        if (algorithm == TestKeyAlgorithm.Ed25519)
        {
            var ed = new Ed25519KeyPairGenerator();
            ed.Init(new Ed25519KeyGenerationParameters(Random));
            return new PgpKeyPair(PublicKeyAlgorithmTag.EdDsa_Legacy, ed.GenerateKeyPair(), created);
        }

        IAsymmetricCipherKeyPairGenerator rsa = new RsaKeyPairGenerator();
        rsa.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), Random, 2048, 80));
        return new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, rsa.GenerateKeyPair(), created);
    }

    /// <summary>The primary key binding ("back") signature a signing subkey carries.</summary>
    private static PgpSignature BackSignature(PgpKeyPair primary, PgpKeyPair subkey, DateTime created)
    {
        var generator = new PgpSignatureGenerator(subkey.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.PrimaryKeyBinding, subkey.PrivateKey, Random);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, created);
        generator.SetHashedSubpackets(hashed.Generate());
        return generator.GenerateCertification(primary.PublicKey, subkey.PublicKey);
    }
}
