using System.Collections.Immutable;
using System.Diagnostics;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Http;
using Distroless.Oci;
using Distroless.Output;
using Distroless.Registry;

namespace Distroless.Building;

public sealed partial class Containerizer
{
    /// <summary>Builds the generated base alone (per platform), runnable as the non-root user, with no app.</summary>
    public Task<BuildResult> BuildBaseAsync(BaseImagePlan plan, CancellationToken ct = default)
        => GuardAsync(plan.CacheDirectory, plan.Output.ArchivePath, plan.LockFile, () => BuildBaseOnceAsync(plan, ct));

    private async Task<BuildResult> BuildBaseOnceAsync(BaseImagePlan plan, CancellationToken ct)
    {
        ImagePlanValidator.Validate(plan);
        var release = DebianRelease.Find(plan.Suite)!;
        var flavor = plan.Flavor switch
        {
            BaseImageFlavor.Runtime => BaseFlavor.Runtime(invariantGlobalization: false),
            BaseImageFlavor.RuntimeInvariant => BaseFlavor.Runtime(invariantGlobalization: true),
            BaseImageFlavor.Aot => new BaseFlavor(Cpp: false, Ssl: true, Icu: false),
            _ => throw new UnreachableException($"the validator let the flavor \"{plan.Flavor}\" through"),
        };
        var cache = new BlobCache(plan.CacheDirectory);
        var options = RegistryOptionsFor(plan.RegistrySettings);
        using var sessions = new RegistrySessions(options, _credentials, _logger);
        var archive = new DebianArchiveClient(new HttpFetcher(_http, _logger), cache, new InReleaseVerifier(_keyring, _time), _time, _logger);
        var composer = new BaseComposer(archive, cache, _logger);
        var locks = new LockState(plan.LockFile, plan.LockMode, plan.Suite);

        var images = ImmutableArray.CreateBuilder<BuiltImage>();
        var packages = ImmutableArray<PackageRecord>.Empty;
        foreach (var rid in plan.RuntimeIdentifiers)
        {
            var platform = Platform.FromRuntimeIdentifier(rid)!;
            var request = new BaseRequest(release, platform, new Uri(plan.Mirror), new Uri(plan.SecurityMirror), flavor)
            {
                ExtraPackages = plan.ExtraPackages.Select(p => PackageRelation.ParseList(p)[0].Alternatives[0]).ToImmutableArray(),
                Slim = plan.Slim,
                Debug = plan.Debug,
            };
            var (composed, section) = await composer.ComposeAsync(request, locks.For(platform.DebianArchitecture), locks.Mode, ct).ConfigureAwait(false);
            locks.Record(platform.DebianArchitecture, section);
            var config = new ImageConfig
            {
                Platform = platform,
                Created = DateTimeOffset.FromUnixTimeSeconds(plan.SourceDateEpoch),
                User = SyntheticLayer.NonRootUid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Env = DistrolessBase.Environment,
                WorkingDir = "/home/nonroot",
            };
            foreach (var layer in composed.Layers)
            {
                config = config.WithLayer(layer.DiffId, layer.CreatedBy);
            }

            var baseImage = BaseImage.From(composed, request);
            images.Add(BuiltImage.Create(config, composed.Layers, baseImage.Annotations));
            packages = packages.IsEmpty ? composed.Packages : packages;
        }

        locks.Save(_logger);
        var all = images.ToImmutable();
        return await SendAsync(plan.Output, all, all.Length > 1 ? BuiltIndex.Create(all) : null, packages, cache, sessions, options, ct)
            .ConfigureAwait(false);
    }
}
