using System.Collections.Immutable;
using Distroless.Debian;
using Distroless.Layers;
using Distroless.Native;

namespace Distroless.Base;

/// <summary>Whether missing native libraries are added to the base, or only reported (DistrolessResolveNativeDependencies=false).</summary>
public enum NativeDependencyMode
{
    Add,
    Report,
}

/// <summary>The question <see cref="NativeClosure"/> answers: this base, under these app layers.</summary>
public sealed record NativeRequest
{
    public required BaseRequest Base { get; init; }

    /// <summary>The packages the base already has.</summary>
    public required ImmutableArray<PackageRecord> BasePackages { get; init; }

    /// <summary>Every layer of the base, in order.</summary>
    public required ImmutableArray<LayerBlob> BaseLayers { get; init; }

    /// <summary>Base layers whose files are checked too: the project's DistrolessPackages and what they pulled in.</summary>
    public ImmutableArray<LayerBlob> CheckedBaseLayers { get; init; } = [];

    /// <summary>The runtime and app layers: what the app ships, all of it checked.</summary>
    public ImmutableArray<LayerBlob> AppLayers { get; init; } = [];

    /// <summary>LD_LIBRARY_PATH as the image's environment sets it.</summary>
    public string? LibraryPath { get; init; }

    public NativeDependencyMode Mode { get; init; } = NativeDependencyMode.Add;

    /// <summary>DistrolessStrictNativeDependencies: a library nothing provides is an error, not a warning.</summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Reads the libraries the app's managed code imports by P/Invoke (module → assemblies), for
    /// suggestions only; called only when the app layers are new to the cache.
    /// </summary>
    public Func<ImmutableSortedDictionary<string, ImmutableArray<string>>> ReadImports { get; init; }
        = () => ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty;

    /// <summary>A rebase: what an earlier build added and why, instead of scanning the app again.</summary>
    public ImmutableArray<NativeNeed>? Known { get; init; }
}

/// <summary>What <see cref="NativeClosure"/> added to the base: packages and their layers, the needs they answer, the lock section.</summary>
public sealed record NativeAdditions
{
    public static readonly NativeAdditions None = new();

    public ImmutableArray<PackageRecord> Packages { get; init; } = [];

    public ImmutableArray<LayerBlob> Layers { get; init; } = [];

    /// <summary>Each missing soname with the package added for it, or none.</summary>
    public ImmutableArray<NativeNeed> Needs { get; init; } = [];

    /// <summary>The lock file's record of it; null when nothing was missing.</summary>
    public LockedNative? Lock { get; init; }
}
