using System.Diagnostics;
using System.Globalization;
using System.Text;
using Distroless.Testing;

namespace Distroless.Bench;

/// <summary>
/// One benchmark run's scratch space: Distroless.Sdk packed from the current sources into a
/// private feed, samples copied out of the repository referencing it, a private NuGet folder
/// and Distroless cache, and a report printed as it is written and saved under artifacts/bench.
/// </summary>
public sealed class BenchWorkspace
{
    private readonly StringBuilder _report = new();

    private BenchWorkspace(string root, string directory, string version)
    {
        Root = root;
        Directory = directory;
        Version = version;
        Environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(directory, "nuget-packages"),
            ["DISTROLESS_CACHE"] = Path.Combine(directory, "cache"),
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
    }

    public string Root { get; }

    public string Directory { get; }

    public string Version { get; }

    public string Feed => Path.Combine(Directory, "feed");

    public Dictionary<string, string> Environment { get; }

    public static async Task<BenchWorkspace> CreateAsync(string root, string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), "distroless-bench", name + "-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(directory);
        var version = System.Xml.Linq.XDocument.Load(Path.Combine(root, "build", "version.props")).Descendants("DistrolessSdkVersion").Single().Value;
        var workspace = new BenchWorkspace(root, directory, version);
        await workspace.RunAsync("dotnet", ["pack", Path.Combine(root, "src", "Distroless.Sdk"), "-c", "Release", "-o", workspace.Feed,
            "-p:PackageOutputPath=" + workspace.Feed, "-v:q"], root);
        return workspace;
    }

    /// <summary>A copy of samples/<paramref name="sample"/> (no bin/, obj/ or lock) that references the packed SDK; returns its directory.</summary>
    public string CopySample(string sample, string? name = null, string? feed = null)
    {
        var source = Path.Combine(Root, "samples", sample);
        var target = Path.Combine(Directory, name ?? sample);
        foreach (var file in System.IO.Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj" or "distroless.lock.json")
            {
                continue;
            }

            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        File.WriteAllText(Path.Combine(target, "Directory.Build.props"),
            $"<Project><PropertyGroup><DistrolessSdkVersion>{Version}</DistrolessSdkVersion></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(target, "nuget.config"),
            $"<configuration><packageSources><add key=\"bench\" value=\"{feed ?? Feed}\" /></packageSources></configuration>");
        return target;
    }

    public void Report(string line = "")
    {
        Console.WriteLine(line);
        _report.AppendLine(line);
    }

    public void Save(string fileName)
    {
        var directory = Path.Combine(Root, "artifacts", "bench");
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, fileName), _report.ToString());
    }

    /// <summary>Runs a command with the workspace's environment; a failure ends the benchmark with its output.</summary>
    public async Task<string> RunAsync(string file, IEnumerable<string> arguments, string directory, Dictionary<string, string>? environment = null)
        => (await ProcessRunner.RunCheckedAsync(file, arguments, environment ?? Environment, directory, TimeSpan.FromMinutes(20))).Output;

    public static async Task<List<double>> TimeAsync(int runs, Func<Task> action)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await action();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        return times;
    }

    public static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
