using System.Collections.Immutable;
using System.Diagnostics;
using Distroless.App;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Http;
using Distroless.IO;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Provenance;
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
public sealed partial class Containerizer
{
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DebianKeyring _keyring;
    private readonly CredentialStore _credentials;
    private readonly Func<HttpMessageHandler>? _registryHandler;
    private readonly IProgress<TransferProgress>? _progress;
    private readonly Func<string?> _signingKeyPassword;

    /// <param name="http">Used for the Debian archive; the host owns its lifetime and proxy settings.</param>
    /// <param name="logger">Phase lines at Information, per-layer detail at Debug.</param>
    /// <param name="time">Only for checking signature and Release validity; image content never reads it.</param>
    /// <param name="keyring">Trusted archive keys; the shipped Debian keys by default.</param>
    /// <param name="credentials">Registry credentials (the host builds the store from its environment); anonymous by default.</param>
    /// <param name="registryHandler">Replaces the registry HTTP handler (tests); a real socket handler by default.</param>
    /// <param name="progress">Told the bytes of every registry blob upload and download (a host's progress bar); none by default.</param>
    /// <param name="signingKeyPassword">Asked for the password of an encrypted signing key (the host reads DISTROLESS_SIGNING_KEY_PASSWORD); none by default.</param>
    public Containerizer(HttpClient http, ILogger logger, TimeProvider? time = null, DebianKeyring? keyring = null,
        CredentialStore? credentials = null, Func<HttpMessageHandler>? registryHandler = null, IProgress<TransferProgress>? progress = null,
        Func<string?>? signingKeyPassword = null)
    {
        _http = http;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _keyring = keyring ?? DebianKeyring.Default;
        _credentials = credentials ?? CredentialStore.Anonymous(logger);
        _registryHandler = registryHandler;
        _progress = progress;
        _signingKeyPassword = signingKeyPassword ?? (() => null);
    }

    public Task<BuildResult> BuildAsync(ImagePlan plan, CancellationToken ct = default) => BuildAsync([plan], ct);

    /// <summary>
    /// Builds one image per plan (one per platform, sharing name, tags and destinations) and
    /// sends them out together: a single image as it is, several as an OCI image index.
    /// </summary>
    public Task<BuildResult> BuildAsync(IReadOnlyList<ImagePlan> plans, CancellationToken ct = default)
        => plans.Count == 0 ? BuildOnceAsync(plans, ct)
            : GuardAsync(plans[0].CacheDirectory, plans[0].ArchivePath, plans[0].Base.LockFile, () => BuildOnceAsync(plans, ct));

    private async Task<BuildResult> BuildOnceAsync(IReadOnlyList<ImagePlan> plans, CancellationToken ct)
    {
        foreach (var each in plans)
        {
            ImagePlanValidator.Validate(each);
        }

        ImagePlanValidator.ValidateTogether(plans);
        var plan = plans[0];
        // Before any work: a key that cannot be used fails the build before anything is written or pushed.
        var signingKey = LoadSigningKey(plan);
        var clock = Stopwatch.StartNew();
        var cache = new BlobCache(plan.CacheDirectory);
        var options = RegistryOptionsFor(plan.RegistrySettings);
        using var sessions = new RegistrySessions(options, _credentials, _logger);

        var locks = new LockState(plan.Base);
        var built = new List<(BuiltImage Image, ImmutableArray<PackageRecord> Packages, ImageSboms? Sboms, ImmutableArray<ResourceDescriptor> Dependencies)>();
        foreach (var each in plans)
        {
            built.Add(await BuildImageAsync(each, cache, sessions, locks, ct, provenance: signingKey is not null && plan.SupplyChain.Provenance)
                .ConfigureAwait(false));
        }

        locks.Save(_logger);

        var images = built.Select(b => b.Image).ToImmutableArray();
        var index = images.Length > 1 ? BuiltIndex.Create(images) : null;
        var target = new OutputTarget(plan.Repository, plan.Tags, plan.ArchivePath, plan.Registry, plan.LocalEngine);
        var sboms = plan.Sbom ? built.ToDictionary(b => b.Image.Digest, b => b.Sboms!) : null;
        var attachments = signingKey is null ? [] : Attest(signingKey, plans, [.. built.Select(b => (b.Image, b.Dependencies))], index);
        var result = await SendAsync(target, images, index, built[0].Packages, cache, sessions, options, ct, sboms, attachments).ConfigureAwait(false);
        if (signingKey is not null)
        {
            result = result with { Signed = $"{signingKey}{(plan.SupplyChain.Provenance ? ", with provenance" : "")}" };
        }

        _logger.LogInformation("Image {Digest}: {Platforms}, {Size:F1} MB compressed ({Seconds:F2} s)", result.Digest,
            string.Join(", ", images.Select(i => $"{i.Config.Platform} {i.Layers.Length} layers")),
            images.Sum(i => i.CompressedSize) / 1e6, clock.Elapsed.TotalSeconds);
        return result;
    }

