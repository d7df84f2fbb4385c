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
using Distroless.Registry;
using Distroless.Registry.Auth;
using Microsoft.Extensions.Logging;

namespace Distroless.Building;

/// <summary>
/// Runs an <see cref="ImagePlan"/>: gets the base (generated from Debian, or pulled from a
/// registry) and builds the app layers at the same time (one waits on the network, the other
/// on the disk), assembles config and manifest, and sends the image where the plan says: an
/// archive, a registry, a local engine.
/// </summary>
public sealed class Containerizer
{
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DebianKeyring _keyring;
    private readonly CredentialStore _credentials;
    private readonly Func<HttpMessageHandler>? _registryHandler;

    /// <param name="http">Used for the Debian archive; the host owns its lifetime and proxy settings.</param>
    /// <param name="logger">Phase lines at Information, per-layer detail at Debug.</param>
    /// <param name="time">Only for checking signature and Release validity; image content never reads it.</param>
    /// <param name="keyring">Trusted archive keys; the shipped Debian keys by default.</param>
    /// <param name="credentials">Registry credentials (the host builds the store from its environment); anonymous by default.</param>
    /// <param name="registryHandler">Replaces the registry HTTP handler (tests); a real socket handler by default.</param>
    public Containerizer(HttpClient http, ILogger logger, TimeProvider? time = null, DebianKeyring? keyring = null,
        CredentialStore? credentials = null, Func<HttpMessageHandler>? registryHandler = null)
    {
        _http = http;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _keyring = keyring ?? DebianKeyring.Default;
        _credentials = credentials ?? CredentialStore.Anonymous(logger);
        _registryHandler = registryHandler;
    }

    public async Task<BuildResult> BuildAsync(ImagePlan plan, CancellationToken ct = default)
    {
        ImagePlanValidator.Validate(plan);
        var clock = Stopwatch.StartNew();
        var cache = new BlobCache(plan.CacheDirectory);
        var platform = Platform.FromRuntimeIdentifier(plan.Base.RuntimeIdentifier)!;
        var options = new RegistryOptions
        {
            InsecureRegistries = plan.RegistrySettings.InsecureRegistries,
            Parallelism = plan.RegistrySettings.Parallelism,
            ChunkedUploadThreshold = plan.RegistrySettings.ChunkedUploadThreshold,
            ChunkSize = plan.RegistrySettings.ChunkSize,
            HandlerFactory = _registryHandler,
        };
        using var sessions = new RegistrySessions(options, _credentials, _logger);

        var baseTask = GetBaseAsync(plan, platform, cache, sessions, ct);
        var runtimeTask = plan.App.SelfContained ? Task.FromResult<LayerBlob?>(null) : BuildRuntimeLayerAsync(plan, cache, ct);
        var appTask = Task.Run(() => BuildAppLayers(plan, cache), ct);
        // All finish before BuildAsync returns or throws: a failure of one must not leave the
        // others writing into the cache behind the caller's back.
        await Task.WhenAll(baseTask, runtimeTask, appTask).ConfigureAwait(false);
        var baseImage = await baseTask.ConfigureAwait(false);
        var runtimeLayer = await runtimeTask.ConfigureAwait(false);
        var appLayers = await appTask.ConfigureAwait(false);

        ImmutableArray<LayerBlob> added = [.. runtimeLayer is null ? [] : new[] { runtimeLayer }, .. appLayers];
        var config = ImageConfigFactory.Create(plan, platform, baseImage, added);
        var image = BuiltImage.Create(config, [.. baseImage.Layers, .. added], baseImage.Annotations);
        var references = plan.Tags.Select(tag => plan.Registry is { } registry
            ? ImageReference.Create(registry, plan.Repository, tag).ToString()
            : $"{plan.Repository}:{tag}").ToImmutableArray();

        var result = new BuildResult(image, references, baseImage.Packages,
            image.Layers.Select(l => $"{l.Digest.Short} {l.Size / 1e6,7:F2} MB  {l.CreatedBy}").ToImmutableArray());
        if (plan.ArchivePath is { } archivePath)
        {
            ImageArchiveWriter.Write(archivePath, image, references, cache);
            result = result with { ArchivePath = Path.GetFullPath(archivePath) };
        }

        if (plan.Registry is { } target)
        {
            result = result with { Push = await PushAsync(plan, target, image, cache, sessions, options, ct).ConfigureAwait(false) };
        }

        if (plan.LocalEngine is { } engine)
        {
            await LoadIntoEngineAsync(engine, image, references, cache, ct).ConfigureAwait(false);
            result = result with { LoadedInto = engine };
        }

        _logger.LogInformation("Image {Digest}: {Layers} layers, {Size:F1} MB compressed ({Seconds:F2} s)",
            image.Digest, image.Layers.Length, image.CompressedSize / 1e6, clock.Elapsed.TotalSeconds);
        return result;
    }

    private async Task<BaseImage> GetBaseAsync(ImagePlan plan, Platform platform, BlobCache cache, RegistrySessions sessions, CancellationToken ct)
    {
        if (plan.Base.Image is { } reference)
        {
            var puller = new RegistryImagePuller(cache, host => sessions.Get(host, push: false), _logger);
            return await puller.PullAsync(ImageReference.Parse(reference), platform, ct).ConfigureAwait(false);
        }

        var release = DebianRelease.Find(plan.Base.Suite)!;
        var archive = new DebianArchiveClient(new HttpFetcher(_http, _logger), cache, new InReleaseVerifier(_keyring, _time), _time, _logger);
        var composer = new BaseComposer(archive, cache, _logger);
        var request = new BaseRequest(release, platform, new Uri(plan.Base.Mirror), new Uri(plan.Base.SecurityMirror),
            IncludeIcu: !plan.Base.InvariantGlobalization);
        return BaseImage.From(await composer.ComposeAsync(request, ct).ConfigureAwait(false));
    }

    private async Task<PushResult> PushAsync(ImagePlan plan, string registry, BuiltImage image, BlobCache cache,
        RegistrySessions sessions, RegistryOptions options, CancellationToken ct)
    {
        var targets = plan.Tags.Select(tag => ImageReference.Create(registry, plan.Repository, tag)).ToList();
        var blobs = image.Layers.Select(l => BlobSource.FromFile(l.Descriptor, cache.BlobPath(l.Digest)))
            .Append(BlobSource.FromBytes(image.ConfigDescriptor, image.ConfigJson))
            .ToList();
        var pusher = new ImagePusher(sessions.Get(targets[0].ApiHost, push: true), cache, options, _logger);
        return await pusher.PushAsync(targets, blobs, image.ManifestJson, MediaTypes.ImageManifest, ct).ConfigureAwait(false);
    }

    /// <summary>Writes the archive to a temporary file, hands it to the engine, and removes it.</summary>
    private async Task LoadIntoEngineAsync(string engine, BuiltImage image, IReadOnlyList<string> references, BlobCache cache, CancellationToken ct)
    {
        var temp = cache.TempPath() + ".tar";
        try
        {
            ImageArchiveWriter.Write(temp, image, references, cache);
            var output = await LocalEngineLoader.LoadAsync(engine, temp, ct).ConfigureAwait(false);
            _logger.LogInformation("Loaded into {Engine}: {Output}", engine, output.Split('\n').LastOrDefault());
        }
        finally
        {
            File.Delete(temp);
        }
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
}
