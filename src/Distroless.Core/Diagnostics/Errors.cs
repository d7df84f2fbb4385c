namespace Distroless.Diagnostics;

/// <summary>
/// Factory for every <see cref="DistrolessException"/> the core raises, so message wording
/// and fixes live beside their codes instead of being scattered through the code.
/// </summary>
public static partial class Errors
{
    private static DistrolessException E(string code, string message, string fix, Exception? inner = null)
        => new(new Diagnostic(code, SinglePeriod(message), fix), inner);

    /// <summary>
    /// A reason taken from elsewhere (an exception's message), ready to be embedded in a sentence
    /// that adds its own period: without a trailing period or white space.
    /// </summary>
    public static string Reason(string text) => text.Trim().TrimEnd('.').TrimEnd();

    /// <summary>A message that embedded a reason ending in a period ends in one period, not two ("….tmp'..").</summary>
    private static string SinglePeriod(string message)
    {
        var end = message.Length;
        while (end > 1 && message[end - 1] == '.' && message[end - 2] == '.' && (end < 3 || message[end - 3] != '.'))
        {
            end--;
        }

        return message[..end];
    }

    public static DistrolessException NoDebianMirror(string which, string property, string variable) => E(
        DiagnosticCodes.NoDebianMirror,
        $"no Debian {which} mirror is configured.",
        $"Set {Setting.Named(property)} (or the environment variable {variable}) to the mirror's URI, for example " +
        Setting.Assigned(property, $"http://<mirror>/{(which == "security" ? "debian-security" : "debian")}") + "; or list the mirror in /etc/apt/sources.list.d/.");

    public static DistrolessException UnsupportedRuntimeIdentifier(string rid) => E(
        DiagnosticCodes.UnsupportedRuntimeIdentifier,
        $"the runtime identifier \"{rid}\" is not a Linux runtime that a Debian base supports.",
        "Publish for linux-x64 or linux-arm64, e.g. dotnet publish -r linux-x64 -p:PublishDistroless=true.");

    public static DistrolessException NoAppHost(string appHost) => E(
        DiagnosticCodes.NoAppHost,
        $"the framework-dependent app has no apphost \"{appHost}\" to start it (the image has no dotnet command).",
        "Publish with an apphost: remove UseAppHost=false, or publish --self-contained.");

    public static DistrolessException NativeDependencyMissing(IEnumerable<string> needs) => E(
        DiagnosticCodes.NativeDependencyMissing,
        $"the app's native code needs libraries that no Debian package provides: {string.Join("; ", needs)}.",
        "Give the image the library (in the app's publish output, or through a base that has it), or set " +
        "DistrolessStrictNativeDependencies=false to publish anyway with a warning for each.");

    public static DistrolessException InvalidProperty(string name, string value, string expected) => E(
        DiagnosticCodes.InvalidProperty,
        $"{Setting.Named(name)} has the invalid value \"{value}\".",
        $"Use {expected}.");

    public static DistrolessException UnsupportedSuite(string suite, IEnumerable<string> supported) => E(
        DiagnosticCodes.UnsupportedSuite,
        $"the Debian suite \"{suite}\" is not supported.",
        $"Set {Setting.Named("DistrolessDebianSuite")} to one of: {string.Join(", ", supported)}.");

    /// <summary>DSTL1004 for a value the user never set: it says where the value came from and which property replaces it.</summary>
    public static DistrolessException InvalidDerivedProperty(string name, string value, string source, string sourceValue, string expected) => E(
        DiagnosticCodes.InvalidProperty,
        $"{Setting.Named(name)} is not set, so it is derived from {Setting.Named(source)} \"{sourceValue}\" as \"{value}\", which is not valid.",
        $"Set {Setting.Named(name)} to {expected}.");

    public static DistrolessException UnknownContainerUser(string user, string kind, string name, string image, IReadOnlyList<string> existing)
    {
        var file = kind == "user" ? "/etc/passwd" : "/etc/group";
        return E(
            DiagnosticCodes.UnknownContainerUser,
            $"ContainerUser \"{user}\" names the {kind} \"{name}\", which {image} does not have " +
            (existing.Count == 0 ? $"(it has no {file})." : $"in {file} (it has: {string.Join(", ", existing)})."),
            $"Set {Setting.Named("ContainerUser")} to " + (existing.Count == 0 ? "" : "one of those names, or to ") +
            "a numeric uid[:gid] (e.g. 65532), which needs no entry.");
    }

    public static DistrolessException InvalidImageReference(string reference, string property, string reason) => E(
        DiagnosticCodes.InvalidImageReference,
        $"{property} \"{reference}\" is not a valid image reference: {reason}.",
        "Write it as [registry[:port]/]repository[:tag][@sha256:digest], in lowercase, e.g. registry.example/shop/api:1.4.2.");

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