    /// <summary>One platform's image: base and app layers built at the same time, then config and manifest (and what its provenance names).</summary>
    private async Task<(BuiltImage Image, ImmutableArray<PackageRecord> Packages, ImageSboms? Sboms, ImmutableArray<ResourceDescriptor> Dependencies)> BuildImageAsync(
        ImagePlan plan, BlobCache cache, RegistrySessions sessions, LockState locks, CancellationToken ct, bool provenance)
    {
        var platform = Platform.FromRuntimeIdentifier(plan.Base.RuntimeIdentifier)!;
        // Read once (and before anything starts in the background): the runtime layers, the
        // web-app check and the SBOM all need the frameworks.
        (string ConfigPath, List<RuntimeFramework> Frameworks)? runtime = plan.App.SelfContained ? null : RuntimeFrameworks(plan);
        var baseTask = GetBaseAsync(plan, platform, cache, sessions, locks, ct);
        var runtimeTask = runtime is { } shared ? BuildRuntimeLayersAsync(plan, shared.ConfigPath, shared.Frameworks, cache, ct)
            : Task.FromResult<IReadOnlyList<LayerBlob>>([]);
        var deps = plan.App.DepsJsonPath is { } depsPath && File.Exists(depsPath) ? DepsJson.Read(depsPath) : null;
        var appTask = Task.Run(() => BuildAppLayers(plan, deps, cache), ct);
        // All finish before this returns or throws: a failure of one must not leave the others
        // writing into the cache behind the caller's back.
        await Task.WhenAll(baseTask, runtimeTask, appTask).ConfigureAwait(false);
        var (baseImage, generated) = await baseTask.ConfigureAwait(false);
        var runtimeLayers = await runtimeTask.ConfigureAwait(false);
        var appLayers = await appTask.ConfigureAwait(false);

        ImmutableArray<LayerBlob> added = [.. runtimeLayers, .. appLayers];
        baseImage = await FitToNativeCodeAsync(plan, baseImage, generated, added, deps, cache, locks, ct).ConfigureAwait(false);
        var frameworks = runtime?.Frameworks.Select(f => (f.Name, f.Version)).ToList() ?? [];
        var isWeb = plan.App.IsWebApp || AppKind.IsWebApp(frameworks, deps);
        if (baseImage.Config is not null)
        {
            // The generated base's users were checked with the plan; a registry base's are known now.
            ContainerUserCheck.Check(plan.Container.User, baseImage, cache);
        }

        var config = ImageConfigFactory.Create(plan, platform, baseImage, added, isWeb);
        var image = BuiltImage.Create(config, [.. baseImage.Layers, .. added], baseImage.Annotations);
        return (image, baseImage.Packages, plan.Sbom ? SbomFactory.Create(plan, image, baseImage.Packages, cache, deps, frameworks) : null,
            provenance ? ProvenanceFactory.Dependencies(plan, baseImage, deps, frameworks, platform) : []);
    }

