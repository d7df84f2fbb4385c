using System.Collections.Immutable;
using System.Diagnostics;
using Distroless.App;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Http;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Output;
using Distroless.Runtime;
using Distroless.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Distroless.Building;

/// <summary>
/// Runs an <see cref="ImagePlan"/>: composes the Debian base and the app layers at the same
/// time (one waits on the network, the other on the disk), assembles config and manifest,
/// and writes the image archive.
/// </summary>
public sealed class Containerizer
{
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DebianKeyring _keyring;

    /// <param name="http">Used for the Debian archive; the host owns its lifetime and proxy settings.</param>
    /// <param name="logger">Phase lines at Information, per-layer detail at Debug.</param>
    /// <param name="time">Only for checking signature and Release validity; image content never reads it.</param>
    /// <param name="keyring">Trusted archive keys; the shipped Debian keys by default.</param>
    public Containerizer(HttpClient http, ILogger logger, TimeProvider? time = null, DebianKeyring? keyring = null)
    {
        _http = http;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _keyring = keyring ?? DebianKeyring.Default;
    }

    public async Task<BuildResult> BuildAsync(ImagePlan plan, CancellationToken ct = default)
    {
        ImagePlanValidator.Validate(plan);
        var clock = Stopwatch.StartNew();
        var cache = new BlobCache(plan.CacheDirectory);
        var platform = Platform.FromRuntimeIdentifier(plan.Base.RuntimeIdentifier)!;
        var release = DebianRelease.Find(plan.Base.Suite)!;

        var archive = new DebianArchiveClient(new HttpFetcher(_http, _logger), cache, new InReleaseVerifier(_keyring, _time), _time, _logger);
        var composer = new BaseComposer(archive, cache, _logger);
        var baseRequest = new BaseRequest(release, platform, new Uri(plan.Base.Mirror), new Uri(plan.Base.SecurityMirror),
            IncludeIcu: !plan.Base.InvariantGlobalization);

        var baseTask = composer.ComposeAsync(baseRequest, ct);
        var runtimeTask = plan.App.SelfContained ? Task.FromResult<LayerBlob?>(null) : BuildRuntimeLayerAsync(plan, cache, ct);
        var appTask = Task.Run(() => BuildAppLayers(plan, cache), ct);
        // All finish before BuildAsync returns or throws: a failure of one must not leave the
        // others writing into the cache behind the caller's back.
        await Task.WhenAll(baseTask, runtimeTask, appTask).ConfigureAwait(false);
        var distrolessBase = await baseTask.ConfigureAwait(false);
        var runtimeLayer = await runtimeTask.ConfigureAwait(false);
        var appLayers = await appTask.ConfigureAwait(false);

        var config = CreateConfig(plan, platform);
        ImmutableArray<LayerBlob> layers = [.. distrolessBase.Layers, .. runtimeLayer is null ? [] : new[] { runtimeLayer }, .. appLayers];
        foreach (var layer in layers)
        {
            config = config.WithLayer(layer.DiffId, layer.CreatedBy);
        }

        var image = BuiltImage.Create(config, layers);
        var references = plan.Tags.Select(tag => $"{plan.Repository}:{tag}").ToImmutableArray();
        ImageArchiveWriter.Write(plan.ArchivePath, image, references, cache);

        _logger.LogInformation("Image {Digest}: {Layers} layers, {Size:F1} MB compressed ({Seconds:F2} s)",
            image.Digest, image.Layers.Length, image.CompressedSize / 1e6, clock.Elapsed.TotalSeconds);
        return new BuildResult(image, Path.GetFullPath(plan.ArchivePath), references, distrolessBase.Packages,
            image.Layers.Select(l => $"{l.Digest.Short} {l.Size / 1e6,7:F2} MB  {l.CreatedBy}").ToImmutableArray());
    }

