using System.Collections.Immutable;
using Distroless.Oci;
using Distroless.Provenance;
using Distroless.Registry;
using Distroless.Signing;

namespace Distroless.Cli.Inspection;

/// <summary>Describes the Sigstore bundles attached to an image's manifests for `distroless inspect` (without verifying them).</summary>
internal static class AttestationListing
{
    public static ImmutableArray<AttestationReport> For(Digest subject, IEnumerable<Attachment> attachments)
        => [.. attachments.Where(a => a.Subject.Digest == subject && Attestations.IsBundle(a.Referrer)).Select(a => Report(a.Referrer, subject))
            .OrderBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Digest, StringComparer.Ordinal)];

    private static AttestationReport Report(Referrer referrer, Digest subject)
    {
        string? predicateType = referrer.Annotations?.GetValueOrDefault(Attestations.PredicateTypeAnnotation);
        string? hint = null;
        try
        {
            var bundle = SigstoreBundle.Parse(referrer.Content);
            hint = bundle.PublicKeyHint.Length > 0 ? bundle.PublicKeyHint : null;
            predicateType = InTotoStatement.Parse(bundle.Envelope.Payload).PredicateType;
        }
        catch (FormatException)
        {
            // Listed as what its annotations say; `verify` reports what is wrong with it.
        }

        var kind = predicateType switch
        {
            Attestations.SignaturePredicateType => "signature",
            SlsaProvenance.PredicateType => "provenance",
            _ => "attestation",
        };
        return new AttestationReport(kind, predicateType, Digest.Compute(referrer.Content).ToString(), referrer.Content.Length, hint, subject.ToString());
    }
}
