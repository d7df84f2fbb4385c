using Distroless.Diagnostics;
using Distroless.Oci;

namespace Distroless.Caching;

/// <summary>
/// A cached blob that does not match its descriptor, found while it was read for an output (and
/// already evicted). Not a <see cref="DistrolessException"/>: the build catches it, rebuilds the
/// blob and tries again (<c>Containerizer</c>); only when that keeps failing does it become
/// DSTL4002. Deliberately not an <see cref="IOException"/>, so no retry loop takes it for a
/// broken connection, even when an HTTP client wraps it.
/// </summary>
public sealed class CorruptCacheEntryException(Digest digest, string path, string detail)
    : Exception($"the cache entry \"{path}\" is damaged ({detail})")
{
    public Digest Digest { get; } = digest;

    public string Path { get; } = path;

    public string Detail { get; } = detail;

    /// <summary>The corrupt entry <paramref name="e"/> is about, or wraps (HTTP clients wrap what a request body's stream throws).</summary>
    public static CorruptCacheEntryException? Find(Exception e) => FindAll(e).FirstOrDefault();

    /// <summary>Every corrupt entry in <paramref name="e"/>: parallel uploads can find several at once (an <see cref="AggregateException"/>).</summary>
    public static IReadOnlyList<CorruptCacheEntryException> FindAll(Exception e) => e switch
    {
        CorruptCacheEntryException corrupt => [corrupt],
        AggregateException all => all.InnerExceptions.SelectMany(FindAll).ToList(),
        { InnerException: { } inner } => FindAll(inner),
        _ => [],
    };

    public DistrolessException ToError() => Errors.CacheCorrupt(Path, Detail);
}
