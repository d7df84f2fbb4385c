using System.Text.RegularExpressions;
using Distroless.Building;

namespace Distroless.RegistryTests.Support;

/// <summary>
/// One published sample (the image written to an archive), its plan and its digest: what
/// the core-level tests push through <see cref="CoreBuild"/> with a changed plan.
/// </summary>
/// <param name="Sample">The project.</param>
/// <param name="PlanJson">The plan the task wrote for this publish (later publishes of the same project overwrite the file).</param>
/// <param name="ArchivePath">The archive the publish wrote.</param>
/// <param name="Digest">The image's manifest digest, "sha256:…".</param>
public sealed record PublishedImage(SampleProject Sample, string PlanJson, string ArchivePath, string Digest)
{
    /// <summary>The plan of this publish, going to <paramref name="registry"/> as repository:tags only (no archive).</summary>
    public ImagePlan PushPlan(string registry, string repository, params string[] tags)
        => ImagePlan.FromJson(PlanJson) with
        {
            Registry = registry,
            Repository = repository,
            Tags = [.. tags.Length == 0 ? ["latest"] : tags],
            ArchivePath = null,
        };

    /// <summary>The layer digests of the archive, base first.</summary>
    public IReadOnlyList<string> LayerDigests => ImageArchive.Open(ArchivePath).LayerDigests;

    /// <summary>Every blob of the image: the layers and the config.</summary>
    public IReadOnlyList<string> BlobDigests
    {
        get
        {
            var archive = ImageArchive.Open(ArchivePath);
            return [.. archive.LayerDigests, archive.Manifest.GetProperty("config").GetProperty("digest").GetString()!];
        }
    }
}

/// <summary>
/// The sample every registry test shares, published once per test run with the freshly packed
/// Distroless.Sdk and one DISTROLESS_CACHE (the generated base is downloaded once):
/// <see cref="OriginalAsync"/>, and <see cref="ChangedAsync"/>, a copy with a one-line code change.
/// Tests that need a real `dotnet publish` reuse the original project through
/// <see cref="PublishAsync"/>, one publish at a time (an incremental publish takes 2–3 s).
/// </summary>
public static partial class SharedSample
{
    /// <summary>The line the one-line code change adds to Program.cs.</summary>
    public const string ChangedLine = "Console.WriteLine(\"changed: yes\");";

    private static readonly SemaphoreSlim PublishGate = new(1, 1);
    private static readonly Lazy<string> Cache = new(() => TestEnvironment.NewTempDirectory("registry-cache"));
    private static readonly Lazy<Task<PublishedImage>> Original = new(() => CreateAsync("registry-sample", null));
    private static readonly Lazy<Task<PublishedImage>> Changed = new(() => CreateAsync("registry-changed", ChangedLine));
    private static readonly List<string> Directories = [];

    /// <summary>The DISTROLESS_CACHE of every publish and core build of this run.</summary>
    public static string CacheDirectory => Cache.Value;

    public static Task<PublishedImage> OriginalAsync() => Original.Value;

    public static Task<PublishedImage> ChangedAsync() => Changed.Value;

