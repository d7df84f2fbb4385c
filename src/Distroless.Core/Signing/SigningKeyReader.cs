using System.Security.Cryptography;
using System.Text;
using Distroless.Diagnostics;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace Distroless.Signing;

/// <summary>
/// Reads a PEM private key file (DistrolessSigningKey): PKCS#8 "PRIVATE KEY", encrypted PKCS#8
/// "ENCRYPTED PRIVATE KEY" (the password comes from the host, which reads
/// <see cref="PasswordVariable"/>), or SEC1 "EC PRIVATE KEY". ECDSA P-256 keys are imported by
/// .NET's ECDsa; Ed25519 keys (which .NET lacks) and the decryption of encrypted PKCS#8 are
/// BouncyCastle's. Everything wrong with the file is a DSTL6001–6005 error naming the path and
/// never its content.
/// </summary>
public static class SigningKeyReader
{
    /// <summary>Where hosts read the password of an encrypted key from; never a property, a plan or a file.</summary>
    public const string PasswordVariable = "DISTROLESS_SIGNING_KEY_PASSWORD";

    /// <param name="path">The PEM file.</param>
    /// <param name="password">Asked only for an encrypted key; null or empty when none is set.</param>
    public static SigningKey Read(string path, Func<string?> password)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.ASCII);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Errors.SigningKeyUnreadable(path, e is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : e.Message);
        }

        if (PemBlocks.HasLegacyEncryption(text))
        {
            throw Errors.SigningKeyUnsupported(path, "encrypted in OpenSSL's legacy PEM format (Proc-Type: 4,ENCRYPTED)",
                "Convert it to encrypted PKCS#8, which keeps the key: `openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.pem -out signing.pem`.");
        }

        foreach (var (label, der) in PemBlocks.Read(text))
        {
            try
            {
                switch (label)
                {
                    case "PRIVATE KEY":
                        return FromPkcs8(path, PrivateKeyInfo.GetInstance(der));
                    case "ENCRYPTED PRIVATE KEY":
                        return FromPkcs8(path, Decrypt(path, der, password()));
                    case "EC PRIVATE KEY":
                        return FromSec1(path, der);
                    case "RSA PRIVATE KEY":
                        throw Errors.SigningKeyUnsupported(path, "an RSA key");
                    case "OPENSSH PRIVATE KEY":
                        throw Errors.SigningKeyUnsupported(path, "in OpenSSH's format",
                            "Convert it in place to PKCS#8, which keeps the key: `ssh-keygen -p -m PKCS8 -f <file>` (for an ECDSA P-256 key; OpenSSH cannot write Ed25519 keys as PKCS#8).");
                    case "ENCRYPTED SIGSTORE PRIVATE KEY" or "ENCRYPTED COSIGN PRIVATE KEY":
                        throw Errors.SigningKeyUnsupported(path, "a key in cosign's own encrypted format");
                    case "PUBLIC KEY" or "CERTIFICATE":
                        throw Errors.SigningKeyMalformed(path, $"it holds a {label.ToLowerInvariant()}, not the private key");
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or CryptographicException or FormatException)
            {
                // ASN.1 that does not parse: the block is damaged, or not what its label says.
                throw Errors.SigningKeyMalformed(path, $"its {label} block is damaged");
            }
        }

        throw Errors.SigningKeyMalformed(path, "it has no PEM private key block");
    }

    private static PrivateKeyInfo Decrypt(string path, byte[] der, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw Errors.SigningKeyPasswordMissing(path, PasswordVariable);
        }

        var characters = password.ToCharArray();
        try
        {
            return PrivateKeyInfoFactory.CreatePrivateKeyInfo(characters, EncryptedPrivateKeyInfo.GetInstance(der));
        }
        catch (Exception e) when (e is Org.BouncyCastle.Crypto.InvalidCipherTextException or Org.BouncyCastle.Crypto.DataLengthException
            or ArgumentException or InvalidCastException or IOException)
        {
            // A wrong password gives bad padding, or (rarely) padding that fits and garbage that does not parse.
            throw Errors.SigningKeyPasswordWrong(path, PasswordVariable);
        }
        catch (SecurityUtilityException)
        {
            throw Errors.SigningKeyUnsupported(path, "encrypted with a scheme this reader does not know (use PBES2 with AES)");
        }
        finally
        {
            Array.Clear(characters);
        }
    }

    private static SigningKey FromPkcs8(string path, PrivateKeyInfo info)
    {
        var algorithm = info.PrivateKeyAlgorithm.Algorithm.Id;
        if (algorithm == VerificationKey.Ed25519Oid)
        {
            return SigningKey.Ed25519((Ed25519PrivateKeyParameters)PrivateKeyFactory.CreateKey(info));
        }

        if (algorithm != VerificationKey.EcPublicKeyOid)
        {
            throw Errors.SigningKeyUnsupported(path, KeyKinds.Name(algorithm));
        }

        CheckCurve(path, info.PrivateKeyAlgorithm.Parameters);
        var pkcs8 = info.GetEncoded();
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return FromEcdsa(ecdsa);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static SigningKey FromSec1(string path, byte[] der)
    {
        CheckCurve(path, ECPrivateKeyStructure.GetInstance(der).Parameters);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportECPrivateKey(der, out _);
        return FromEcdsa(ecdsa);
    }

    /// <summary>Only P-256: the curve cosign and Sigstore pair with SHA-256.</summary>
    private static void CheckCurve(string path, Asn1Encodable? parameters)
    {
        var curve = parameters?.ToAsn1Object() is DerObjectIdentifier oid ? oid.Id : null;
        if (curve != VerificationKey.P256Oid)
        {
            throw Errors.SigningKeyUnsupported(path, $"an ECDSA key on the curve {(curve is null ? "given by explicit parameters" : KeyKinds.Name(curve))}");
        }
    }

    private static SigningKey FromEcdsa(ECDsa ecdsa)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
        try
        {
            return SigningKey.EcdsaP256(parameters, ecdsa.ExportSubjectPublicKeyInfo());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }
}
