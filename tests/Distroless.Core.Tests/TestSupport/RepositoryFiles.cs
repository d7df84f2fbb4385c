namespace Distroless.Core.Tests.TestSupport;

/// <summary>The checkout the tests were built from, for tests that read its source and docs.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Distroless.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("no Distroless.Sdk.sln above " + TestContext.CurrentContext.TestDirectory);
    });

    public static string Root => LazyRoot.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Every *.cs file under <paramref name="directory"/> (relative to the root), outside bin/ and obj/, as '/'-separated relative paths.</summary>
    public static IReadOnlyList<string> SourceFiles(string directory) => Directory
        .EnumerateFiles(PathOf(directory), "*.cs", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
        .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToList();
}
