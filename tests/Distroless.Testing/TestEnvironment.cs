namespace Distroless.Testing;

/// <summary>Where the repository is, and the per-machine directories the slow tests share between runs.</summary>
public static class TestEnvironment
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>
    /// ~/.cache/distroless-tests (or DISTROLESS_TEST_CACHE): what the slow tests keep between
    /// runs. Two checkouts tested at once on one machine need one each, because both pack the
    /// same Distroless.Sdk version into it.
    /// </summary>
    public static string CacheRoot { get; } = Environment.GetEnvironmentVariable("DISTROLESS_TEST_CACHE") is { Length: > 0 } root
        ? Path.GetFullPath(root)
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "distroless-tests");

    /// <summary>
    /// NuGet packages for the test builds, apart from the user's own folder, so the freshly
    /// packed Distroless.Sdk (always version 0.1.0 here) is never an older cached copy. Test
    /// projects that run in parallel use folders of their own (<see cref="PackedSdk.EnsurePackedAsync"/>
    /// names it): each clears the package from its folder when it packs.
    /// </summary>
    public static string NuGetPackages { get; internal set; } = Path.Combine(CacheRoot, "nuget-packages");

    public static string NewTempDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "distroless-tests", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Distroless.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
