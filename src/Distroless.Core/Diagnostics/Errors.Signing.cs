namespace Distroless.Diagnostics;

/// <summary>
/// The errors of signing and verification (DSTL6001–6029). No message ever carries key
/// material or a password: only the key file's path, the kind of key, and the public key's hint.
/// </summary>
public static partial class Errors
{
    private const string MakeKey =
        "Create one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signing.pem` " +
        "(or `-algorithm ed25519`), add `-aes-256-cbc` to encrypt it, and publish its public half " +
        "(`openssl pkey -in signing.pem -pubout -out signing.pub.pem`).";

    public static DistrolessException SigningKeyUnreadable(string path, string reason) => E(
        DiagnosticCodes.SigningKeyUnreadable,
        $"cannot read the signing key \"{path}\": {reason}.",
        $"Set {Setting.Named("DistrolessSigningKey")} to the path of a PEM private key file this build can read (relative paths are relative to the project).");

    public static DistrolessException SigningKeyMalformed(string path, string reason) => E(
        DiagnosticCodes.SigningKeyMalformed,
        $"the signing key \"{path}\" is not a usable PEM private key: {reason}.",
        "DistrolessSigningKey must name a PEM file holding a PKCS#8 (\"PRIVATE KEY\", \"ENCRYPTED PRIVATE KEY\") or SEC1 " +
        "(\"EC PRIVATE KEY\") private key. " + MakeKey);

    public static DistrolessException SigningKeyPasswordMissing(string path, string variable) => E(
        DiagnosticCodes.SigningKeyPasswordMissing,
        $"the signing key \"{path}\" is encrypted, and {variable} is not set.",
        $"Set the environment variable {variable} to the key's password (in CI, from a secret); it is never read from a property or a file.");

    public static DistrolessException SigningKeyPasswordWrong(string path, string variable) => E(
        DiagnosticCodes.SigningKeyPasswordWrong,
        $"the signing key \"{path}\" cannot be decrypted with the password in {variable}.",
        $"Set {variable} to the password the key was encrypted with.");

    /// <param name="path">The key file.</param>
    /// <param name="kind">What the key is ("an RSA key").</param>
    /// <param name="conversion">How to turn this key into a supported one, when there is a way.</param>
    public static DistrolessException SigningKeyUnsupported(string path, string kind, string? conversion = null) => E(
        DiagnosticCodes.SigningKeyUnsupported,
        $"the signing key \"{path}\" is {kind}, which is not supported; images are signed with ECDSA P-256 (SHA-256) or Ed25519 keys.",
        conversion ?? MakeKey);

    public static DistrolessException VerificationKeyUnusable(string path, string reason) => E(
        DiagnosticCodes.VerificationKeyUnusable,
        $"the public key \"{path}\" cannot be used: {reason}.",
        "Pass the PEM public key (\"PUBLIC KEY\") of the ECDSA P-256 or Ed25519 key the image was signed with, " +
        "e.g. from `openssl pkey -in signing.pem -pubout`.");

    public static DistrolessException AttestationMissing(string image, string what) => E(
        DiagnosticCodes.AttestationMissing,
        $"{image} has no {what}.",
        "Publish it with DistrolessSigningKey set (and DistrolessProvenance not false); an archive carries them, and a push attaches them as referrers.");

    public static DistrolessException AttestationSignatureInvalid(string image, string what, string detail) => E(
        DiagnosticCodes.AttestationSignatureInvalid,
        $"the {what} of {image} does not verify: {detail}.",
        "Check that --key is the public half of the key the image was signed with; if it is, the attestation was altered: do not trust the image.");

    public static DistrolessException AttestationSubjectMismatch(string image, string what, string named) => E(
        DiagnosticCodes.AttestationSubjectMismatch,
        $"the {what} attached to {image} is about {named}, not this image.",
        "An attestation was moved from another image: do not trust it; sign this image again.");

    public static DistrolessException MalformedAttestation(string what, string detail) => E(
        DiagnosticCodes.MalformedAttestation,
        $"cannot read {what}: {detail}.",
        "The attestation is damaged or in a format this version does not read (Sigstore bundle v0.3 with a DSSE envelope holding an in-toto Statement v1).");
}
