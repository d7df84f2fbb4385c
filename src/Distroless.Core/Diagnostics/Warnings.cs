namespace Distroless.Diagnostics;

/// <summary>Diagnostics that do not stop a build: something asked for is not done, and why.</summary>
public static class Warnings
{
    public static Diagnostic PropertyIgnored(string property, string value, string reason) => new(
        DiagnosticCodes.PropertyIgnored,
        $"{property}=\"{value}\" is ignored: {reason}.",
        $"Remove {property} to silence this warning.");

    public static Diagnostic CacheRepaired(string path, string detail) => new(
        DiagnosticCodes.CacheRepaired,
        $"the cache entry \"{path}\" was damaged ({detail}); it was caught before it reached the output, removed and rebuilt, and the build went on.",
        "Nothing to do for this build. If it happens again, the disk under the cache may be failing: check it, or move the cache (DISTROLESS_CACHE).");
}
