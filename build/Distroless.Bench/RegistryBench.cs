using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Distroless.Building;
using Distroless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Distroless.Bench;

/// <summary>
/// `build/bench registry [runs]`: registry pushes against a loopback docker-registry (Debian's
/// docker-registry 2.8, started here), every byte counted by a <see cref="TcpForwarder"/> in
/// front of it (request bytes as sent, headers included) and every request read from the
/// registry's access log:
/// (a) the republish after a one-line code change, ours next to the .NET SDK's own
///     `-t:PublishContainer` of the same app on our image as its base, and an unchanged republish;
/// (b) the push of the sample image (~60 MB) to an empty registry, ours next to `skopeo copy
///     oci-archive:`;
/// (c) requests per new small blob, ours and skopeo's.
/// Medians over <c>runs</c>; printed and written to artifacts/bench/registry.md.
/// </summary>
internal static partial class RegistryBench
{
    public static async Task<int> RunAsync(string root, int runs)
    {
        // The packed SDK, the sample and its environment, as the main benchmark sets them up.
        var workspace = await BenchWorkspace.CreateAsync(root, "registry");
        var work = workspace.Directory;
        void Report(string line) => workspace.Report(line);

        var sample = workspace.CopySample("HelloDistroless", "sample");
        var environment = workspace.Environment;
        // No credentials of the machine's user: the registry is open.
        environment["DOCKER_CONFIG"] = Path.Combine(work, "no-docker-config");
        environment["REGISTRY_AUTH_FILE"] = Path.Combine(work, "no-auth.json");
        // Self-contained, as the issue sets the comparison up: the SDK puts the whole publish
        // directory (runtime included) in its one app layer and sends it again on every change.
        string[] publish = ["publish", "-c", "Release", "-r", "linux-x64", "--self-contained", "-nologo"];
        var program = Path.Combine(sample, "Program.cs");
        var original = File.ReadAllText(program);
        var change = 0;
        void Change() => File.WriteAllText(program, original + $"\nConsole.WriteLine(\"change: {++change}\");\n");

        Report($"# Distroless.Sdk registry benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {runs} runs each, medians)");
        Report("");
        Report("Bytes are what the client sent to the registry over TCP (request headers included), counted by a forwarder in front of a loopback docker-registry 2.8.");
        Report("");

        // The sample as an archive (without SBOMs: skopeo copies an image and nothing else): the
        // source of skopeo's copy and of the plan ours pushes from in (b).
        var archive = Path.Combine(work, "image.tar");
        await RunAsync("dotnet", [.. publish, "-p:PublishDistroless=true", "-p:DistrolessSbom=false", "-p:ContainerArchiveOutputPath=" + archive], sample, environment);
        var plan = ImagePlan.FromJson(File.ReadAllText(Path.Combine(sample, "obj", "Release", "net10.0", "linux-x64", "distroless.plan.json")));
        var (imageBytes, chunkedBlobs) = ImageSize(archive, plan.RegistrySettings.ChunkedUploadThreshold);

        // (a) A one-line code change, republished to a registry that has the previous version.
        await using (var registry = await BenchRegistry.StartAsync(Path.Combine(work, "registry-a")))
        await using (var forwarder = TcpForwarder.Start(registry.Port))
        {
            var host = forwarder.Host;
            string[] ours = [.. publish, "-p:PublishDistroless=true", "-p:ContainerRegistry=" + host, "-p:ContainerRepository=bench/ours", "-p:ContainerImageTag=latest"];
            string[] oursImageOnly = [.. publish, "-p:PublishDistroless=true", "-p:DistrolessSbom=false", "-p:ContainerRegistry=" + host,
                "-p:ContainerRepository=bench/ours-image-only", "-p:ContainerImageTag=latest"];
            // Our image of the unchanged sample, pushed as the SDK's base: the same base layers for both.
            await RunAsync("dotnet", [.. publish, "-p:PublishDistroless=true", "-p:ContainerRegistry=" + host, "-p:ContainerRepository=bench/base", "-p:ContainerImageTag=1"],
                sample, environment);
            string[] sdk = [.. publish, "-t:PublishContainer", "-p:EnableSdkContainerSupport=true", "-p:ContainerRegistry=" + host,
                "-p:ContainerRepository=bench/sdk", "-p:ContainerImageTag=latest", $"-p:ContainerBaseImage={host}/bench/base:1"];
            var sdkEnvironment = new Dictionary<string, string>(environment) { ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = host };

            // First pushes of each (not measured), then the measured code changes: every measured
            // publish compiles a change of its own.
            await RunAsync("dotnet", ours, sample, environment);
            await RunAsync("dotnet", oursImageOnly, sample, environment);
            var sdkFirst = await TryRunAsync("dotnet", sdk, sample, sdkEnvironment);
            var measured = new Dictionary<string, List<(double Seconds, long Bytes, int Requests)>> { ["plain"] = [], ["ours"] = [], ["ours-image-only"] = [], ["sdk"] = [] };
            for (var i = 0; i < runs; i++)
            {
                // "plain": the same change published without any image, the floor all three share.
                foreach (var (name, arguments, variables) in new[] { ("plain", publish, environment), ("ours", ours, environment), ("ours-image-only", oursImageOnly, environment), ("sdk", sdk, sdkEnvironment) })
                {
                    if (name == "sdk" && !sdkFirst.Ok)
                    {
                        continue;
                    }

                    Change();
                    var run = await MeasureAsync(registry, forwarder, () => RunAsync("dotnet", arguments, sample, variables));
                    measured[name].Add((run.Seconds, run.Bytes, run.Requests));
                }
            }

            // Unchanged: ours republishes nothing and keeps the digest.
            var before = await RunAsync("dotnet", ours, sample, environment);
            var unchanged = await MeasureAsync(registry, forwarder, () => RunAsync("dotnet", ours, sample, environment));
            var sameDigest = DigestPattern().Match(before).Value == DigestPattern().Match(unchanged.Output).Value;

            string Row(string label, string name) => measured[name] is { Count: > 0 } m
                ? $"| {label} | {Median(m.Select(r => r.Seconds).ToList()):F2} s | {Median(m.Select(r => r.Bytes).ToList()) / 1024.0:F1} KiB | {Median(m.Select(r => r.Requests).ToList())} |"
                : $"| {label} | not measured | | |";
            string Ratio(string a, string b) => measured[a].Count > 0 && measured[b].Count > 0
                ? $"{Median(measured[a].Select(r => r.Seconds).ToList()) / Median(measured[b].Select(r => r.Seconds).ToList()):F2}x | " +
                  $"{Median(measured[a].Select(r => r.Bytes).ToList()) / (double)Median(measured[b].Select(r => r.Bytes).ToList()):F2}x"
                : "– | –";
            Report("## (a) Republish to the registry after a one-line code change (whole `dotnet publish`: compile + image + push)");
            Report("| | time | bytes sent | requests |");
            Report("| --- | --- | --- | --- |");
            Report(Row("ours (`-p:PublishDistroless=true -p:ContainerRegistry=…`, SBOMs attached: the default)", "ours"));
            Report(Row("ours without SBOMs (`-p:DistrolessSbom=false`)", "ours-image-only"));
            if (sdkFirst.Ok)
            {
                Report(Row(".NET SDK (`-t:PublishContainer`, our image as ContainerBaseImage; no SBOM)", "sdk"));
                Report($"| ratio ours/SDK | {Ratio("ours", "sdk")} | |");
                var floor = Median(measured["plain"].Select(r => r.Seconds).ToList());
                var oursOver = Median(measured["ours"].Select(r => r.Seconds).ToList()) - floor;
                var sdkOver = Median(measured["sdk"].Select(r => r.Seconds).ToList()) - floor;
                Report($"| plain `dotnet publish` of the same change (no image) | {floor:F2} s | | |");
                Report($"| time beyond the plain publish: ours / SDK | {oursOver:F2} s / {sdkOver:F2} s = {oursOver / sdkOver:F2}x | | |");
                Report($"| ratio ours without SBOMs/SDK | {Ratio("ours-image-only", "sdk")} | |");
            }
            else
            {
                Report($"| .NET SDK | not measured: its first publish failed: {FirstLines(sdkFirst.Output, 6)} | | |");
            }

            Report($"| ours, unchanged republish | {unchanged.Seconds:F2} s | {unchanged.Bytes} bytes | {unchanged.Requests} ({string.Join(", ", unchanged.Kinds)}) |");
            Report($"| digest kept by the unchanged republish | {(sameDigest ? "yes" : "NO")} ({DigestPattern().Match(unchanged.Output).Value}) | | |");
            Report($"| what the unchanged republish printed | `{LastLine(unchanged.Output)}` | | |");
            Report("");
        }

        File.WriteAllText(program, original);

        // (b) The whole image to an empty registry: ours (core Containerizer, warm cache) next to skopeo.
        var ourPush = new List<double>();
        var ourPushBytes = new List<long>();
        var skopeoPush = new List<double>();
        var skopeoPushBytes = new List<long>();
        IReadOnlyList<string> ourKinds = [];
        IReadOnlyList<string> skopeoKinds = [];
        var blobs = 0;
        for (var i = 0; i < runs; i++)
        {
            await using (var registry = await BenchRegistry.StartAsync(Path.Combine(work, $"registry-b-ours-{i}")))
            await using (var forwarder = TcpForwarder.Start(registry.Port))
            {
                var pushPlan = plan with { ArchivePath = null, Registry = forwarder.Host, Repository = "bench/ours", Tags = ["1"] };
                using var http = new HttpClient();
                var run = await MeasureAsync(registry, forwarder, async () =>
                {
                    var result = await new Containerizer(http, NullLogger.Instance).BuildAsync(pushPlan);
                    blobs = result.Push!.BlobsUploaded;
                    return "";
                });
                ourPush.Add(run.Seconds);
                ourPushBytes.Add(run.Bytes);
                ourKinds = run.Kinds;
            }

            await using (var registry = await BenchRegistry.StartAsync(Path.Combine(work, $"registry-b-skopeo-{i}")))
            await using (var forwarder = TcpForwarder.Start(registry.Port))
            {
                var skopeoHome = Path.Combine(work, "skopeo-home");
                Directory.CreateDirectory(skopeoHome);
                var skopeoEnvironment = new Dictionary<string, string> { ["HOME"] = skopeoHome, ["TMPDIR"] = skopeoHome, ["REGISTRY_AUTH_FILE"] = Path.Combine(work, "no-auth.json") };
                var run = await MeasureAsync(registry, forwarder, () => RunAsync("skopeo",
                    ["--insecure-policy", "copy", "--dest-tls-verify=false", "oci-archive:" + archive, $"docker://{forwarder.Host}/bench/skopeo:1"], work, skopeoEnvironment));
                skopeoPush.Add(run.Seconds);
                skopeoPushBytes.Add(run.Bytes);
                skopeoKinds = run.Kinds;
            }
        }

        Report($"## (b) Push of the sample image ({imageBytes / 1e6:F1} MB compressed, {blobs} blobs, no SBOMs) to an empty registry");
        Report("| | time | bytes sent |");
        Report("| --- | --- | --- |");
        Report($"| `skopeo copy oci-archive:… docker://…` | {Median(skopeoPush):F2} s | {Median(skopeoPushBytes) / 1e6:F2} MB |");
        Report($"| ours (core build from a warm cache + push) | {Median(ourPush):F2} s | {Median(ourPushBytes) / 1e6:F2} MB |");
        Report($"| ratio ours/skopeo | {Median(ourPush) / Median(skopeoPush):F2}x | {Median(ourPushBytes) / (double)Median(skopeoPushBytes):F2}x |");
        Report("");

        // (c) Requests per new small blob, from the access log of the last (b) pushes.
        Report($"## (c) Requests per new blob ({blobs} new blobs, {chunkedBlobs} of them at least {plan.RegistrySettings.ChunkedUploadThreshold / 1048576} MiB: ours uploads those in chunks)");
        Report($"| ours, per small blob | {PerSmallBlob(ourKinds, blobs, chunkedBlobs)} |");
        Report($"| skopeo, per blob | {PerSmallBlob(skopeoKinds, blobs, 0)} |");
        Report($"| all requests of ours | {string.Join(", ", ourKinds.GroupBy(k => k).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"))} |");
        Report($"| all requests of skopeo | {string.Join(", ", skopeoKinds.GroupBy(k => k).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"))} |");

        workspace.Save("registry.md");
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>Runs <paramref name="action"/> and measures its time, the bytes sent through the forwarder and the requests the registry logged.</summary>
    private static async Task<(double Seconds, long Bytes, int Requests, IReadOnlyList<string> Kinds, string Output)> MeasureAsync(
        BenchRegistry registry, TcpForwarder forwarder, Func<Task<string>> action)
    {
        var logBefore = registry.Log.Length;
        forwarder.Reset();
        var clock = Stopwatch.StartNew();
        var output = await action();
        var seconds = clock.Elapsed.TotalSeconds;
        await Task.Delay(200); // the registry's last access-log lines
        var kinds = AccessLogPattern().Matches(registry.Log[logBefore..]).Select(m => Kind(m.Groups[1].Value, m.Groups[2].Value)).ToList();
        return (seconds, forwarder.BytesSent, kinds.Count, kinds, output);
    }

    /// <summary>"HEAD blob", "POST upload", "PATCH upload", "PUT upload", "PUT manifest", …</summary>
    private static string Kind(string method, string path)
    {
        var what = path.StartsWith("/v2/", StringComparison.Ordinal) && path.Length > 4
            ? path.Contains("/blobs/uploads/", StringComparison.Ordinal) ? path.Contains("mount=", StringComparison.Ordinal) ? "mount" : "upload"
            : path.Contains("/blobs/", StringComparison.Ordinal) ? "blob"
            : path.Contains("/manifests/", StringComparison.Ordinal) ? "manifest"
            : "other"
            : "ping";
        return $"{method} {what}";
    }

    /// <summary>
    /// Requests per small blob of one push of <paramref name="blobs"/> new blobs: those for blobs
    /// (HEAD, POST, PATCH, PUT), less what the <paramref name="chunked"/> large ones took (HEAD, POST,
    /// PUT and every PATCH), over the small ones.
    /// </summary>
    private static string PerSmallBlob(IReadOnlyList<string> kinds, int blobs, int chunked)
    {
        int Count(string kind) => kinds.Count(k => k == kind);
        var patches = chunked > 0 ? Count("PATCH upload") : 0;
        var small = Count("HEAD blob") + Count("POST upload") + Count("PUT upload") + Count("PATCH upload") - (3 * chunked) - patches;
        return $"{small / (double)(blobs - chunked):F2} (HEAD ×{Count("HEAD blob")}, POST ×{Count("POST upload")}, PATCH ×{Count("PATCH upload")}, PUT ×{Count("PUT upload")} in all)";
    }

    private static (long Bytes, int Chunked) ImageSize(string archive, long threshold)
    {
        using var stream = File.OpenRead(archive);
        using var tar = new System.Formats.Tar.TarReader(stream);
        long size = 0;
        var chunked = 0;
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name.StartsWith("blobs/sha256/", StringComparison.Ordinal))
            {
                size += entry.Length;
                chunked += entry.Length >= threshold ? 1 : 0;
            }
        }

        return (size, chunked);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static long Median(List<long> values) => values.Order().ElementAt(values.Count / 2);

    private static int Median(List<int> values) => values.Order().ElementAt(values.Count / 2);

    private static string LastLine(string output) => output.TrimEnd().Split('\n')[^1].Trim();

    private static string FirstLines(string output, int count)
        => string.Join(" / ", output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(count));

    private static async Task<string> RunAsync(string file, string[] arguments, string directory, Dictionary<string, string>? environment = null)
    {
        var (ok, output) = await TryRunAsync(file, arguments, directory, environment);
        return ok ? output : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed:\n{output}");
    }

    private static async Task<(bool Ok, string Output)> TryRunAsync(string file, string[] arguments, string directory, Dictionary<string, string>? environment = null)
    {
        var result = await ProcessRunner.RunAsync(file, arguments, environment, directory, TimeSpan.FromMinutes(10));
        return (result.ExitCode == 0, result.All);
    }

    [GeneratedRegex(@"sha256:[0-9a-f]{64}")]
    private static partial Regex DigestPattern();

    // The registry's access log: 127.0.0.1 - - [date] "METHOD /path?query HTTP/1.1" status size "" "agent"
    [GeneratedRegex("\"(GET|HEAD|POST|PATCH|PUT|DELETE) ([^ ?\"]+)(?:\\?([^ \"]*))? HTTP/1\\.1\" \\d{3}")]
    private static partial Regex AccessLogPattern();

    /// <summary>An open docker-registry 2.8 on 127.0.0.1 and a free port, storage in its own directory; killed on dispose.</summary>
    private sealed class BenchRegistry : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();

        private BenchRegistry(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public static async Task<BenchRegistry> StartAsync(string directory)
        {
            Directory.CreateDirectory(directory);
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var config = Path.Combine(directory, "config.yml");
            File.WriteAllText(config, $"""
                version: 0.1
                log:
                  level: info
                  formatter: text
                storage:
                  filesystem:
                    rootdirectory: "{Path.Combine(directory, "storage")}"
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:{port}
                  secret: bench-{Guid.NewGuid():N}
                """);
            var start = new ProcessStartInfo("/usr/bin/docker-registry")
            {
                ArgumentList = { "serve", config },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("REGISTRY_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(key); // distribution reads REGISTRY_* as configuration overrides
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start");
            var registry = new BenchRegistry(process, port);
            process.OutputDataReceived += (_, e) => registry.Append(e.Data);
            process.ErrorDataReceived += (_, e) => registry.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var response = await client.GetAsync($"http://127.0.0.1:{port}/v2/");
                    if (response.IsSuccessStatusCode)
                    {
                        return registry;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }

                if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
                {
                    await registry.DisposeAsync();
                    throw new InvalidOperationException("docker-registry is not answering (is the apt package docker-registry installed?):\n" + registry.Log);
                }

                await Task.Delay(20);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_log)
                {
                    _log.AppendLine(line);
                }
            }
        }
    }
}