    /// <summary>
    /// The dotnet root of a framework-dependent app: the frameworks its runtimeconfig names
    /// (and Microsoft.NETCore.App, which every other framework builds on), at the versions the
    /// plan pins, from the runtime packs NuGet resolves.
    /// </summary>
    private async Task<LayerBlob?> BuildRuntimeLayerAsync(ImagePlan plan, BlobCache cache, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var configPath = plan.App.RuntimeConfigPath
            ?? plan.App.Files.FirstOrDefault(f => f.RelativePath == plan.App.AppHost + ".runtimeconfig.json")?.SourcePath
            ?? throw Errors.PublishOutputMissing(plan.App.AppHost + ".runtimeconfig.json");
        var requested = RuntimeConfig.ReadFrameworks(configPath);
        var names = requested.Select(f => f.Name).Append(NetCoreApp).Distinct(StringComparer.Ordinal)
            .OrderBy(n => n == NetCoreApp ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal);
        var frameworks = names.Select(name => new RuntimeFramework(name,
                plan.App.Runtime.FrameworkVersions.GetValueOrDefault(name)
                ?? requested.FirstOrDefault(f => f.Name == name).Version
                ?? requested[0].Version))
            .ToList();

        var rid = plan.Base.RuntimeIdentifier;
        var locator = new Lazy<RuntimePackLocator>(() => new RuntimePackLocator(
            plan.App.Runtime.NuGetSettingsRoot ?? Path.GetDirectoryName(configPath)!, plan.App.Runtime.NuGetPackagesFolder, _logger));
        var layer = await DotnetRootLayer.GetOrBuildAsync(cache, frameworks, rid,
            framework => locator.Value.LocateAsync(framework.PackId(rid), framework.Version, ct)).ConfigureAwait(false);
        _logger.LogInformation("Runtime layer: {Frameworks} ({Size:F1} MB compressed, {Seconds:F2} s)",
            string.Join(", ", frameworks), layer.Size / 1e6, clock.Elapsed.TotalSeconds);
        return layer;
    }

    private const string NetCoreApp = "Microsoft.NETCore.App";

    private ImmutableArray<LayerBlob> BuildAppLayers(ImagePlan plan, BlobCache cache)
    {
        var clock = Stopwatch.StartNew();
        var deps = plan.App.DepsJsonPath is { } depsPath && File.Exists(depsPath) ? DepsJson.Read(depsPath) : null;
        var specs = AppLayerPlanner.Plan(plan.App.Files, deps, plan.App.IncludeSymbols);
        var layers = specs
            .Select(spec => AppLayerBuilder.GetOrBuild(cache, spec, plan.Container.WorkingDirectory, plan.SourceDateEpoch))
            .ToImmutableArray();
        foreach (var (spec, layer) in specs.Zip(layers))
        {
            _logger.LogDebug("Layer {Digest} {Size:F2} MB, {Files} files: {Description}",
                layer.Digest.Short, layer.Size / 1e6, spec.Files.Length, spec.Description);
        }

        _logger.LogInformation("App layers: {Count} ({Size:F1} MB compressed, {Seconds:F2} s)",
            layers.Length, layers.Sum(l => l.Size) / 1e6, clock.Elapsed.TotalSeconds);
        return layers;
    }

    private static ImageConfig CreateConfig(ImagePlan plan, Platform platform)
    {
        var workingDirectory = plan.Container.WorkingDirectory.TrimEnd('/');
        var config = new ImageConfig
        {
            Platform = platform,
            Created = DateTimeOffset.FromUnixTimeSeconds(plan.SourceDateEpoch),
            User = plan.Container.User,
            Env = DistrolessBase.Environment,
            Entrypoint = [$"{workingDirectory}/{plan.App.AppHost}"],
            WorkingDir = workingDirectory.Length == 0 ? "/" : workingDirectory,
            Labels = plan.Container.Labels.WithComparers(StringComparer.Ordinal),
            ExposedPorts = plan.Container.Ports.ToImmutableSortedSet(StringComparer.Ordinal),
        };

        config = config.WithEnvironment("DOTNET_RUNNING_IN_CONTAINER", "true");
        if (!plan.App.SelfContained)
        {
            config = config.WithEnvironment("DOTNET_ROOT", DotnetRootLayer.Root);
        }

        if (plan.Base.InvariantGlobalization)
        {
            config = config.WithEnvironment("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "true");
        }

        foreach (var variable in plan.Container.Environment)
        {
            config = config.WithEnvironment(variable.Name, variable.Value);
        }

        return config;
    }
}