    private async Task<(BaseImage Image, GeneratedBase? Generated)> GetBaseAsync(ImagePlan plan, Platform platform, BlobCache cache,
        RegistrySessions sessions, LockState locks, CancellationToken ct)
    {
        if (plan.Base.Image is { } reference)
        {
            var puller = new RegistryImagePuller(cache, host => sessions.Get(host, push: false), _logger);
            return (await puller.PullAsync(ImageReference.Parse(reference), platform, ct).ConfigureAwait(false), null);
        }

        var release = DebianRelease.Find(plan.Base.Suite)!;
        var archive = new DebianArchiveClient(new HttpFetcher(_http, _logger), cache, new InReleaseVerifier(_keyring, _time), _time, _logger);
        var composer = new BaseComposer(archive, cache, _logger);
        var request = new BaseRequest(release, platform, new Uri(plan.Base.Mirror), new Uri(plan.Base.SecurityMirror), Flavor(plan))
        {
            ExtraPackages = plan.Base.ExtraPackages.Select(p => PackageRelation.ParseList(p)[0].Alternatives[0]).ToImmutableArray(),
            ExcludedPackages = plan.Base.ExcludedPackages,
            Slim = plan.Base.Slim,
            Debug = plan.Base.Debug,
        };
        var architecture = platform.DebianArchitecture;
        var (composed, section) = await composer.ComposeAsync(request, locks.For(architecture), locks.Mode, ct).ConfigureAwait(false);
        locks.Record(architecture, section);
        var image = BaseImage.From(composed, request) with
        {
            Releases = [.. section.InRelease.Select(r => new SignedRelease(r.Key, request.SuiteOf(r.Key).InReleaseUri, Digest.Parse(r.Value)))],
        };
        return (image, new GeneratedBase(composed, request, section, composer, archive));
    }

    /// <summary>A plan's registry settings with what this containerizer was given: the handler seam and the progress sink.</summary>
    private RegistryOptions RegistryOptionsFor(RegistrySettings settings) => new()
    {
        InsecureRegistries = settings.InsecureRegistries,
        Parallelism = settings.Parallelism,
        ChunkedUploadThreshold = settings.ChunkedUploadThreshold,
        ChunkSize = settings.ChunkSize,
        HandlerFactory = _registryHandler,
        Progress = _progress,
    };

    /// <summary>What the app needs from the base: everything for the .NET runtime; for Native AOT, what its binaries reference.</summary>
    private BaseFlavor Flavor(ImagePlan plan)
    {
        if (!plan.App.NativeAot)
        {
            return BaseFlavor.Runtime(plan.Base.InvariantGlobalization);
        }

        var binaries = plan.App.Files.Select(f => f.SourcePath).Where(ExecutableDetector.IsExecutable).ToList();
        var (ssl, icu) = NativeDependencyScanner.Scan(binaries);
        var flavor = new BaseFlavor(Cpp: false, Ssl: ssl, Icu: icu && !plan.Base.InvariantGlobalization);
        _logger.LogInformation("Native AOT app: base with {Flavor}", flavor);
        return flavor;
    }

    /// <summary>Sends finished images to every destination the target names: archive, registry, engine.</summary>
    private async Task<BuildResult> SendAsync(OutputTarget target, ImmutableArray<BuiltImage> images, BuiltIndex? index,
        ImmutableArray<PackageRecord> packages, BlobCache cache, RegistrySessions sessions, RegistryOptions options, CancellationToken ct,
        IReadOnlyDictionary<Digest, ImageSboms>? sboms = null, IReadOnlyList<Attachment>? attachments = null)
    {
        attachments ??= [];
        var references = target.Tags.Select(tag => target.Registry is { } registry
            ? ImageReference.Create(registry, target.Repository, tag).ToString()
            : $"{target.Repository}:{tag}").ToImmutableArray();
        var result = new BuildResult(images[0], references, packages,
            images.SelectMany(i => i.Layers.Select(l => $"{i.Config.Platform} {l.Digest.Short} {l.Size / 1e6,7:F2} MB  {l.CreatedBy}")).ToImmutableArray())
        {
            Index = index,
            Images = images,
        };
        if (target.ArchivePath is { } archivePath)
        {
            ImageArchiveWriter.Write(archivePath, images, index, references, cache, attachments);
            result = result with
            {
                ArchivePath = Path.GetFullPath(archivePath),
                SbomPaths = sboms is null ? [] : SbomFiles.WriteBeside(archivePath, images, sboms),
            };
        }

        if (target.Registry is { } registryHost)
        {
            result = result with { Push = await PushAsync(target, registryHost, images, index, cache, sessions, options, ct, sboms, attachments).ConfigureAwait(false) };
        }

        if (target.LocalEngine is { } engine)
        {
            await LoadIntoEngineAsync(engine, images, index, references, cache, ct).ConfigureAwait(false);
            result = result with { LoadedInto = engine };
        }

        return result;
    }

