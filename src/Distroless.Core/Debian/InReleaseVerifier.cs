using System.Text;
using Distroless.Diagnostics;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Distroless.Debian;

/// <summary>The signed text of an InRelease file, and which key vouched for it until when.</summary>
public sealed record VerifiedText(string Text, string SignerKeyId, DateTimeOffset? SignerExpires);

/// <summary>
/// Verifies a clear-signed InRelease file: accepted when at least one of its signatures
/// verifies with a trusted key that was valid when it signed, whose key and primary key are
/// neither expired nor revoked now, and that uses SHA-256 or stronger (what apt and chisel
/// accept). Only the signed text is returned, so nothing unsigned reaches the index parser.
/// </summary>
public sealed class InReleaseVerifier
{
    private readonly DebianKeyring _keyring;
    private readonly TimeProvider _time;

    public InReleaseVerifier(DebianKeyring keyring, TimeProvider time)
    {
        _keyring = keyring;
        _time = time;
    }

    public DebianKeyring Keyring => _keyring;

    /// <summary>Returns the signed Release text; throws DSTL2002 otherwise.</summary>
    public VerifiedText Verify(byte[] inRelease, string url)
    {
        ClearSignedMessage message;
        List<PgpSignature> signatures;
        try
        {
            message = ClearSignedMessage.Parse(Encoding.UTF8.GetString(inRelease));
            signatures = ReadSignatures(message.ArmoredSignature);
        }
        catch (Exception e) when (e is FormatException or IOException or PgpException)
        {
            throw Errors.SignatureInvalid(url, "unreadable: " + e.Message);
        }

        // EdDSA first: BouncyCastle re-validates an RSA modulus (a probable-prime test) on every
        // verification, ~125 ms for Debian's 4096-bit keys; Ed25519 costs a few milliseconds.
        signatures = signatures.OrderBy(s => s.KeyAlgorithm == PublicKeyAlgorithmTag.EdDsa_Legacy || s.KeyAlgorithm == PublicKeyAlgorithmTag.Ed25519 ? 0 : 1).ToList();
        var signed = message.SignedBytes();
        var reasons = new List<string>();
        foreach (var signature in signatures)
        {
            var (reason, expires) = Check(signature, signed);
            if (reason is null)
            {
                return new VerifiedText(message.Text, signature.KeyId.ToString("X16"), expires);
            }

            reasons.Add($"{signature.KeyId:X16}: {reason}");
        }

        throw Errors.SignatureInvalid(url, reasons.Count == 0 ? "no signatures" : string.Join("; ", reasons));
    }

    /// <summary>Null when the signature is good (with when its key stops being valid); otherwise why not.</summary>
    private (string? Reason, DateTimeOffset? Expires) Check(PgpSignature signature, byte[] signed)
    {
        if (_keyring.Find(signature.KeyId) is not var (key, primary))
        {
            return ("not a trusted key", null);
        }

        if (signature.SignatureType != PgpSignature.CanonicalTextDocument
            && signature.SignatureType != PgpSignature.BinaryDocument)
        {
            return ($"signature type {signature.SignatureType} is not a document signature", null);
        }

        if (signature.HashAlgorithm is HashAlgorithmTag.MD5 or HashAlgorithmTag.Sha1
            or HashAlgorithmTag.RipeMD160 or HashAlgorithmTag.MD2 or HashAlgorithmTag.Sha224)
        {
            return ($"weak hash {signature.HashAlgorithm}", null);
        }

        if (key.HasRevocation() || primary.HasRevocation())
        {
            return ("the key is revoked", null);
        }

        var now = _time.GetUtcNow();
        var created = new DateTimeOffset(signature.CreationTime, TimeSpan.Zero);
        if (created < new DateTimeOffset(key.CreationTime, TimeSpan.Zero))
        {
            return ("signed before the key existed", null);
        }

        DateTimeOffset? expires = null;
        foreach (var k in new[] { key, primary })
        {
            var validSeconds = k.GetValidSeconds();
            if (validSeconds > 0)
            {
                var end = new DateTimeOffset(k.CreationTime, TimeSpan.Zero).AddSeconds(validSeconds);
                if (end < now)
                {
                    return ($"the key {k.KeyId:X16} expired on {end:u}", null);
                }

                expires = expires is null || end < expires ? end : expires;
            }
        }

        var sigExpiry = signature.GetHashedSubPackets()?.GetSignatureExpirationTime() ?? 0;
        if (sigExpiry > 0 && created.AddSeconds(sigExpiry) < now)
        {
            return ("the signature expired", null);
        }

        try
        {
            signature.InitVerify(key);
            signature.Update(signed);
            return signature.Verify() ? (null, expires) : ("bad signature", null);
        }
        catch (PgpException e)
        {
            return (e.Message, null);
        }
    }

    private static List<PgpSignature> ReadSignatures(string armored)
    {
        using var input = new ArmoredInputStream(new MemoryStream(Encoding.ASCII.GetBytes(armored)));
        var factory = new PgpObjectFactory(input);
        var result = new List<PgpSignature>();
        PgpObject? next;
        while ((next = factory.NextPgpObject()) is not null)
        {
            if (next is PgpSignatureList list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    result.Add(list[i]);
                }
            }
            else
            {
                throw new FormatException($"unexpected {next.GetType().Name} in the signature block");
            }
        }

        return result;
    }
}
