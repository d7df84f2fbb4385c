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
        var appTask = Task.Run(() => BuildAppLayers(plan, cache), ct);
        // Both finish before BuildAsync returns or throws: a failure of one must not leave the
        // other writing into the cache behind the caller's back.
        await Task.WhenAll(baseTask, appTask).ConfigureAwait(false);
        var distrolessBase = await baseTask.ConfigureAwait(false);
        var appLayers = await appTask.ConfigureAwait(false);

        var config = CreateConfig(plan, platform);
        foreach (var layer in distrolessBase.Layers.Concat(appLayers))
        {
            config = config.WithLayer(layer.DiffId, layer.CreatedBy);
        }

        var image = BuiltImage.Create(config, [.. distrolessBase.Layers, .. appLayers]);
        var references = plan.Tags.Select(tag => $"{plan.Repository}:{tag}").ToImmutableArray();
        ImageArchiveWriter.Write(plan.ArchivePath, image, references, cache);

        _logger.LogInformation("Image {Digest}: {Layers} layers, {Size:F1} MB compressed ({Seconds:F2} s)",
            image.Digest, image.Layers.Length, image.CompressedSize / 1e6, clock.Elapsed.TotalSeconds);
        return new BuildResult(image, Path.GetFullPath(plan.ArchivePath), references, distrolessBase.Packages,
            image.Layers.Select(l => $"{l.Digest.Short} {l.Size / 1e6,7:F2} MB  {l.CreatedBy}").ToImmutableArray());
    }

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
