using System.Collections.Immutable;
using Distroless.Oci;
using Distroless.Registry;

namespace Distroless.Signing;

/// <summary>
/// Signed statements about images, as OCI referrers laid out as cosign's bundle specification
/// describes: an artifact manifest of type <see cref="SigstoreBundle.MediaType"/> whose one
/// layer is the bundle (titled sha256-&lt;hex&gt;.sigstore.json), annotated with what the bundle
/// holds (dev.sigstore.bundle.content, dev.sigstore.bundle.predicateType), its subject the image.
/// </summary>
public static class Attestations
{
    /// <summary>The predicate of a cosign (v3) image signature: the statement's subject is the signed manifest.</summary>
    public const string SignaturePredicateType = "https://sigstore.dev/cosign/sign/v1";

    public const string ContentAnnotation = "dev.sigstore.bundle.content";
    public const string PredicateTypeAnnotation = "dev.sigstore.bundle.predicateType";

    /// <summary>The signature of <paramref name="subject"/> (an image manifest or index), named <paramref name="name"/> in the statement.</summary>
    public static Attachment Signature(SigningKey key, Descriptor subject, string name)
        => Attest(key, subject, name, SignaturePredicateType, "{}"u8.ToArray());

    /// <summary>A signed statement with <paramref name="predicate"/> (JSON) about <paramref name="subject"/>.</summary>
    public static Attachment Attest(SigningKey key, Descriptor subject, string name, string predicateType, byte[] predicate)
    {
        var statement = new InTotoStatement([new StatementSubject(name, subject.Digest)], predicateType, predicate);
        return new Attachment(subject, ToReferrer(SigstoreBundle.Sign(key, statement), predicateType));
    }

    public static Referrer ToReferrer(SigstoreBundle bundle, string predicateType)
    {
        var json = bundle.ToJson();
        return new Referrer(SigstoreBundle.MediaType, json)
        {
            Annotations = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                [ContentAnnotation] = "dsse-envelope",
                [PredicateTypeAnnotation] = predicateType,
            }),
            LayerAnnotations = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["org.opencontainers.image.title"] = $"sha256-{Digest.Compute(json).Hex}.sigstore.json",
            }),
        };
    }

    /// <summary>Whether a referrer is a Sigstore bundle (any version).</summary>
    public static bool IsBundle(Referrer referrer) => IsBundleType(referrer.ArtifactType);

    /// <summary>Whether an artifact type is a Sigstore bundle's (v0.1–v0.3, either media type form).</summary>
    public static bool IsBundleType(string artifactType) => artifactType.StartsWith("application/vnd.dev.sigstore.bundle", StringComparison.Ordinal);
}
