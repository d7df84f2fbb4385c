using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Distroless.Signing;

/// <summary>
/// DSSE (Dead Simple Signing Envelope, v1): what is signed is not the payload alone but its
/// pre-authentication encoding, which binds the payload type, so a signed in-toto statement
/// cannot be replayed as something else.
/// </summary>
public sealed record DsseEnvelope(string PayloadType, byte[] Payload, ImmutableArray<DsseSignature> Signatures)
{
    /// <summary>The payload type of an in-toto statement.</summary>
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>An envelope with one signature by <paramref name="key"/>.</summary>
    public static DsseEnvelope Sign(SigningKey key, string payloadType, byte[] payload)
        => new(payloadType, payload, [new DsseSignature(key.Sign(PreAuthenticationEncoding(payloadType, payload)))]);

    /// <summary>Whether any signature verifies with <paramref name="key"/>.</summary>
    public bool IsSignedBy(VerificationKey key)
    {
        var message = PreAuthenticationEncoding(PayloadType, Payload);
        return Signatures.Any(s => key.Verify(message, s.Sig));
    }

    /// <summary>PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths as ASCII decimal byte counts.</summary>
    public static byte[] PreAuthenticationEncoding(string payloadType, byte[] payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        return [.. header, .. type, .. middle, .. payload];
    }
}

/// <summary>One signature of an envelope; DSSE's key id is optional and left out (the bundle names the key).</summary>
public sealed record DsseSignature(byte[] Sig);
