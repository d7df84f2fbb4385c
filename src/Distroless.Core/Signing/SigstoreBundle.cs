using System.Collections.Immutable;
using System.Text.Json;
using Distroless.Oci;

namespace Distroless.Signing;

/// <summary>
/// A Sigstore bundle v0.3 (protobuf-specs' Bundle in its JSON form) holding a DSSE envelope:
/// what cosign, sigstore-js and sigstore-go verify. The verification material is a public key
/// hint, with no transparency log entry and no timestamp: those need Rekor and a timestamp
/// authority, which a build cannot count on reaching. They would go into
/// <c>verificationMaterial.tlogEntries</c> and <c>timestampVerificationData</c> (and a Fulcio
/// certificate in place of the hint), which this type leaves empty: the seam for keyless signing.
/// </summary>
public sealed record SigstoreBundle(string PublicKeyHint, DsseEnvelope Envelope)
{
    public const string MediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /// <summary>A bundle of <paramref name="statement"/> signed by <paramref name="key"/>.</summary>
    public static SigstoreBundle Sign(SigningKey key, InTotoStatement statement)
        => new(key.PublicKey.Hint, DsseEnvelope.Sign(key, DsseEnvelope.InTotoPayloadType, statement.ToJson()));

    public byte[] ToJson() => OciJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("mediaType", MediaType);
        w.WriteStartObject("verificationMaterial");
        w.WriteStartObject("publicKey");
        w.WriteString("hint", PublicKeyHint);
        w.WriteEndObject();
        w.WriteStartArray("tlogEntries");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("dsseEnvelope");
        w.WriteBase64String("payload", Envelope.Payload);
        w.WriteString("payloadType", Envelope.PayloadType);
        w.WriteStartArray("signatures");
        foreach (var signature in Envelope.Signatures)
        {
            w.WriteStartObject();
            w.WriteBase64String("sig", signature.Sig);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// Reads a bundle (v0.1–v0.3 media types) with a DSSE envelope; <see cref="FormatException"/>
    /// saying what is wrong otherwise (a message signature, a missing field, bad base64).
    /// </summary>
    public static SigstoreBundle Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var mediaType = root.TryGetProperty("mediaType", out var m) ? m.GetString() : null;
            if (mediaType is null || !Attestations.IsBundleType(mediaType))
            {
                throw new FormatException($"it is not a Sigstore bundle (mediaType {mediaType ?? "missing"})");
            }

            if (!root.TryGetProperty("dsseEnvelope", out var envelope))
            {
                throw new FormatException(root.TryGetProperty("messageSignature", out _)
                    ? "it holds a message signature, not a DSSE envelope"
                    : "it has no dsseEnvelope");
            }

            var material = root.GetProperty("verificationMaterial");
            var hint = material.TryGetProperty("publicKey", out var key) && key.TryGetProperty("hint", out var h) ? h.GetString() ?? "" : "";
            var signatures = envelope.GetProperty("signatures").EnumerateArray()
                .Select(s => new DsseSignature(s.GetProperty("sig").GetBytesFromBase64()))
                .ToImmutableArray();
            return new SigstoreBundle(hint, new DsseEnvelope(envelope.GetProperty("payloadType").GetString()!,
                envelope.GetProperty("payload").GetBytesFromBase64(), signatures));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"it is not a Sigstore bundle ({e.Message})", e);
        }
    }
}
