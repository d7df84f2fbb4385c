using System.Collections.Immutable;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Layers;
using Distroless.Native;

namespace Distroless.Building;

public sealed partial class Containerizer
{
    /// <summary>A base this build generated, with what it takes to add packages to it.</summary>
    private sealed record GeneratedBase(DistrolessBase Composed, BaseRequest Request, LockedPlatform Lock, BaseComposer Composer,
        DebianArchiveClient Archive);

    /// <summary>
    /// The generated base with the Debian packages the app's native code needs (see
    /// <see cref="NativeClosure"/>), placed after the base's packages and before its synthetic
    /// layer, so images of apps that need nothing more keep sharing every base layer.
    /// </summary>
    private async Task<BaseImage> FitToNativeCodeAsync(ImagePlan plan, BaseImage baseImage, GeneratedBase? generated,
        ImmutableArray<LayerBlob> appLayers, BlobCache cache, LockState locks, CancellationToken ct)
    {
        if (generated is null)
        {
            return baseImage;
        }

        var (composed, request, section, composer, archive) = generated;
        var requested = request.PackageNames.ToHashSet(StringComparer.Ordinal);
        var native = new NativeRequest
        {
            Base = request,
            BasePackages = composed.Packages,
            BaseLayers = composed.Layers,
            // The project's own packages are checked like the app; the base's were chosen to work.
            CheckedBaseLayers = composed.Packages.Zip(composed.Layers).Where(p => !requested.Contains(p.First.Name)).Select(p => p.Second).ToImmutableArray(),
            AppLayers = appLayers,
            LibraryPath = plan.Container.Environment.LastOrDefault(e => e.Name == "LD_LIBRARY_PATH")?.Value,
            Mode = plan.Base.ResolveNativeDependencies ? NativeDependencyMode.Add : NativeDependencyMode.Report,
            Strict = plan.Base.StrictNativeDependencies,
        };
        var architecture = request.Platform.DebianArchitecture;
        var additions = await new NativeClosure(composer, archive, cache, _logger)
            .ResolveAsync(native, locks.For(architecture)?.Native, locks.Mode, ct).ConfigureAwait(false);
        locks.Record(architecture, section with { Native = additions.Lock });
        if (additions.Packages.IsEmpty && additions.Needs.IsEmpty)
        {
            return baseImage;
        }

        var fitted = composed with
        {
            Layers = [.. composed.Layers[..^1], .. additions.Layers, composed.Layers[^1]],
            Packages = [.. composed.Packages, .. additions.Packages],
        };
        return BaseImage.From(fitted, request, additions.Needs);
    }
}