    public static DistrolessException UnsatisfiableDependency(string relation, string neededBy, string available) => E(
        DiagnosticCodes.UnsatisfiableDependency,
        $"\"{relation}\", needed by {neededBy}, cannot be satisfied (available versions: {available}).",
        "Relax the version in the DistrolessPackage item, or choose a suite that has a matching version.");

    public static DistrolessException LockFileOutOfDate(string path, string change) => E(
        DiagnosticCodes.LockFileOutOfDate,
        $"the lock file \"{path}\" does not match this build: {change}.",
        $"Run the publish once with {Setting.Assigned("DistrolessUpdateLock", "true")} (or without {Setting.Assigned("DistrolessLocked", "true")}) and commit the updated lock file.");

    public static DistrolessException NoArchiveAtMirror(string mirror, string inRelease, string package) => E(
        DiagnosticCodes.ArchiveUnreachable,
        $"the mirror {mirror} has no Debian archive there: it answers 404 (not found) for the suite's {inRelease} as well as for {package}.",
        "Point the mirror setting at the directory that holds dists/ and pool/ (e.g. http://<mirror>/debian): DistrolessDebianMirror, " +
        "DistrolessDebianSecurityMirror, or DISTROLESS_DEBIAN_MIRROR / DISTROLESS_DEBIAN_SECURITY_MIRROR.");

    public static DistrolessException LockedPackageGone(string package, string version, string url) => E(
        DiagnosticCodes.LockedPackageGone,
        $"the locked package {package} {version} is no longer on the mirror ({url}).",
        $"Debian removes superseded versions: update the lock with {Setting.Assigned("DistrolessUpdateLock", "true")}, or point the mirror at a snapshot that has it.");

    public static DistrolessException MalformedLockFile(string path, string detail) => E(
        DiagnosticCodes.MalformedLockFile,
        $"cannot read the lock file \"{path}\": {detail}.",
        "Restore it from version control, or delete it to have it written again.");

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

    public static DistrolessException LocalEngineFailed(string engine, string detail) => E(
        DiagnosticCodes.LocalEngineFailed,
        $"cannot load the image into {engine}: {detail}.",
        $"Check that {engine} is installed and works (\"{engine} images\"), or set ContainerArchiveOutputPath to write an archive instead.");

    public static DistrolessException SourceImageUnusable(string source, string detail) => E(
        DiagnosticCodes.SourceImageUnusable,
        $"cannot read the image {source}: {detail}.",
        "Pass an OCI image archive (as written by a publish) or a registry reference.");

    public static DistrolessException NotRebaseable(string source, string detail) => E(
        DiagnosticCodes.NotRebaseable,
        $"the image {source} cannot be rebased: {detail}.",
        "Rebase works on images built by Distroless.Sdk on its generated Debian base; rebuild other images instead.");

    public static DistrolessException RegistryAuthenticationFailed(string registry, string detail) => E(
        DiagnosticCodes.RegistryAuthenticationFailed,
        $"the registry {registry} refused the credentials ({detail}).",
        "Log in again (docker login / podman login), or set DOTNET_CONTAINER_REGISTRY_UNAME and DOTNET_CONTAINER_REGISTRY_PWORD.");

    public static DistrolessException RegistryUnavailable(string registry, string operation, int attempts, string last, Exception? inner = null) => E(
        DiagnosticCodes.RegistryUnavailable,
        $"the registry {registry} did not complete {operation} after {attempts} attempts; it last said: {last}.",
        "Check that the registry is up and reachable; transient errors are retried with backoff.", inner);

    public static DistrolessException RegistryTlsFailed(string registry, string detail, Exception? inner = null) => E(
        DiagnosticCodes.RegistryTlsFailed,
        $"the TLS connection to {registry} failed: {detail}.",
        "Add the registry's CA to the system trust store (or SSL_CERT_FILE); only for a test registry, name it in DOTNET_CONTAINER_INSECURE_REGISTRIES.", inner);

    public static DistrolessException RegistryRejected(string registry, string operation, string answer) => E(
        DiagnosticCodes.RegistryRejected,
        $"the registry {registry} rejected {operation}: {answer}.",
        "Check the repository name and your permissions on it.");

    public static DistrolessException RegistryDigestMismatch(string registry, string what, string expected, string actual) => E(
        DiagnosticCodes.RegistryDigestMismatch,
        $"the registry {registry} reports {what} with digest {actual}, but {expected} was sent or asked for.",
        "The registry or a proxy altered the content; retry, or report it to the registry's operator.");

