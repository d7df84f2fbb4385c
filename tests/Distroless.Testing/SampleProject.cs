namespace Distroless.Testing;

/// <summary>
/// A copy of samples/HelloDistroless in a temporary directory that references the freshly
/// packed Distroless.Sdk, as a user's project would.
/// </summary>
public sealed class SampleProject
{
    private SampleProject(string directory) => Directory = directory;

    public string Directory { get; }

    public string ProjectFile => Path.Combine(Directory, "HelloDistroless.csproj");

    public static SampleProject Create(string name = "sample")
    {
        var directory = TestEnvironment.NewTempDirectory(name);
        var source = Path.Combine(TestEnvironment.RepositoryRoot, "samples", "HelloDistroless");
        foreach (var file in System.IO.Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
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
        return new SampleProject(directory);
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

        return ProcessRunner.RunAsync("dotnet", ["publish", ProjectFile, "-c", "Release", "-p:PublishDistroless=true", .. arguments],
            variables, Directory, TimeSpan.FromMinutes(10));
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
