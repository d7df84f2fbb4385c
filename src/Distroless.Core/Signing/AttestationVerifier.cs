using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Registry;

namespace Distroless.Signing;

/// <summary>A statement whose bundle verified: what it says, and the digest of the bundle it came in.</summary>
public sealed record VerifiedStatement(InTotoStatement Statement, Digest Bundle);

/// <summary>What verification found for one image (or index): its signature, and its provenance when it has one.</summary>
public sealed record SubjectVerification(Digest Subject, VerifiedStatement Signature, VerifiedStatement? Provenance);

/// <summary>
/// Checks the Sigstore bundles attached to an image against a public key, as cosign does with
/// --key: a bundle counts when its DSSE signature verifies with the key, and a statement that
/// verifies must be about this image (its subject digest), or it was moved from another one.
/// The image needs a valid signature; a provenance, when one is attached, must verify too.
/// </summary>
public static class AttestationVerifier
{
    /// <param name="key">The public key the image is expected to be signed with.</param>
    /// <param name="subject">The image manifest's (or index's) digest.</param>
    /// <param name="description">How messages name the image.</param>
    /// <param name="attached">Everything attached to it as a referrer (bundles of other types and other artifacts are ignored).</param>
    public static SubjectVerification Verify(VerificationKey key, Digest subject, string description, IEnumerable<Referrer> attached)
    {
        var bundles = attached.Where(Attestations.IsBundle).Select(referrer => Read(referrer, description)).ToList();
        var signature = Check(key, subject, description, bundles, Attestations.SignaturePredicateType, "signature")
            ?? throw Errors.AttestationMissing(description, "signature (no Sigstore bundle signing it is attached)");
        var provenance = Check(key, subject, description, bundles, Provenance.SlsaProvenance.PredicateType, "SLSA provenance");
        return new SubjectVerification(subject, signature, provenance);
    }

    /// <summary>The first bundle of <paramref name="predicateType"/> that verifies; null when there is none of that type.</summary>
    private static VerifiedStatement? Check(VerificationKey key, Digest subject, string description,
        List<(SigstoreBundle Bundle, Digest Digest, string? PredicateType)> bundles, string predicateType, string what)
    {
        var candidates = bundles.Where(b => b.PredicateType == predicateType).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        VerifiedStatement? verified = null;
        foreach (var (bundle, digest, _) in candidates)
        {
            if (bundle.Envelope.PayloadType != DsseEnvelope.InTotoPayloadType || !bundle.Envelope.IsSignedBy(key))
            {
                continue;
            }

            var statement = Statement(bundle, description);
            if (!statement.Subjects.Any(s => s.Digest == subject))
            {
                throw Errors.AttestationSubjectMismatch(description, what, string.Join(", ", statement.Subjects.Select(s => $"{s.Name}@{s.Digest}")));
            }

            verified ??= new VerifiedStatement(statement, digest);
        }

        return verified ?? throw Errors.AttestationSignatureInvalid(description, what,
            $"none of its {candidates.Count} bundle(s) has a signature that verifies with the {key.Algorithm} key {key.Hint}");
    }

    /// <summary>A bundle, and what it says it holds (read before verifying, only to sort it; nothing unverified is trusted).</summary>
    private static (SigstoreBundle Bundle, Digest Digest, string? PredicateType) Read(Referrer referrer, string description)
    {
        SigstoreBundle bundle;
        try
        {
            bundle = SigstoreBundle.Parse(referrer.Content);
        }
        catch (FormatException e)
        {
            throw Errors.MalformedAttestation($"a Sigstore bundle attached to {description}", e.Message);
        }

        string? predicateType;
        try
        {
            predicateType = InTotoStatement.Parse(bundle.Envelope.Payload).PredicateType;
        }
        catch (FormatException)
        {
            predicateType = referrer.Annotations?.GetValueOrDefault(Attestations.PredicateTypeAnnotation);
        }

        return (bundle, Digest.Compute(referrer.Content), predicateType);
    }

    private static InTotoStatement Statement(SigstoreBundle bundle, string description)
    {
        try
        {
            return InTotoStatement.Parse(bundle.Envelope.Payload);
        }
        catch (FormatException e)
        {
            throw Errors.MalformedAttestation($"the signed statement attached to {description}", e.Message);
        }
    }
}
