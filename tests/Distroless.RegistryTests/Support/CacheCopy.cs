namespace Distroless.RegistryTests.Support;

/// <summary>
/// A private copy of <see cref="SharedSample.CacheDirectory"/>, as hard links: quick, and safe,
/// because the cache never writes a file in place (entries are renamed over, or deleted), so
/// what a test does to its copy (damage a blob, pull a base into it) cannot reach the original
/// that the other tests share.
/// </summary>
public static class CacheCopy
{
    public static async Task<string> OfSharedCacheAsync(string target)
    {
        var copy = await ProcessRunner.RunAsync("cp", ["-al", SharedSample.CacheDirectory, target]);
        Assert.That(copy.ExitCode, Is.Zero, copy.All);
        return target;
    }
}
