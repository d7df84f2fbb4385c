using System.Collections.Immutable;
using Distroless.App;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Layers;
using Distroless.Native;
using Microsoft.Extensions.Logging;

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
        ImmutableArray<LayerBlob> appLayers, DepsJson? deps, BlobCache cache, LockState locks, CancellationToken ct)
    {
        if (generated is null)
        {
            return baseImage;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var requested = generated.Request.PackageNames.ToHashSet(StringComparer.Ordinal);
        var (fitted, additions) = await AddNativePackagesAsync(generated, cache, locks, native => native with
        {
            // The project's own packages are checked like the app; the base's were chosen to work.
            CheckedBaseLayers = generated.Composed.Packages.Zip(generated.Composed.Layers)
                .Where(p => !requested.Contains(p.First.Name)).Select(p => p.Second).ToImmutableArray(),
            AppLayers = appLayers,
            LibraryPath = plan.Container.Environment.LastOrDefault(e => e.Name == "LD_LIBRARY_PATH")?.Value,
            Mode = plan.Base.ResolveNativeDependencies ? NativeDependencyMode.Add : NativeDependencyMode.Report,
            Strict = plan.Base.StrictNativeDependencies,
            ReadImports = () => PInvokeImports.Read(plan.App.Files
                .Where(f => f.RelativePath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                    && (deps?.Classify(f.RelativePath).Kind ?? LibraryKind.App) is not LibraryKind.Runtime and not LibraryKind.StaticAssets)
                .Select(f => f.SourcePath)),
        }, ct).ConfigureAwait(false);
        _logger.LogInformation("Native dependencies: {Outcome} ({Seconds:F3} s)", additions.Packages.IsEmpty
            ? additions.Needs.IsEmpty ? "nothing missing" : "nothing added"
            : $"{additions.Packages.Length} packages added for {string.Join(", ", additions.Needs.Where(n => n.IsResolved).Select(n => n.SoName))}",
            clock.Elapsed.TotalSeconds);
        return additions.Needs.IsEmpty ? baseImage : BaseImage.From(fitted, generated.Request, additions.Needs) with { Releases = baseImage.Releases };
    }

    /// <summary>Runs the closure on a generated base and records its lock section; the base with the added layers.</summary>
    private async Task<(DistrolessBase Fitted, NativeAdditions Additions)> AddNativePackagesAsync(GeneratedBase generated, BlobCache cache,
        LockState locks, Func<NativeRequest, NativeRequest> shape, CancellationToken ct)
    {
        var (composed, request, section, composer, archive) = generated;
        var native = shape(new NativeRequest { Base = request, BasePackages = composed.Packages, BaseLayers = composed.Layers });
        var architecture = request.Platform.DebianArchitecture;
        var additions = await new NativeClosure(composer, archive, cache, _logger)
            .ResolveAsync(native, locks.For(architecture)?.Native, locks.Mode, ct).ConfigureAwait(false);
        locks.Record(architecture, section with { Native = additions.Lock });
        var fitted = additions.Packages.IsEmpty ? composed : composed with
        {
            Layers = [.. composed.Layers[..^1], .. additions.Layers, composed.Layers[^1]],
            Packages = [.. composed.Packages, .. additions.Packages],
        };
        return (fitted, additions);
    }
}
