namespace Distroless.Diagnostics;

/// <summary>Diagnostics that do not stop a build: something asked for is not done, and why.</summary>
public static class Warnings
{
    public static Diagnostic PropertyIgnored(string property, string value, string reason) => new(
        DiagnosticCodes.PropertyIgnored,
        $"{property}=\"{value}\" is ignored: {reason}.",
        $"Remove {property} to silence this warning.");

    public static Diagnostic NativeDependencyUnresolved(string soname, string neededBy, string why) => new(
        DiagnosticCodes.NativeDependencyUnresolved,
        $"{neededBy} needs {soname}, which the image does not have and {why}; the file fails to load if the app uses it.",
        "If the app loads this file, give the image the library: a DistrolessPackage that ships it, the library in the app's " +
        "publish output, or ContainerBaseImage with a base that has it. DistrolessStrictNativeDependencies=true makes this an error.");

    public static Diagnostic NativeDependencyNotAdded(string soname, string neededBy, string package) => new(
        DiagnosticCodes.NativeDependencyNotAdded,
        $"{neededBy} needs {soname}, which the image does not have; the Debian package {package} ships it " +
        "(not added: DistrolessResolveNativeDependencies is false).",
        $"Add <DistrolessPackage Include=\"{package}\" /> to the project, or remove DistrolessResolveNativeDependencies=false.");

    public static Diagnostic ContentsIndexUnavailable(string suite, string architecture, string sonames) => new(
        DiagnosticCodes.ContentsIndexUnavailable,
        $"cannot look up which Debian packages ship {sonames}: the Release of {suite} lists no Contents-{architecture} index.",
        "Use a mirror that carries the Contents indexes (every official Debian mirror does), or add the packages with DistrolessPackage.");

    public static Diagnostic CacheRepaired(string path, string detail) => new(
        DiagnosticCodes.CacheRepaired,
        $"the cache entry \"{path}\" was damaged ({detail}); it was caught before it reached the output, removed and rebuilt, and the build went on.",
        "Nothing to do for this build. If it happens again, the disk under the cache may be failing: check it, or move the cache (DISTROLESS_CACHE).");
}
