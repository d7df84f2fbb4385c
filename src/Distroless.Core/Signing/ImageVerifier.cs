using System.Collections.Immutable;
using Distroless.Oci;

namespace Distroless.Signing;

/// <summary>What `distroless verify` established: every manifest of the image signed by the key, with its provenance when it has one.</summary>
public sealed record ImageVerification(Digest Digest, VerificationKey Key, ImmutableArray<(AttachedSubject Subject, SubjectVerification Result)> Subjects);

/// <summary>
/// Verifies an image against a public key: the index (when there is one) and every platform
/// image must carry a signature bundle that verifies and names it; a provenance, where
/// attached, must verify and name it too. The first failure is a DSTL600x error.
/// </summary>
public static class ImageVerifier
{
    public static ImageVerification Verify(AttachedImage image, VerificationKey key, string source)
    {
        var results = image.Subjects.Select(subject => (subject, AttestationVerifier.Verify(key, subject.Descriptor.Digest,
            image.Subjects.Length == 1 ? $"{source} ({subject.Descriptor.Digest})" : $"the {subject.Name} manifest of {source} ({subject.Descriptor.Digest})",
            image.AttachedTo(subject.Descriptor.Digest))));
        return new ImageVerification(image.Digest, key, [.. results]);
    }
}