    /// <summary>
    /// Environment for a publish that must see no credentials but the ones a test gives: the
    /// credential variables empty, and the auth files pointed at paths that do not exist.
    /// </summary>
    public static Dictionary<string, string> IsolatedEnvironment(string directory) => new()
    {
        ["DOTNET_CONTAINER_REGISTRY_UNAME"] = "",
        ["DOTNET_CONTAINER_REGISTRY_PWORD"] = "",
        ["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = "",
        ["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = "",
        ["DOTNET_CONTAINER_PULL_REGISTRY_UNAME"] = "",
        ["DOTNET_CONTAINER_PULL_REGISTRY_PWORD"] = "",
        ["SDK_CONTAINER_REGISTRY_UNAME"] = "",
        ["SDK_CONTAINER_REGISTRY_PWORD"] = "",
        ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = "",
        ["REGISTRY_AUTH_FILE"] = Path.Combine(directory, "no-auth.json"),
        ["XDG_CONFIG_HOME"] = Path.Combine(directory, "no-xdg-config"),
        ["DOCKER_CONFIG"] = Path.Combine(directory, "no-docker-config"),
    };

    /// <summary>
    /// `dotnet publish -r linux-x64 -p:PublishDistroless=true ARGUMENTS` of the original sample
    /// with <paramref name="environment"/> on top of <see cref="IsolatedEnvironment"/>; not checked.
    /// </summary>
    public static async Task<ProcessResult> PublishAsync(string workDirectory, IReadOnlyDictionary<string, string>? environment,
        params string[] arguments)
    {
        var sample = (await OriginalAsync()).Sample;
        var variables = IsolatedEnvironment(workDirectory);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        await PublishGate.WaitAsync();
        try
        {
            var result = await sample.PublishAsync(CacheDirectory, variables, ["-r", "linux-x64", .. arguments]);
            TestContext.Out.WriteLine($"$ dotnet publish {string.Join(' ', arguments)}  → exit {result.ExitCode}\n{result.All}");
            return result;
        }
        finally
        {
            PublishGate.Release();
        }
    }

    /// <summary>The plan file the last publish of the original sample wrote.</summary>
    public static async Task<string> PlanFileAsync()
        => Path.Combine((await OriginalAsync()).Sample.Directory, "obj", "Release", "net10.0", "linux-x64", "distroless.plan.json");

    /// <summary>The last line of a publish: "REFERENCES (DIGEST) written to …; pushed: …".</summary>
    public static string LastLine(ProcessResult publish) => publish.Output.TrimEnd().Split('\n')[^1].Trim();

    /// <summary>The digest in a publish's summary line (the last line at the default verbosity).</summary>
    public static string DigestOf(ProcessResult publish)
    {
        var match = publish.Output.Split('\n').Select(l => DigestPattern().Match(l)).LastOrDefault(m => m.Success);
        return match is not null ? match.Groups[1].Value : throw new AssertionException("no digest in the output:\n" + publish.Output);
    }

    /// <summary>The DSTL codes of the errors a publish reported.</summary>
    public static IReadOnlyList<string> ErrorCodes(ProcessResult publish)
        => ErrorPattern().Matches(publish.Output).Select(m => m.Groups[1].Value).Distinct().ToList();

    /// <summary>Deletes what this run created (called once, at the end of the run).</summary>
    public static void CleanUp()
    {
        lock (Directories)
        {
            if (Cache.IsValueCreated)
            {
                Directories.Add(Cache.Value);
            }

            if (PackedSdk.Feed.Length > 0)
            {
                Directories.Add(PackedSdk.Feed);
            }

            foreach (var directory in Directories)
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static async Task<PublishedImage> CreateAsync(string name, string? addedLine)
    {
        await PackedSdk.EnsurePackedAsync("nuget-packages-registry");
        var sample = SampleProject.Create(name);
        lock (Directories)
        {
            Directories.Add(sample.Directory);
        }

        if (addedLine is not null)
        {
            File.AppendAllText(sample.ProgramFile, "\n" + addedLine + "\n");
        }

        var archive = Path.Combine(sample.Directory, "out", "image.tar");
        var publish = await sample.PublishAsync(CacheDirectory, IsolatedEnvironment(sample.Directory),
            "-r", "linux-x64", "-p:ContainerArchiveOutputPath=" + archive);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"the shared publish of {name} failed:\n{publish.All}");
        }

        var plan = await File.ReadAllTextAsync(Path.Combine(sample.Directory, "obj", "Release", "net10.0", "linux-x64", "distroless.plan.json"));
        return new PublishedImage(sample, plan, archive, ImageArchive.Open(archive).ManifestDigest);
    }

    [GeneratedRegex(@"\((sha256:[0-9a-f]{64})\)")]
    private static partial Regex DigestPattern();

    [GeneratedRegex(@"error (DSTL\d{4})")]
    private static partial Regex ErrorPattern();
}
