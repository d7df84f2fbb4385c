using Distroless.Testing;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>What a cache directory holds, less the lock a build holds on its own temporary area (tmp/&lt;session&gt;.lock) while it runs.</summary>
internal static class CacheListing
{
    public static IReadOnlyList<string> CacheFiles(this TempDirectory directory)
        => directory.Files().Where(f => !(f.StartsWith("tmp/", StringComparison.Ordinal) && f.EndsWith(".lock", StringComparison.Ordinal))).ToList();
}
