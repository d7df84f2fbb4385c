using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Distroless.Signing;

/// <summary>
/// A private key that signs attestations: ECDSA P-256 over SHA-256 or Ed25519, the schemes
/// Sigstore verifiers accept for a public-key bundle. Read one with <see cref="SigningKeyReader"/>.
/// </summary>
/// <remarks>
/// Signatures are deterministic: Ed25519 is by design, and ECDSA takes its nonce from the key
/// and the message (RFC 6979) instead of a random source, which .NET's ECDsa cannot do. So the
/// same image signed with the same key gives the same bundle: an archive stays byte-for-byte
/// reproducible, and a republish finds its signature already attached instead of piling up a
/// new one each time. The key lives only in this object's memory.
/// </remarks>
public abstract class SigningKey
{
    private protected SigningKey(string algorithm, byte[] subjectPublicKeyInfo)
    {
        Algorithm = algorithm;
        PublicKey = new VerificationKey(algorithm, subjectPublicKeyInfo);
    }

    /// <summary>"ECDSA P-256" or "Ed25519", for messages.</summary>
    public string Algorithm { get; }

    /// <summary>The public half: what a bundle's key hint names and what verifies the signatures.</summary>
    public VerificationKey PublicKey { get; }

    /// <summary>The signature over <paramref name="message"/>: DER-encoded (r, s) for ECDSA, 64 bytes for Ed25519.</summary>
    public abstract byte[] Sign(byte[] message);

    public override string ToString() => $"{Algorithm} key {PublicKey.Hint}";

    internal static SigningKey EcdsaP256(ECParameters parameters, byte[] subjectPublicKeyInfo)
        => new EcdsaP256Key(parameters, subjectPublicKeyInfo);

    internal static SigningKey Ed25519(Ed25519PrivateKeyParameters key)
        => new Ed25519Key(key, key.GeneratePublicKey());

    private sealed class EcdsaP256Key : SigningKey
    {
        private static readonly ECDomainParameters Curve = new(Org.BouncyCastle.Asn1.X9.ECNamedCurveTable.GetByOid(
            new Org.BouncyCastle.Asn1.DerObjectIdentifier(VerificationKey.P256Oid)));
        private readonly ECPrivateKeyParameters _key;

        public EcdsaP256Key(ECParameters parameters, byte[] subjectPublicKeyInfo)
            : base("ECDSA P-256", subjectPublicKeyInfo)
            => _key = new ECPrivateKeyParameters(new Org.BouncyCastle.Math.BigInteger(1, parameters.D!), Curve);

        public override byte[] Sign(byte[] message)
        {
            // RFC 6979 nonce, SHA-256 digest, DER output (what Sigstore verifiers and .NET's Rfc3279DerSequence expect).
            var signer = new DsaDigestSigner(new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest())), new Sha256Digest());
            signer.Init(true, _key);
            signer.BlockUpdate(message, 0, message.Length);
            return signer.GenerateSignature();
        }
    }

    private sealed class Ed25519Key(Ed25519PrivateKeyParameters key, Ed25519PublicKeyParameters publicKey)
        : SigningKey("Ed25519", Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetEncoded())
    {
        public override byte[] Sign(byte[] message)
        {
            var signer = new Ed25519Signer();
            signer.Init(true, key);
            signer.BlockUpdate(message, 0, message.Length);
            return signer.GenerateSignature();
        }
    }
}
