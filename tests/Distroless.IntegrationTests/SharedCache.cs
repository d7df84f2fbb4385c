namespace Distroless.IntegrationTests;

/// <summary>
/// One Distroless cache for the fixtures that test what an image contains rather than how it
/// is built: it starts empty in every run (so an empty cache is always exercised) and the
/// fixtures after the first reuse its packages and runtime layers. Fixtures about caching,
/// reproducibility and offline builds use caches of their own.
/// </summary>
public static class SharedCache
{
    private static readonly Lazy<string> Directory = new(() => TestEnvironment.NewTempDirectory("shared-cache"));

    public static string Path => Directory.Value;
}
