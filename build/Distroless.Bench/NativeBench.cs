using System.Globalization;

namespace Distroless.Bench;

/// <summary>
/// build/bench native: what fitting the base to the app's native code costs. The same publishes
/// are made with the package packed from the current sources and with the package of a
/// baseline commit (before the feature, packed from a git worktree), each with its own warm
/// caches, next to a plain `dotnet publish` of the same app:
/// 1. HelloDistroless (needs nothing more): the scan and check alone;
/// 2. HelloNative (SkiaSharp and others), everything warm: the closure answered from the cache;
/// 3. HelloNative with the Contents index and the closure's records removed from the cache: a
///    Contents download, search and resolution, the rest warm.
/// </summary>
public static class NativeBench
{
    /// <summary>The last commit before the base followed the app's native code.</summary>
    public const string DefaultBaseline = "cb5e90d";

    public static async Task<int> RunAsync(string root, int runs, string baseline)
    {
        var workspace = await BenchWorkspace.CreateAsync(root, "native");
        var baselineFeed = await PackBaselineAsync(workspace, baseline);
        var baselineEnvironment = new Dictionary<string, string>(workspace.Environment)
        {
            ["NUGET_PACKAGES"] = Path.Combine(workspace.Directory, "baseline-nuget-packages"),
            ["DISTROLESS_CACHE"] = Path.Combine(workspace.Directory, "baseline-cache"),
        };
        workspace.Report($"# Distroless.Sdk native dependencies ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {runs} runs each, medians; baseline {baseline})");
        workspace.Report();
        workspace.Report("| Publish (warm NuGet, forced image step) | plain `dotnet publish` | baseline package | this package | this − baseline | the native step itself | target |");
        workspace.Report("|---|---|---|---|---|---|---|");

        // Normal verbosity everywhere: the publish's own log then gives the native step's time.
        string[] plain = ["publish", "-c", "Release", "-r", "linux-x64", "-nologo", "-v:n"];
        string[] image = [.. plain, "-p:PublishDistroless=true", "-p:DistrolessIncremental=false", "-p:DistrolessUseLockFile=false"];
        string[] measured = image;
        var cache = workspace.Environment["DISTROLESS_CACHE"];
        foreach (var (sample, target) in new[] { ("HelloDistroless", "≤ +0.05 s"), ("HelloNative", "≤ +0.10 s") })
        {
            var current = workspace.CopySample(sample, sample + "-current");
            var old = workspace.CopySample(sample, sample + "-baseline", baselineFeed);
            // Warm everything: NuGet, the runtime pack, the base, the Contents lookups.
            await workspace.RunAsync("dotnet", image, current);
            await workspace.RunAsync("dotnet", image, old, baselineEnvironment);

            // Interleaved, so a load that comes and goes on a shared machine touches all three alike.
            List<double> plainTimes = [], baselineTimes = [], currentTimes = [], steps = [];
            for (var run = 0; run < runs; run++)
            {
                plainTimes.AddRange(await BenchWorkspace.TimeAsync(1, () => workspace.RunAsync("dotnet", plain, current)));
                baselineTimes.AddRange(await BenchWorkspace.TimeAsync(1, () => workspace.RunAsync("dotnet", image, old, baselineEnvironment)));
                string output = "";
                currentTimes.AddRange(await BenchWorkspace.TimeAsync(1, async () => output = await workspace.RunAsync("dotnet", measured, current)));
                steps.Add(NativeStep(output));
            }

            Row(workspace, $"{sample}, everything warm", plainTimes, baselineTimes, currentTimes, steps, target);
            if (sample == "HelloNative")
            {
                List<double> coldTimes = [], coldSteps = [];
                for (var run = 0; run < runs; run++)
                {
                    ForgetContents(cache);
                    string output = "";
                    coldTimes.AddRange(await BenchWorkspace.TimeAsync(1, async () => output = await workspace.RunAsync("dotnet", measured, current)));
                    coldSteps.Add(NativeStep(output));
                }

                Row(workspace, $"{sample}, Contents index and closure not cached", plainTimes, baselineTimes, coldTimes, coldSteps, "≤ +3 s");
            }
        }

        workspace.Report();
        workspace.Report("The baseline package adds nothing for HelloNative (its image fails at start); the difference is the whole cost of the feature.");
        workspace.Save("native.md");
        await workspace.RunAsync("git", ["worktree", "remove", "--force", Path.Combine(workspace.Directory, "baseline-src")], root);
        return 0;
    }

    private static void Row(BenchWorkspace workspace, string what, List<double> plain, List<double> baseline, List<double> current,
        List<double> steps, string target)
    {
        double p = BenchWorkspace.Median(plain), b = BenchWorkspace.Median(baseline), c = BenchWorkspace.Median(current), n = BenchWorkspace.Median(steps);
        workspace.Report(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {p:F2} s | {b:F2} s ({b / p:F2}×) | {c:F2} s ({c / p:F2}×) | {c - b:+0.00;-0.00} s | {n:F3} s ({n / p:F3}× the plain publish) | {target} |"));
    }

    /// <summary>The time the publish's own log gives the native step ("Native dependencies: nothing missing (0.026 s)", at -v:n).</summary>
    private static double NativeStep(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"Native dependencies: [^\n]*\(([0-9.]+) s\)");
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
    }

    /// <summary>The package of the baseline commit, packed from a detached worktree into its own feed.</summary>
    private static async Task<string> PackBaselineAsync(BenchWorkspace workspace, string baseline)
    {
        var source = Path.Combine(workspace.Directory, "baseline-src");
        var feed = Path.Combine(workspace.Directory, "baseline-feed");
        await workspace.RunAsync("git", ["worktree", "add", "--detach", source, baseline], workspace.Root);
        await workspace.RunAsync("dotnet", ["pack", Path.Combine(source, "src", "Distroless.Sdk"), "-c", "Release", "-o", feed,
            "-p:PackageOutputPath=" + feed, "-v:q"], source);
        return feed;
    }

    /// <summary>
    /// Removes what a first lookup leaves in the cache: the Contents indexes (their digests start the
    /// lookup records' names), the lookups and the remembered closures.
    /// </summary>
    private static void ForgetContents(string cache)
    {
        var lookups = Path.Combine(cache, "records", "contents-lookup");
        if (Directory.Exists(lookups))
        {
            foreach (var digest in Directory.GetFiles(lookups).Select(f => Path.GetFileName(f)[..64]).Distinct())
            {
                File.Delete(Path.Combine(cache, "blobs", "sha256", digest));
            }

            Directory.Delete(lookups, recursive: true);
        }

        var resolved = Path.Combine(cache, "records", "native-resolved");
        if (Directory.Exists(resolved))
        {
            Directory.Delete(resolved, recursive: true);
        }
    }
}
