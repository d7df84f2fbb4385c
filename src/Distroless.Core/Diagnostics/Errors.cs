namespace Distroless.Diagnostics;

/// <summary>
/// Factory for every <see cref="DistrolessException"/> the core raises, so message wording
/// and fixes live beside their codes instead of being scattered through the code.
/// </summary>
public static class Errors
{
    private static DistrolessException E(string code, string message, string fix, Exception? inner = null)
        => new(new Diagnostic(code, message, fix), inner);

    public static DistrolessException NoDebianMirror(string which, string property, string variable) => E(
        DiagnosticCodes.NoDebianMirror,
        $"no Debian {which} mirror is configured.",
        $"Set the MSBuild property {property} (or the environment variable {variable}) to the mirror's URI, " +
        "for example -p:" + property + "=http://<mirror>/debian; or list the mirror in /etc/apt/sources.list.d/.");

    public static DistrolessException UnsupportedRuntimeIdentifier(string rid) => E(
        DiagnosticCodes.UnsupportedRuntimeIdentifier,
        $"the runtime identifier \"{rid}\" is not a Linux runtime that a Debian base supports.",
        "Publish for linux-x64 or linux-arm64, e.g. dotnet publish -r linux-x64 -p:PublishDistroless=true.");

    public static DistrolessException NoAppHost(string appHost) => E(
        DiagnosticCodes.NoAppHost,
        $"the framework-dependent app has no apphost \"{appHost}\" to start it (the image has no dotnet command).",
        "Publish with an apphost: remove UseAppHost=false, or publish --self-contained.");

    public static DistrolessException InvalidProperty(string name, string value, string expected) => E(
        DiagnosticCodes.InvalidProperty,
        $"{name} has the invalid value \"{value}\".",
        $"Use {expected}.");

    public static DistrolessException UnsupportedSuite(string suite, IEnumerable<string> supported) => E(
        DiagnosticCodes.UnsupportedSuite,
        $"the Debian suite \"{suite}\" is not supported.",
        $"Set DistrolessDebianSuite to one of: {string.Join(", ", supported)}.");

    public static DistrolessException ArchiveUnreachable(string url, string reason, Exception? inner = null) => E(
        DiagnosticCodes.ArchiveUnreachable,
        $"cannot fetch {url}: {reason}.",
        "Check that the mirror URI is right and reachable (DistrolessDebianMirror, DistrolessDebianSecurityMirror, " +
        "or DISTROLESS_DEBIAN_MIRROR / DISTROLESS_DEBIAN_SECURITY_MIRROR).", inner);

    public static DistrolessException SignatureInvalid(string url, string detail) => E(
        DiagnosticCodes.SignatureInvalid,
        $"the OpenPGP signature of {url} does not verify with any Debian archive key this package trusts ({detail}).",
        "The mirror may be tampered with or serve another distribution; use an official Debian mirror.");

    public static DistrolessException ReleaseExpired(string url, DateTimeOffset validUntil) => E(
        DiagnosticCodes.ReleaseExpired,
        $"{url} expired on {validUntil:u} (Valid-Until), so security updates may be missing.",
        "Use a mirror that is kept current.");

    public static DistrolessException ReleaseMismatch(string url, string expected, string actual) => E(
        DiagnosticCodes.ReleaseMismatch,
        $"{url} describes \"{actual}\", not the requested suite \"{expected}\".",
        "Point the mirror setting at an archive that carries the requested suite.");

    public static DistrolessException IndexChecksumMismatch(string url, string expected, string actual) => E(
        DiagnosticCodes.IndexChecksumMismatch,
        $"{url} has SHA-256 {actual}, but the signed Release file says {expected}.",
        "The mirror is inconsistent or tampered with; retry later or use another mirror.");

    public static DistrolessException PackageChecksumMismatch(string url, string expected, string actual) => E(
        DiagnosticCodes.PackageChecksumMismatch,
        $"{url} has SHA-256 {actual}, but the signed package index says {expected}.",
        "The mirror is inconsistent or tampered with; retry later or use another mirror.");

    public static DistrolessException UnknownPackage(string name, string where) => E(
        DiagnosticCodes.UnknownPackage,
        $"the package \"{name}\" is not in {where}.",
        "Check the package name (it must exist for the suite and architecture), or remove it from DistrolessPackage.");

    public static DistrolessException IndexNotListed(string url, string path) => E(
        DiagnosticCodes.IndexNotListed,
        $"{url} lists no package index \"{path}\" (neither .gz, .xz nor uncompressed).",
        "Check the architecture and component; the suite may not carry it.");

    public static DistrolessException UnsatisfiedDependency(string package, string relation) => E(
        DiagnosticCodes.UnsatisfiedDependency,
        $"the base package \"{package}\" depends on \"{relation}\", which the base does not satisfy.",
        "Add the missing package with a DistrolessPackage item, or report the base list as a bug.");

    public static DistrolessException MalformedPackage(string what, string detail, Exception? inner = null) => E(
        DiagnosticCodes.MalformedPackage,
        $"cannot read {what}: {detail}.",
        "The download may be damaged; delete the cache directory (DISTROLESS_CACHE) and retry.", inner);

    public static DistrolessException PublishOutputMissing(string path) => E(
        DiagnosticCodes.PublishOutputMissing,
        $"the published file \"{path}\" does not exist.",
        "Run the image build after a successful dotnet publish, or publish again.");

    public static DistrolessException MalformedAppManifest(string path, string detail, Exception? inner = null) => E(
        DiagnosticCodes.MalformedAppManifest,
        $"cannot read the app manifest \"{path}\": {detail}.",
        "Publish again; the .deps.json or .runtimeconfig.json file in the publish directory is damaged.", inner);

    public static DistrolessException UnsafePath(string path) => E(
        DiagnosticCodes.UnsafePath,
        $"the image path \"{path}\" is absolute, empty or leaves its directory.",
        "Use relative paths inside the publish directory.");

    public static DistrolessException RuntimePackUnavailable(string id, string version, string detail) => E(
        DiagnosticCodes.RuntimePackUnavailable,
        $"cannot get the runtime pack {id} {version} for the image's .NET runtime: {detail}.",
        "Check the project's NuGet sources (NuGet.Config) and network, or publish --self-contained.");

    public static DistrolessException OutputNotWritable(string path, string reason, Exception? inner = null) => E(
        DiagnosticCodes.OutputNotWritable,
        $"cannot write the image to \"{path}\": {reason}.",
        "Choose a writable ContainerArchiveOutputPath.", inner);

    public static DistrolessException CacheCorrupt(string path, string detail) => E(
        DiagnosticCodes.CacheCorrupt,
        $"the cache entry \"{path}\" is damaged ({detail}).",
        "Delete it (or the whole DISTROLESS_CACHE directory); it is rebuilt on the next publish.");
}
