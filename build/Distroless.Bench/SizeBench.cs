using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Http;
using Distroless.Oci;
using Microsoft.Extensions.Logging.Abstractions;

namespace Distroless.Bench;

/// <summary>
/// build/bench sizes: what the images weigh per app kind (compressed, as a registry stores and
/// a client pulls them, and unpacked), what each base flavor weighs next to the same packages
/// unpacked by mmdebstrap in the same run, what slimming saves, and what a publish costs
/// locked, unlocked and re-resolving.
/// </summary>
public static class SizeBench
{
    /// <summary>The issue's targets, from Microsoft's chiseled Ubuntu images: Native AOT hello world, without and with ICU.</summary>
    private const double AotTargetMb = 11.6, AotIcuTargetMb = 26.0;

    public static async Task<int> RunAsync(string root, int runs)
    {
        var workspace = await BenchWorkspace.CreateAsync(root, "sizes");
        workspace.Report($"# Distroless.Sdk sizes ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {runs} runs per timing, medians)");
        workspace.Report();
        await AppKindsAsync(workspace);
        await BaseFlavorsAsync(workspace);
        await LockModesAsync(workspace, runs);
        workspace.Save("sizes.md");
        return 0;
    }

    private static async Task AppKindsAsync(BenchWorkspace workspace)
    {
        (string Kind, string Sample, string[] Arguments, double? TargetMb)[] kinds =
        [
            ("console, framework-dependent", "HelloDistroless", [], null),
            ("console, framework-dependent, invariant", "HelloDistroless", ["-p:InvariantGlobalization=true"], null),
            ("console, self-contained", "HelloDistroless", ["--self-contained"], null),
            ("ASP.NET Core, framework-dependent", "HelloWeb", [], null),
            ("Native AOT, invariant", "HelloAot", [], AotTargetMb),
            ("Native AOT, with ICU", "HelloAot", ["-p:InvariantGlobalization=false"], AotIcuTargetMb),
        ];
        workspace.Report("## Image size per app kind (bookworm, linux-x64)");
        workspace.Report();
        workspace.Report("| App | Layers | Base, compressed | Image, compressed | Image, unpacked | Publish output | Target (compressed) |");
        workspace.Report("|---|---|---|---|---|---|---|");
        var index = 0;
        foreach (var (kind, sample, arguments, target) in kinds)
        {
            var directory = workspace.CopySample(sample, $"{sample}-{index++}");
            var archive = Path.Combine(directory, "image.tar");
            await workspace.RunAsync("dotnet", ["publish", "-c", "Release", "-r", "linux-x64", "-nologo", "-v:q", "-p:PublishDistroless=true",
                "-p:ContainerArchiveOutputPath=" + archive, .. arguments], directory);
            var image = ArchiveSizes.Read(archive);
            var published = Directory.GetFiles(Path.Combine(directory, "bin", "Release", "net10.0", "linux-x64", "publish"), "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".pdb", StringComparison.Ordinal) && !f.EndsWith(".dbg", StringComparison.Ordinal))
                .Sum(f => new FileInfo(f).Length);
            var verdict = target is { } mb ? $"≤ {mb:F1} MB: {(image.Compressed / 1e6 <= mb ? "met" : "missed")} ({image.Compressed / 1e6 / mb:F2}×)" : "–";
            workspace.Report($"| {kind} | {image.Layers} | {image.BaseCompressed / 1e6:F1} MB | {image.Compressed / 1e6:F1} MB | {image.Unpacked / 1e6:F1} MB | {published / 1e6:F1} MB | {verdict} |");
        }

        workspace.Report();
    }

    private static async Task BaseFlavorsAsync(BenchWorkspace workspace)
    {
        var (mirror, securityMirror) = Building.HostDefaults.ResolveMirrors(null, null, "bookworm", Environment.GetEnvironmentVariable);
        (string Name, BaseFlavor Flavor, bool Slim)[] flavors =
        [
            ("runtime (glibc, libstdc++, OpenSSL, CA, tzdata, ICU)", BaseFlavor.Runtime(invariantGlobalization: false), true),
            ("runtime, not slimmed", BaseFlavor.Runtime(invariantGlobalization: false), false),
            ("runtime, invariant (no ICU)", BaseFlavor.Runtime(invariantGlobalization: true), true),
            ("Native AOT with OpenSSL", new BaseFlavor(Cpp: false, Ssl: true, Icu: false), true),
            ("Native AOT minimal (glibc, tzdata)", new BaseFlavor(Cpp: false, Ssl: false, Icu: false), true),
        ];
        workspace.Report("## Base size per flavor (bookworm, amd64), against the same packages unpacked by `mmdebstrap --variant=extract`");
        workspace.Report();
        workspace.Report("| Flavor | Packages | Compressed | Unpacked | mmdebstrap, unpacked | Ratio (unpacked) |");
        workspace.Report("|---|---|---|---|---|---|");
        using var http = new HttpClient();
        var cache = new BlobCache(Path.Combine(workspace.Directory, "base-cache"));
        var archive = new DebianArchiveClient(new HttpFetcher(http, NullLogger.Instance), cache,
            new InReleaseVerifier(DebianKeyring.Default, TimeProvider.System), TimeProvider.System, NullLogger.Instance);
        var composer = new BaseComposer(archive, cache, NullLogger.Instance);
        foreach (var (name, flavor, slim) in flavors)
        {
            var composed = await composer.ComposeAsync(new BaseRequest(DebianRelease.Bookworm, Platform.LinuxAmd64, new Uri(mirror), new Uri(securityMirror), flavor)
            {
                Slim = slim,
            });
            var packages = composed.Packages.Select(p => p.Name).ToList();
            var extracted = Path.Combine(workspace.Directory, "mmdebstrap-" + Guid.NewGuid().ToString("N")[..8]);
            await workspace.RunAsync("mmdebstrap", ["--quiet", "--variant=extract", "--include=" + string.Join(',', packages), "bookworm", extracted,
                $"deb {mirror} bookworm main", $"deb {mirror} bookworm-updates main", $"deb {securityMirror} bookworm-security main"], workspace.Directory);
            var baseline = long.Parse((await workspace.RunAsync("du", ["--apparent-size", "-sb", extracted], workspace.Directory)).Split('\t')[0],
                System.Globalization.CultureInfo.InvariantCulture);
            Directory.Delete(extracted, recursive: true);
            var compressed = composed.Layers.Sum(l => l.Size);
            var unpacked = composed.Layers.Sum(l => l.UncompressedSize);
            workspace.Report($"| {name} | {packages.Count} | {compressed / 1e6:F1} MB | {unpacked / 1e6:F1} MB | {baseline / 1e6:F1} MB | {(double)unpacked / baseline:F2}× |");
        }

        workspace.Report();
    }

    private static async Task LockModesAsync(BenchWorkspace workspace, int runs)
    {
        var sample = workspace.CopySample("HelloDistroless", "lock-modes");
        string[] plain = ["publish", "-c", "Release", "-r", "linux-x64", "-nologo", "-v:q"];
        string[] image = [.. plain, "-p:PublishDistroless=true", "-p:DistrolessIncremental=false"];
        await workspace.RunAsync("dotnet", image, sample); // writes the lock and warms every cache
        var baseline = await BenchWorkspace.TimeAsync(runs, () => workspace.RunAsync("dotnet", plain, sample));
        var locked = await BenchWorkspace.TimeAsync(runs, () => workspace.RunAsync("dotnet", [.. image, "-p:DistrolessLocked=true"], sample));
        var unlocked = await BenchWorkspace.TimeAsync(runs, () => workspace.RunAsync("dotnet", [.. image, "-p:DistrolessUseLockFile=false"], sample));
        var update = await BenchWorkspace.TimeAsync(runs, () => workspace.RunAsync("dotnet", [.. image, "-p:DistrolessUpdateLock=true"], sample));
        var skipped = await BenchWorkspace.TimeAsync(runs, () => workspace.RunAsync("dotnet", [.. plain, "-p:PublishDistroless=true"], sample));
        var b = BenchWorkspace.Median(baseline);
        workspace.Report("## Publish with warm caches, by lock mode (image step forced), against a plain `dotnet publish`");
        workspace.Report();
        workspace.Report("| Publish | Time | Overhead | Ratio |");
        workspace.Report("|---|---|---|---|");
        workspace.Report($"| plain `dotnet publish` | {b:F2} s | – | 1.00× |");
        foreach (var (name, times) in new[] { ("locked (`DistrolessLocked=true`)", locked), ("no lock file (resolve from the cached indexes)", unlocked),
                     ("re-resolve and rewrite (`DistrolessUpdateLock=true`)", update), ("nothing changed, incremental skip (default)", skipped) })
        {
            var m = BenchWorkspace.Median(times);
            workspace.Report($"| {name} | {m:F2} s | +{m - b:F2} s | {m / b:F2}× |");
        }

        workspace.Report();
    }
}

/// <summary>Sizes read back from an image archive: compressed as stored, unpacked (tar bytes), and how much of it is the base.</summary>
internal sealed record ArchiveSizes(int Layers, long Compressed, long Unpacked, long BaseCompressed)
{
    public static ArchiveSizes Read(string archive)
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var stream = File.OpenRead(archive))
        using (var tar = new TarReader(stream))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is { } data)
                {
                    var buffer = new MemoryStream();
                    data.CopyTo(buffer);
                    blobs[entry.Name] = buffer.ToArray();
                }
            }
        }

        JsonElement Blob(string digest) => JsonDocument.Parse(blobs["blobs/sha256/" + digest["sha256:".Length..]]).RootElement;
        var manifest = Blob(JsonDocument.Parse(blobs["index.json"]).RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!);
        var config = Blob(manifest.GetProperty("config").GetProperty("digest").GetString()!);
        var layers = manifest.GetProperty("layers").EnumerateArray().Select(l => (Digest: l.GetProperty("digest").GetString()!, Size: l.GetProperty("size").GetInt64())).ToList();
        var history = config.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("created_by").GetString()!).ToList();
        var unpacked = layers.Sum(l =>
        {
            using var gzip = new GZipStream(new MemoryStream(blobs["blobs/sha256/" + l.Digest["sha256:".Length..]]), CompressionMode.Decompress);
            var counter = new MemoryStream();
            gzip.CopyTo(counter);
            return counter.Length;
        });
        var baseCompressed = layers.Zip(history)
            .Where(x => x.Second.StartsWith("distroless: debian package", StringComparison.Ordinal) || x.Second.StartsWith("distroless: users", StringComparison.Ordinal))
            .Sum(x => x.First.Size);
        return new ArchiveSizes(layers.Count, layers.Sum(l => l.Size) + manifest.GetProperty("config").GetProperty("size").GetInt64(), unpacked, baseCompressed);
    }
}
