using System.Security.Cryptography;
using System.Text;
using Distroless.Diagnostics;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Distroless.Signing;

/// <summary>
/// A public key that verifies signatures: ECDSA P-256 with SHA-256 (through .NET's ECDsa, an
/// implementation independent of the signer's) or Ed25519. Its <see cref="Hint"/> is what a
/// Sigstore bundle names as its verification material.
/// </summary>
public sealed class VerificationKey
{
    internal const string EcPublicKeyOid = "1.2.840.10045.2.1";
    internal const string P256Oid = "1.2.840.10045.3.1.7";
    internal const string Ed25519Oid = "1.3.101.112";

    private readonly byte[] _subjectPublicKeyInfo;

    internal VerificationKey(string algorithm, byte[] subjectPublicKeyInfo)
    {
        Algorithm = algorithm;
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        Hint = Convert.ToBase64String(SHA256.HashData(subjectPublicKeyInfo));
    }

    /// <summary>"ECDSA P-256" or "Ed25519".</summary>
    public string Algorithm { get; }

    /// <summary>Base64 of the SHA-256 of the DER SubjectPublicKeyInfo: the bundle's public key hint (as cosign writes it).</summary>
    public string Hint { get; }

    /// <summary>The key as a PEM "PUBLIC KEY" block.</summary>
    public string ToPem() => new string(PemEncoding.Write("PUBLIC KEY", _subjectPublicKeyInfo)) + "\n";

    public bool Verify(byte[] message, byte[] signature)
    {
        if (Algorithm == "Ed25519")
        {
            var verifier = new Ed25519Signer();
            verifier.Init(false, new Ed25519PublicKeyParameters(
                SubjectPublicKeyInfo.GetInstance(_subjectPublicKeyInfo).PublicKey.GetBytes(), 0));
            verifier.BlockUpdate(message, 0, message.Length);
            return verifier.VerifySignature(signature);
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
        return ecdsa.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>Reads a PEM public key file (DSTL6006 when it is not an ECDSA P-256 or Ed25519 "PUBLIC KEY").</summary>
    public static VerificationKey Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.ASCII);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Errors.VerificationKeyUnusable(path, e is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : e.Message);
        }

        foreach (var (label, der) in PemBlocks.Read(text))
        {
            if (label == "PUBLIC KEY")
            {
                return FromSubjectPublicKeyInfo(der, kind => Errors.VerificationKeyUnusable(path, $"it is {kind}, not an ECDSA P-256 or Ed25519 key"),
                    reason => Errors.VerificationKeyUnusable(path, reason));
            }

            if (label.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                throw Errors.VerificationKeyUnusable(path, "it holds a private key; pass its public half");
            }
        }

        throw Errors.VerificationKeyUnusable(path, "it has no PEM \"PUBLIC KEY\" block");
    }

    /// <summary>A DER SubjectPublicKeyInfo as a key, or the error <paramref name="unsupported"/> / <paramref name="malformed"/> makes.</summary>
    internal static VerificationKey FromSubjectPublicKeyInfo(byte[] der, Func<string, Exception> unsupported, Func<string, Exception> malformed)
    {
        SubjectPublicKeyInfo info;
        try
        {
            info = SubjectPublicKeyInfo.GetInstance(der);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException)
        {
            throw malformed("its content is not a DER SubjectPublicKeyInfo");
        }

        var algorithm = info.Algorithm.Algorithm.Id;
        if (algorithm == Ed25519Oid)
        {
            return new VerificationKey("Ed25519", der);
        }

        if (algorithm != EcPublicKeyOid)
        {
            throw unsupported(KeyKinds.Name(algorithm));
        }

        var curve = info.Algorithm.Parameters?.ToAsn1Object() is Org.BouncyCastle.Asn1.DerObjectIdentifier oid ? oid.Id : "explicit parameters";
        if (curve != P256Oid)
        {
            throw unsupported($"an ECDSA key on the curve {KeyKinds.Name(curve)}");
        }

        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(der, out _);
        }
        catch (CryptographicException)
        {
            throw malformed("its ECDSA public point is invalid");
        }

        return new VerificationKey("ECDSA P-256", der);
    }
}