    /// <summary>DSTL5005 for a manifest fetched (by tag, say) whose bytes do not hash to the digest the registry sent with them.</summary>
    public static DistrolessException FetchedManifestDigestMismatch(string registry, string reference, string sent, string actual) => E(
        DiagnosticCodes.RegistryDigestMismatch,
        $"the registry {registry} sent the manifest {reference} as {sent} (Docker-Content-Digest), but its content hashes to {actual}.",
        "The manifest was altered in the registry's storage or on the way; do not use it. Tell the registry's operator, or pin the image by a digest you trust (repository@sha256:…).");

    /// <summary>DSTL5005 from the registry's side: it hashed what it received and the digest did not match.</summary>
    public static DistrolessException RegistryDigestInvalid(string registry, string operation, string answer) => E(
        DiagnosticCodes.RegistryDigestMismatch,
        $"the registry {registry} refused {operation}: what it received does not match the digest it was sent under ({answer}).",
        "Something between you and the registry altered the upload (a proxy, a broken network card); retry, or push through another network.");

    public static DistrolessException BaseImageNotFound(string reference, string detail) => E(
        DiagnosticCodes.BaseImageNotFound,
        $"the base image {reference} was not found ({detail}).",
        "Check ContainerBaseImage (registry, repository, tag or digest), or remove it to use the generated Debian base.");

    public static DistrolessException InsecureRegistryRefused(string registry) => E(
        DiagnosticCodes.InsecureRegistryRefused,
        $"the registry {registry} does not speak HTTPS, and plain HTTP is allowed only for loopback and listed registries.",
        "Serve the registry over HTTPS, or (for a trusted network only) name it in DOTNET_CONTAINER_INSECURE_REGISTRIES or DistrolessInsecureRegistries.");

    public static DistrolessException CredentialHelperFailed(string helper, string registry, string detail) => E(
        DiagnosticCodes.CredentialHelperFailed,
        $"the credential helper {helper} failed for {registry}: {detail}.",
        $"Check that {helper} is on PATH and logged in, or remove it from the docker/podman configuration.");

    public static DistrolessException NoMatchingPlatform(string reference, string platform, string available) => E(
        DiagnosticCodes.NoMatchingPlatform,
        $"the base image {reference} has no {platform} image (it has: {available}).",
        "Choose a base image built for the platform, or publish for one of the platforms it has.");

    public static DistrolessException CacheCorrupt(string path, string detail, Exception? inner = null) => E(
        DiagnosticCodes.CacheCorrupt,
        $"the cache entry \"{path}\" is damaged ({detail}).",
        "It was removed; publish again to rebuild it. If it happens again, the disk may be failing: check it, or move the cache (DISTROLESS_CACHE).", inner);

    /// <summary>"the Distroless cache, /root/of/it", or only what it is when the path is the place itself.</summary>
    private static string Where(string path, FileLocation location) => path == location.Root ? location.What : $"{location.What}, {location.Root}";

    public static DistrolessException DiskFull(string path, FileLocation location, string reason, Exception? inner = null) => E(
        DiagnosticCodes.DiskFull,
        $"the disk is full: \"{path}\" ({Where(path, location)}) cannot be written ({reason}).",
        "Free space on that file system" + (location.Setting is { } setting ? $", or point {setting} at one with room" : "") +
        (location.SpaceHint is { } hint ? "; " + hint : "") +
        ". What this build had written part-way was removed.", inner);

    public static DistrolessException PermissionDenied(string path, FileLocation location, Exception? inner = null) => E(
        DiagnosticCodes.PermissionDenied,
        $"permission denied: \"{path}\" ({Where(path, location)}) cannot be written or read by the user running the build.",
        $"Give that user write access to {location.Root}" + (location.Setting is { } setting ? $", or point {setting} at a directory it owns." : "."), inner);

    public static DistrolessException ReadOnlyFileSystem(string path, FileLocation location, Exception? inner = null) => E(
        DiagnosticCodes.ReadOnlyFileSystem,
        $"\"{path}\" ({Where(path, location)}) is on a read-only file system.",
        location.Setting is { } setting ? $"Point {setting} at a writable location." : "Build where that path is writable.", inner);

    public static DistrolessException FileSystemError(string path, FileLocation location, string reason, Exception? inner = null) => E(
        DiagnosticCodes.FileSystemError,
        $"cannot use \"{path}\" ({Where(path, location)}): {reason}.",
        "Check that path: a file may stand where a directory belongs (or the reverse), something else may have removed it, or the disk may be failing" +
        (location.Setting is { } setting ? $"; {setting} chooses where {location.What} is." : "."), inner);
}