    private async Task<PushResult> PushAsync(OutputTarget target, string registry, IReadOnlyList<BuiltImage> images, BuiltIndex? index,
        BlobCache cache, RegistrySessions sessions, RegistryOptions options, CancellationToken ct, IReadOnlyDictionary<Digest, ImageSboms>? sboms,
        IReadOnlyList<Attachment> attachments)
    {
        var targets = target.Tags.Select(tag => ImageReference.Create(registry, target.Repository, tag)).ToList();
        var pusher = new ImagePusher(sessions.Get(targets[0].ApiHost, push: true), cache, options, _logger);
        if (index is null)
        {
            var image = images[0];
            return await pusher.PushAsync(targets, Blobs(image, cache), image.ManifestJson, MediaTypes.ImageManifest, ct, Referrers(image, sboms, attachments))
                .ConfigureAwait(false);
        }

        return await pusher.PushIndexAsync(targets, images.Select(i => new ImagePusher.ImageToPush(Blobs(i, cache), i.ManifestJson) { Referrers = Referrers(i, sboms, attachments) }).ToList(),
            index.IndexJson, ct, AttachedTo(index.Digest, attachments)).ConfigureAwait(false);
    }

    /// <summary>Each image's SBOMs as OCI 1.1 referrers of its manifest, SPDX then CycloneDX; then its signature and attestations.</summary>
    private static IReadOnlyList<Referrer> Referrers(BuiltImage image, IReadOnlyDictionary<Digest, ImageSboms>? sboms, IReadOnlyList<Attachment> attachments)
        => sboms is not null && sboms.TryGetValue(image.Digest, out var sbom)
            ? [new Referrer(Sbom.SbomMediaTypes.SpdxJson, sbom.Spdx), new Referrer(Sbom.SbomMediaTypes.CycloneDxJson, sbom.CycloneDx), .. AttachedTo(image.Digest, attachments)]
            : AttachedTo(image.Digest, attachments);

    private static IReadOnlyList<Referrer> AttachedTo(Digest subject, IReadOnlyList<Attachment> attachments)
        => [.. attachments.Where(a => a.Subject.Digest == subject).Select(a => a.Referrer)];

    private static List<BlobSource> Blobs(BuiltImage image, BlobCache cache)
        => image.Layers.Select(l => BlobSource.FromCache(l.Descriptor, cache))
            .Append(BlobSource.FromBytes(image.ConfigDescriptor, image.ConfigJson))
            .ToList();

    /// <summary>Writes the archive to a temporary file, hands it to the engine, and removes it.</summary>
    private async Task LoadIntoEngineAsync(string engine, IReadOnlyList<BuiltImage> images, BuiltIndex? index,
        IReadOnlyList<string> references, BlobCache cache, CancellationToken ct)
    {
        var temp = cache.TempPath() + ".tar";
        try
        {
            ImageArchiveWriter.Write(temp, images, index, references, cache);
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
    private async Task<IReadOnlyList<LayerBlob>> BuildRuntimeLayersAsync(ImagePlan plan, string configPath, List<RuntimeFramework> frameworks,
        BlobCache cache, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var rid = plan.Base.RuntimeIdentifier;
        var locator = new Lazy<RuntimePackLocator>(() => new RuntimePackLocator(
            plan.App.Runtime.NuGetSettingsRoot ?? Path.GetDirectoryName(configPath)!, plan.App.Runtime.NuGetPackagesFolder, _logger));
        var layers = await DotnetRootLayer.GetOrBuildAsync(cache, frameworks, rid,
            framework => locator.Value.LocateAsync(framework.PackId(rid), framework.Version, ct)).ConfigureAwait(false);
        _logger.LogInformation("Runtime layers: {Frameworks} ({Size:F1} MB compressed, {Seconds:F2} s)",
            string.Join(", ", frameworks), layers.Sum(l => l.Size) / 1e6, clock.Elapsed.TotalSeconds);
        return layers;
    }

    /// <summary>The shared frameworks a framework-dependent app's image carries, at the versions it carries them.</summary>
    private static (string ConfigPath, List<RuntimeFramework> Frameworks) RuntimeFrameworks(ImagePlan plan)
    {
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
        return (configPath, frameworks);
    }

    private const string NetCoreApp = "Microsoft.NETCore.App";

    private ImmutableArray<LayerBlob> BuildAppLayers(ImagePlan plan, DepsJson? deps, BlobCache cache)
    {
        var clock = Stopwatch.StartNew();
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
