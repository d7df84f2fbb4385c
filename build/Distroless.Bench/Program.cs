using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Distroless.Base;
using Distroless.Building;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Http;
using Distroless.Oci;
using Microsoft.Extensions.Logging.Abstractions;
using static Distroless.Bench.BenchWorkspace;

// Usage: build/bench [runs]            (default 5 runs per measurement; medians are reported)
//        build/bench registry [runs]   registry pushes (see RegistryBench)
//        build/bench sizes [runs]      image and base sizes, lock modes (see SizeBench)
if (args.Length > 0 && args[0] == "registry")
{
    return await Distroless.Bench.RegistryBench.RunAsync(FindRoot(), args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
}

if (args.Length > 0 && args[0] == "native")
{
    return await Distroless.Bench.NativeBench.RunAsync(FindRoot(), args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5,
        args.Length > 2 ? args[2] : Distroless.Bench.NativeBench.DefaultBaseline);
}

if (args.Length > 0 && args[0] == "sizes")
{
    return await Distroless.Bench.SizeBench.RunAsync(FindRoot(), args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
}

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var workspace = await Distroless.Bench.BenchWorkspace.CreateAsync(FindRoot(), "main");
var work = workspace.Directory;
void Report(string line) => workspace.Report(line);

var (mirror, securityMirror) = HostDefaults.ResolveMirrors(null, null, "bookworm", Environment.GetEnvironmentVariable);
var sample = workspace.CopySample("HelloDistroless", "sample");
var environment = workspace.Environment;
var archive = Path.Combine(work, "image.tar");
string[] plain = ["publish", "-c", "Release", "-r", "linux-x64", "-nologo", "-v:q"];
// The image step forced: what a publish costs when it does the image work (the incremental skip
// of an unchanged publish is measured apart).
string[] distroless = [.. plain, "-p:PublishDistroless=true", "-p:DistrolessIncremental=false", "-p:ContainerArchiveOutputPath=" + archive];
string[] incremental = [.. plain, "-p:PublishDistroless=true", "-p:ContainerArchiveOutputPath=" + archive];

Report($"# Distroless.Sdk benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {runs} runs each, medians)");
Report("");

// 1. Warm publish overhead: nothing changed, every cache warm.
await Run("dotnet", distroless, sample, environment);
await Run("dotnet", plain, sample, environment);
var plainTimes = await TimeAsync(runs, () => Run("dotnet", plain, sample, environment));
var distrolessTimes = await TimeAsync(runs, () => Run("dotnet", distroless, sample, environment));
await Run("dotnet", incremental, sample, environment);
var skippedTimes = await TimeAsync(runs, () => Run("dotnet", incremental, sample, environment));
var overhead = Median(distrolessTimes) - Median(plainTimes);
Report("## Warm publish (no change)");
Report($"| plain `dotnet publish` | {Median(plainTimes):F2} s |");
Report($"| with `PublishDistroless=true`, image step forced | {Median(distrolessTimes):F2} s |");
Report($"| overhead | {overhead:F2} s ({Median(distrolessTimes) / Median(plainTimes):F2}x the plain publish; target ≤ 1 s) |");
Report($"| with `PublishDistroless=true`, incremental skip (the default) | {Median(skippedTimes):F2} s (+{Median(skippedTimes) - Median(plainTimes):F2} s, {Median(skippedTimes) / Median(plainTimes):F2}x) |");
Report("");

// 2. A one-line code change: what is rebuilt, and what it costs next to a plain publish of the same change.
var program = Path.Combine(sample, "Program.cs");
var original = File.ReadAllText(program);
var change = 0;
void Change() => File.WriteAllText(program, original + $"\nConsole.WriteLine(\"change: {++change}\");\n");
var before = ReadLayers(archive);
var plainChange = await TimeAsync(runs, async () => { Change(); await Run("dotnet", plain, sample, environment); });
var layerChanges = new List<int>();
var changedBytes = new List<long>();
var distrolessChange = await TimeAsync(runs, async () =>
{
    var previous = ReadLayers(archive);
    Change();
    await Run("dotnet", distroless, sample, environment);
    var next = ReadLayers(archive);
    var changed = next.Where(l => !previous.Contains(l)).ToList();
    layerChanges.Add(changed.Count);
    changedBytes.Add(changed.Sum(l => l.Size));
});
Report("## Republish after a one-line code change");
Report($"| plain `dotnet publish` | {Median(plainChange):F2} s |");
Report($"| with `PublishDistroless=true` | {Median(distrolessChange):F2} s (overhead {Median(distrolessChange) - Median(plainChange):F2} s) |");
Report($"| layers rebuilt per change | {string.Join(", ", layerChanges)} of {before.Count} (the app layer only) |");
Report($"| bytes that changed | {changedBytes.Max() / 1024.0:F1} KiB of {before.Sum(l => l.Size) / 1e6:F1} MB |");
Report("");

// 3. Cold base generation (empty cache) against mmdebstrap --variant=extract of the same packages.
var packages = DebianRelease.Bookworm.Packages.Concat(DebianRelease.Bookworm.IcuPackages).ToList();
var ours = await TimeAsync(runs, async () =>
{
    var coldCache = Path.Combine(work, "cold-" + Guid.NewGuid().ToString("N"));
    using var http = new HttpClient();
    var blobs = new BlobCache(coldCache);
    var client = new DebianArchiveClient(new HttpFetcher(http, NullLogger.Instance), blobs,
        new InReleaseVerifier(DebianKeyring.Default, TimeProvider.System), TimeProvider.System, NullLogger.Instance);
    await new BaseComposer(client, blobs, NullLogger.Instance).ComposeAsync(
        new BaseRequest(DebianRelease.Bookworm, Platform.LinuxAmd64, new Uri(mirror), new Uri(securityMirror), BaseFlavor.Runtime(invariantGlobalization: false)));
    Directory.Delete(coldCache, recursive: true);
});
var mmdebstrap = await TimeAsync(runs, async () =>
{
    var target = Path.Combine(work, "mmdebstrap-" + Guid.NewGuid().ToString("N"));
    await Run("mmdebstrap", ["--quiet", "--variant=extract", "--include=" + string.Join(',', packages), "bookworm", target,
        $"deb {mirror} bookworm main", $"deb {mirror} bookworm-updates main", $"deb {securityMirror} bookworm-security main"], work);
    Directory.Delete(target, recursive: true);
});
Report("## Cold base generation (bookworm amd64, 11 packages incl. ICU, empty cache)");
Report($"| `mmdebstrap --variant=extract` | {Median(mmdebstrap):F2} s |");
Report($"| Distroless.Sdk (download, verify, layer, compress) | {Median(ours):F2} s ({Median(ours) / Median(mmdebstrap):F2}x mmdebstrap; target < 1, aim 0.5) |");

workspace.Save("results.md");
return 0;

static async Task Run(string file, string[] arguments, string directory, Dictionary<string, string>? environment = null)
{
    var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in arguments)
    {
        start.ArgumentList.Add(a);
    }

    foreach (var (k, v) in environment ?? [])
    {
        start.Environment[k] = v;
    }

    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEndAsync();
    var error = process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed:\n{await output}\n{await error}");
    }
}

static List<(string Digest, long Size)> ReadLayers(string archive)
{
    using var stream = File.OpenRead(archive);
    using var tar = new System.Formats.Tar.TarReader(stream);
    var files = new Dictionary<string, byte[]>();
    while (tar.GetNextEntry() is { } entry)
    {
        if (entry.Name is "index.json" || entry.Name.StartsWith("blobs/sha256/", StringComparison.Ordinal))
        {
            if (entry.DataStream is null)
            {
                continue;
            }

            var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            files[entry.Name] = buffer.ToArray();
        }
    }

    var index = JsonDocument.Parse(files["index.json"]).RootElement;
    var manifest = JsonDocument.Parse(files["blobs/sha256/" + index.GetProperty("manifests")[0].GetProperty("digest").GetString()![7..]]).RootElement;
    return manifest.GetProperty("layers").EnumerateArray()
        .Select(l => (l.GetProperty("digest").GetString()!, l.GetProperty("size").GetInt64())).ToList();
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Distroless.Sdk.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("repository root not found");
}
