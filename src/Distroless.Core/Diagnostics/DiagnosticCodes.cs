namespace Distroless.Diagnostics;

/// <summary>
/// Every DSTL code in one place. docs/diagnostics.md documents each one (a test keeps the two
/// in step). Ranges: 1xxx configuration and project input, 2xxx Debian archive and base,
/// 3xxx application layers, 4xxx image output, 5xxx registries, 6001–6029 signing and
/// provenance, 9xxx internal.
/// </summary>
public static class DiagnosticCodes
{
    public const string NoDebianMirror = "DSTL1001";
    public const string UnsupportedRuntimeIdentifier = "DSTL1002";
    public const string NoAppHost = "DSTL1003";
    public const string InvalidProperty = "DSTL1004";
    public const string UnsupportedSuite = "DSTL1005";
    public const string InvalidImageReference = "DSTL1006";
    public const string UnknownContainerUser = "DSTL1007";

    // Warnings.
    public const string PropertyIgnored = "DSTL1101";

    public const string ArchiveUnreachable = "DSTL2001";
    public const string SignatureInvalid = "DSTL2002";
    public const string ReleaseExpired = "DSTL2003";
    public const string IndexChecksumMismatch = "DSTL2004";
    public const string PackageChecksumMismatch = "DSTL2005";
    public const string UnknownPackage = "DSTL2006";
    public const string IndexNotListed = "DSTL2007";
    public const string UnsatisfiedDependency = "DSTL2008";
    public const string MalformedPackage = "DSTL2009";
    public const string ReleaseMismatch = "DSTL2010";
    public const string UnsatisfiableDependency = "DSTL2011";
    public const string LockFileOutOfDate = "DSTL2012";
    public const string LockedPackageGone = "DSTL2013";
    public const string MalformedLockFile = "DSTL2014";
    public const string NativeDependencyMissing = "DSTL2015";

    // Warnings.
    public const string NativeDependencyUnresolved = "DSTL2101";
    public const string NativeDependencyNotAdded = "DSTL2102";
    public const string ContentsIndexUnavailable = "DSTL2103";

    public const string PublishOutputMissing = "DSTL3001";
    public const string MalformedAppManifest = "DSTL3002";
    public const string UnsafePath = "DSTL3003";
    public const string RuntimePackUnavailable = "DSTL3004";

    public const string OutputNotWritable = "DSTL4001";
    public const string CacheCorrupt = "DSTL4002";
    public const string LocalEngineFailed = "DSTL4003";
    public const string SourceImageUnusable = "DSTL4004";
    public const string NotRebaseable = "DSTL4005";
    public const string DiskFull = "DSTL4006";
    public const string PermissionDenied = "DSTL4007";
    public const string ReadOnlyFileSystem = "DSTL4008";
    public const string FileSystemError = "DSTL4009";

    // Warnings.
    public const string CacheRepaired = "DSTL4010";

    public const string RegistryAuthenticationFailed = "DSTL5001";
    public const string RegistryUnavailable = "DSTL5002";
    public const string RegistryTlsFailed = "DSTL5003";
    public const string RegistryRejected = "DSTL5004";
    public const string RegistryDigestMismatch = "DSTL5005";
    public const string BaseImageNotFound = "DSTL5006";
    public const string InsecureRegistryRefused = "DSTL5007";
    public const string CredentialHelperFailed = "DSTL5008";
    public const string NoMatchingPlatform = "DSTL5009";

    public const string SigningKeyUnreadable = "DSTL6001";
    public const string SigningKeyMalformed = "DSTL6002";
    public const string SigningKeyPasswordMissing = "DSTL6003";
    public const string SigningKeyPasswordWrong = "DSTL6004";
    public const string SigningKeyUnsupported = "DSTL6005";
    public const string VerificationKeyUnusable = "DSTL6006";
    public const string AttestationMissing = "DSTL6007";
    public const string AttestationSignatureInvalid = "DSTL6008";
    public const string AttestationSubjectMismatch = "DSTL6009";
    public const string MalformedAttestation = "DSTL6010";

    public const string InternalError = "DSTL9001";
}
