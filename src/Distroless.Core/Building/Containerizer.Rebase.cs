using System.Collections.Immutable;
using System.Diagnostics;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Diagnostics;
using Distroless.Http;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Output;
using Distroless.Registry;
using Microsoft.Extensions.Logging;

namespace Distroless.Building;

public sealed partial class Containerizer
{
    /// <summary>
    /// Rebuilds the base of an image (every platform of an index) as its manifest annotation
    /// describes it, from the current archive or the lock, and puts the image's app layers on
    /// top unchanged: a Debian security fix without rebuilding or re-uploading the app.
    /// </summary>
    public Task<BuildResult> RebaseAsync(RebasePlan plan, CancellationToken ct = default)
        => GuardAsync(plan.CacheDirectory, plan.Output.ArchivePath, plan.LockFile, () => RebaseOnceAsync(plan, ct));

    private async Task<BuildResult> RebaseOnceAsync(RebasePlan plan, CancellationToken ct)
    {
        ImagePlanValidator.Validate(plan);
        var clock = Stopwatch.StartNew();
        var cache = new BlobCache(plan.CacheDirectory);
        var options = RegistryOptionsFor(plan.RegistrySettings);
        using var sessions = new RegistrySessions(options, _credentials, _logger);
        var (sources, _) = await ReadExistingAsync(plan.Source, "the image to rebase", cache, sessions, ct).ConfigureAwait(false);

        var recipes = sources.Select(image => BaseRecipe.FromAnnotations(image.Manifest.Annotations)
            ?? throw Errors.NotRebaseable(plan.Source, $"its {image.Config.Platform} image has no {BaseRecipe.Annotation} annotation")).ToList();
        var archive = new DebianArchiveClient(new HttpFetcher(_http, _logger), cache, new InReleaseVerifier(_keyring, _time), _time, _logger);
        var composer = new BaseComposer(archive, cache, _logger);
        var locks = new LockState(plan.LockFile, plan.LockMode, recipes[0].Suite);

        var rebased = ImmutableArray.CreateBuilder<BuiltImage>();
        var sboms = new Dictionary<Digest, ImageSboms>();
        var packages = ImmutableArray<PackageRecord>.Empty;
        foreach (var (image, recipe) in sources.Zip(recipes))
        {
            var request = recipe.ToRequest(image.Config.Platform, new Uri(plan.Mirror), new Uri(plan.SecurityMirror));
            var architecture = image.Config.Platform.DebianArchitecture;
            var (composed, section) = await composer.ComposeAsync(request, locks.For(architecture), locks.Mode, ct).ConfigureAwait(false);
            locks.Record(architecture, section);
            // What the app's native code needed is added again, as the earlier build recorded it.
            var (fitted, native) = await AddNativePackagesAsync(new GeneratedBase(composed, request, section, composer, archive), cache, locks,
                n => n with { Known = recipe.Native ?? [] }, ct).ConfigureAwait(false);
            composed = fitted;
            var rebasedImage = Rebase(image, recipe, composed, request, native.Needs);
            rebased.Add(rebasedImage);
            sboms[rebasedImage.Digest] = RebasedImageSbom.Create(rebasedImage, composed.Layers.Length, composed.Packages, cache, plan.Output, recipe.Suite);
            packages = packages.IsEmpty ? composed.Packages : packages;
        }

        locks.Save(_logger);
        var images = rebased.ToImmutable();
        var index = images.Length > 1 ? BuiltIndex.Create(images) : null;
        var result = await SendAsync(plan.Output, images, index, packages, cache, sessions, options, ct, sboms).ConfigureAwait(false);
        _logger.LogInformation("Rebased {Source} onto a new base: {Digest} ({Seconds:F2} s)", plan.Source, result.Digest, clock.Elapsed.TotalSeconds);
        return result;
    }

    /// <summary>The image with its first recipe.Layers layers (and their history) replaced by the new base.</summary>
    private static BuiltImage Rebase(BuiltImage image, BaseRecipe recipe, DistrolessBase composed, BaseRequest request, ImmutableArray<Native.NativeNeed> native)
    {
        if (recipe.Layers > image.Layers.Length)
        {
            throw Errors.NotRebaseable("the image", $"its annotation claims {recipe.Layers} base layers, but it has {image.Layers.Length}");
        }

        var appLayers = image.Layers.Skip(recipe.Layers).ToImmutableArray();
        var appHistory = HistoryAfter(image.Config.History, recipe.Layers);
        var config = image.Config with
        {
            DiffIds = [.. composed.Layers.Select(l => l.DiffId), .. appLayers.Select(l => l.DiffId)],
            History = [.. composed.Layers.Select(l => new HistoryEntry(image.Config.Created, l.CreatedBy)), .. appHistory],
        };
        var annotations = (image.Manifest.Annotations ?? ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal))
            .SetItem(BaseRecipe.Annotation, BaseRecipe.From(request, composed.Layers.Length, native).ToJson());
        return BuiltImage.Create(config, [.. composed.Layers, .. appLayers], annotations);
    }

    /// <summary>History entries after the first <paramref name="layers"/> layer-producing ones (empty-layer entries travel with what follows).</summary>
    private static ImmutableArray<HistoryEntry> HistoryAfter(ImmutableArray<HistoryEntry> history, int layers)
    {
        var seen = 0;
        var index = 0;
        while (index < history.Length && seen < layers)
        {
            if (!history[index].EmptyLayer)
            {
                seen++;
            }

            index++;
        }

        return history[index..];
    }
}
