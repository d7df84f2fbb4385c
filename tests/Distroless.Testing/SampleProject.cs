namespace Distroless.Testing;

/// <summary>
/// A copy of one of samples/ in a temporary directory that references the freshly
/// packed Distroless.Sdk, as a user's project would.
/// </summary>
public sealed class SampleProject
{
    private SampleProject(string directory, string sample)
    {
        Directory = directory;
        ProjectFile = Path.Combine(directory, sample + ".csproj");
    }

    public string Directory { get; }

    public string ProjectFile { get; }

    /// <summary>
    /// Copies samples/<paramref name="sample"/> (sources, wwwroot, publish profiles; not bin/,
    /// obj/ or a lock file a local publish left behind) into a new temporary directory.
    /// </summary>
    public static SampleProject Create(string name = "sample", string sample = "HelloDistroless")
    {
        var directory = TestEnvironment.NewTempDirectory(name);
        var source = Path.Combine(TestEnvironment.RepositoryRoot, "samples", sample);
        foreach (var file in System.IO.Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (top is "bin" or "obj" or "distroless.lock.json")
            {
                continue;
            }

            var target = Path.Combine(directory, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"),
            $"<Project><PropertyGroup><DistrolessSdkVersion>{PackedSdk.Version}</DistrolessSdkVersion></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(directory, "nuget.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="distroless-under-test" value="{PackedSdk.Feed}" />
              </packageSources>
            </configuration>
            """);
        return new SampleProject(directory, sample);
    }

    public string ProgramFile => Path.Combine(Directory, "Program.cs");

    /// <summary>dotnet publish with PublishDistroless and the given extra arguments; not checked.</summary>
    public Task<ProcessResult> PublishAsync(string cacheDirectory, params string[] arguments)
        => PublishAsync(cacheDirectory, new Dictionary<string, string>(), arguments);

    /// <summary>
    /// dotnet publish with PublishDistroless, the given extra arguments and extra environment
    /// variables (set on top of this process's and the ones every test publish gets); not checked.
    /// </summary>
    public Task<ProcessResult> PublishAsync(string cacheDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
        => DotnetAsync(cacheDirectory, environment, ["publish", ProjectFile, "-c", "Release", "-p:PublishDistroless=true", .. arguments]);

    /// <summary>
    /// Any dotnet command in the project's directory, with the environment every test build
    /// gets (its own NuGet folder and the given Distroless cache) plus <paramref name="environment"/>; not checked.
    /// </summary>
    public Task<ProcessResult> DotnetAsync(string cacheDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
        => DotnetInAsync(Directory, cacheDirectory, environment, arguments);

    /// <summary><see cref="DotnetAsync"/> started in <paramref name="workingDirectory"/> instead of the project's directory.</summary>
    public Task<ProcessResult> DotnetInAsync(string workingDirectory, string cacheDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
        => ProcessRunner.RunAsync("dotnet", arguments, DotnetEnvironment(cacheDirectory, environment), workingDirectory, TimeSpan.FromMinutes(10));

    /// <summary>
    /// The variables every test build of this project gets (its own NuGet folder, the given
    /// Distroless cache, no node reuse) plus <paramref name="environment"/>: for tests that start
    /// dotnet themselves (to kill it, or under another launcher).
    /// </summary>
    public static Dictionary<string, string> DotnetEnvironment(string cacheDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var variables = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = TestEnvironment.NuGetPackages,
            ["DISTROLESS_CACHE"] = cacheDirectory,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }

        return variables;
    }

    public void Clean()
    {
        foreach (var output in new[] { "bin", "obj" })
        {
            var path = Path.Combine(Directory, output);
            if (System.IO.Directory.Exists(path))
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
        }
    }
}
