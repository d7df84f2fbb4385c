using System.Collections.Immutable;
using Distroless.Debian;
using Distroless.Layers;
using Distroless.Oci;

namespace Distroless.Base;

/// <summary>
/// What an image is built on: the generated Debian base, or an image from a registry
/// (ContainerBaseImage). Its layers, the config it brings, and what the SBOM and the manifest
/// should know about it.
/// </summary>
public sealed record BaseImage
{
    public required string Description { get; init; }

    public required ImmutableArray<LayerBlob> Layers { get; init; }

    /// <summary>A registry base's config (env, user, history…); null for the generated base.</summary>
    public ImageConfig? Config { get; init; }

    public ImmutableArray<PackageRecord> Packages { get; init; } = [];

    /// <summary>org.opencontainers.image.base.name/.digest for a registry base.</summary>
    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }

    /// <summary>The signed InRelease files the generated base's packages were listed in (what its provenance names).</summary>
    public ImmutableArray<SignedRelease> Releases { get; init; } = [];

    public static BaseImage From(DistrolessBase generated, BaseRequest request, ImmutableArray<Native.NativeNeed> native = default) => new()
    {
        Description = $"Debian {generated.Release.VersionId} ({generated.Release.Codename}) distroless base",
        Layers = generated.Layers,
        Packages = generated.Packages,
        Annotations = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            [BaseRecipe.Annotation] = BaseRecipe.From(request, generated.Layers.Length, native).ToJson(),
        }),
    };
}

/// <summary>A suite's InRelease file as the base used it: where it is, and the digest it had.</summary>
public sealed record SignedRelease(string Suite, Uri InRelease, Digest Digest);
