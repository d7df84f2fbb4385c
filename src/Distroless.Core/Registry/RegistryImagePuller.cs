using System.Collections.Immutable;
using System.Text.Json;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.IO;
using Distroless.Layers;
using Distroless.Oci;
using Microsoft.Extensions.Logging;

namespace Distroless.Registry;

/// <summary>
/// Fetches a base image from a registry into the cache: the manifest (from an index, the one
/// for the platform), the config and every layer, each verified against its digest. A base
/// pinned by digest whose parts are all cached is read without any network access. Blob
/// downloads report their bytes to the transport's <see cref="RegistryOptions.Progress"/>.
/// </summary>
public sealed class RegistryImagePuller
{
    private static readonly HashSet<string> IndexTypes = new(StringComparer.Ordinal)
    {
        MediaTypes.ImageIndex, "application/vnd.docker.distribution.manifest.list.v2+json",
    };

    private readonly BlobCache _cache;
    private readonly Func<string, RegistryTransport> _transports;
    private readonly ILogger _logger;

    public RegistryImagePuller(BlobCache cache, Func<string, RegistryTransport> transports, ILogger logger)
    {
        _cache = cache;
        _transports = transports;
        _logger = logger;
    }

    public async Task<BaseImage> PullAsync(ImageReference reference, Platform platform, CancellationToken ct = default)
    {
        var client = new Lazy<RepositoryClient>(() => new RepositoryClient(_transports(reference.ApiHost), reference.Repository));
        var (content, digest) = await ManifestAsync(client, reference, reference.ManifestReference, reference.Digest, ct).ConfigureAwait(false);
        using var top = JsonDocument.Parse(content);
        if (IndexTypes.Contains(MediaType(top.RootElement)))
        {
            var chosen = ChooseManifest(top.RootElement, platform, reference);
            (content, digest) = await ManifestAsync(client, reference, chosen.ToString(), chosen, ct).ConfigureAwait(false);
        }

        using var manifest = JsonDocument.Parse(content);
        var configDescriptor = Descriptor(manifest.RootElement.GetProperty("config"));
        var configBytes = await File.ReadAllBytesAsync(await BlobAsync(client, configDescriptor, ct, reading: true).ConfigureAwait(false), ct).ConfigureAwait(false);
        var config = ImageConfigReader.Read(configBytes);
        if (config.Platform.Os != platform.Os || config.Platform.Architecture != platform.Architecture
            || (platform.Variant is not null && config.Platform.Variant is { } variant && variant != platform.Variant))
        {
            // A single-platform base (no index to choose from) built for another platform.
            throw Errors.NoMatchingPlatform(reference.ToString(), platform.ToString(), config.Platform.ToString());
        }

        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().Select(Descriptor).ToList();
        if (layers.Count != config.DiffIds.Length)
        {
            throw Errors.RegistryRejected(reference.Registry, $"the base image {reference}", "its manifest and config disagree on the number of layers");
        }

        foreach (var layer in layers)
        {
            await BlobAsync(client, layer, ct).ConfigureAwait(false);
        }

        var locations = new BlobLocations(_cache, reference.ApiHost);
        foreach (var layer in layers)
        {
            locations.Remember(layer.Digest, reference.Repository);
        }

        var history = config.History.Where(h => !h.EmptyLayer).Select(h => h.CreatedBy).ToList();
        var pinned = reference.WithDigest(digest);
        _logger.LogInformation("Base image {Reference}: {Count} layers", pinned, layers.Count);
        return new BaseImage
        {
            Description = pinned.ToString(),
            Layers = layers.Select((layer, i) => new LayerBlob(
                layer with { MediaType = NormalizeLayerType(layer.MediaType) }, config.DiffIds[i], 0,
                i < history.Count ? history[i] : $"base layer {i + 1} of {reference}")).ToImmutableArray(),
            Config = config,
            Annotations = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["org.opencontainers.image.base.name"] = reference.ToString(),
                ["org.opencontainers.image.base.digest"] = digest.ToString(),
            }),
        };
    }

    /// <summary>
    /// Fetches a whole image as it is (every platform of an index), for rebasing or copying:
    /// manifests, configs and layers into the cache, each verified against its digest.
    /// </summary>
    public async Task<(ImmutableArray<Output.BuiltImage> Images, Output.BuiltIndex? Index)> PullImagesAsync(ImageReference reference,
        CancellationToken ct = default)
    {
        var client = new Lazy<RepositoryClient>(() => new RepositoryClient(_transports(reference.ApiHost), reference.Repository));
        var (content, _) = await ManifestAsync(client, reference, reference.ManifestReference, reference.Digest, ct).ConfigureAwait(false);
        if (!ManifestReader.IsIndex(content))
        {
            return ([await ImageAsync(client, reference, content, ct).ConfigureAwait(false)], null);
        }

        var images = ImmutableArray.CreateBuilder<Output.BuiltImage>();
        foreach (var entry in ManifestReader.ReadIndex(content).Manifests)
        {
            var (manifest, _) = await ManifestAsync(client, reference, entry.Digest.ToString(), entry.Digest, ct).ConfigureAwait(false);
            images.Add(await ImageAsync(client, reference, manifest, ct).ConfigureAwait(false));
        }

        return (images.ToImmutable(), new Output.BuiltIndex(images.ToImmutable(), content));
    }

    private async Task<Output.BuiltImage> ImageAsync(Lazy<RepositoryClient> client, ImageReference reference, byte[] manifestJson, CancellationToken ct)
    {
        var manifest = ManifestReader.ReadManifest(manifestJson);
        var configJson = await File.ReadAllBytesAsync(await BlobAsync(client, manifest.Config, ct, reading: true).ConfigureAwait(false), ct).ConfigureAwait(false);
        var config = ImageConfigReader.Read(configJson);
        if (config.DiffIds.Length != manifest.Layers.Length)
        {
            throw Errors.RegistryRejected(reference.Registry, $"the image {reference}", "its manifest and config disagree on the number of layers");
        }

        var locations = new BlobLocations(_cache, reference.ApiHost);
        foreach (var layer in manifest.Layers)
        {
            await BlobAsync(client, layer, ct).ConfigureAwait(false);
            locations.Remember(layer.Digest, reference.Repository);
        }

        var history = config.History.Where(h => !h.EmptyLayer).Select(h => h.CreatedBy).ToList();
        var layers = manifest.Layers.Select((layer, i) => new LayerBlob(layer, config.DiffIds[i], 0,
            i < history.Count ? history[i] : $"layer {i + 1}")).ToImmutableArray();
        return new Output.BuiltImage(config, configJson, manifest, manifestJson, layers);
    }

    /// <summary>A manifest from the cache when its digest is known and cached, else from the registry.</summary>
    private async Task<(byte[] Content, Digest Digest)> ManifestAsync(Lazy<RepositoryClient> client, ImageReference image,
        string reference, Digest? expected, CancellationToken ct)
    {
        if (expected is { } pinned && _cache.VerifiedPath(pinned) is { } cached)
        {
            return (await File.ReadAllBytesAsync(cached, ct).ConfigureAwait(false), pinned);
        }

        var fetched = await client.Value.GetManifestAsync(reference, ct).ConfigureAwait(false)
            ?? throw Errors.BaseImageNotFound(image.ToString(), $"the registry has no manifest {reference}");
        if (expected is { } want && fetched.Digest != want)
        {
            throw Errors.RegistryDigestMismatch(image.Registry, $"the manifest {reference}", want.ToString(), fetched.Digest.ToString());
        }

        await _cache.PutAsync(new MemoryStream(fetched.Content), fetched.Digest, fetched.Content.Length,
            actual => Errors.RegistryDigestMismatch(image.Registry, "a manifest", fetched.Digest.ToString(), actual.ToString()), ct).ConfigureAwait(false);
        return (fetched.Content, fetched.Digest);
    }

    /// <summary>The blob's path in the cache, fetched (and verified) when missing; a cached one is verified when <paramref name="reading"/> it here.</summary>
    private async Task<string> BlobAsync(Lazy<RepositoryClient> client, Descriptor blob, CancellationToken ct, bool reading = false)
    {
        // A config is read now, so it is checked now; layers are checked when they are written out.
        if (reading ? _cache.VerifiedPath(blob.Digest, blob.Size) is not null : _cache.Contains(blob.Digest))
        {
            return _cache.BlobPath(blob.Digest);
        }

        return await client.Value.GetBlobAsync(blob.Digest, body => _cache.PutAsync(Counted(body, blob, client.Value.Options), blob.Digest, blob.Size,
            actual => Errors.RegistryDigestMismatch(client.Value.Registry, $"the blob {blob.Digest.Short}", blob.Digest.ToString(), actual.ToString()), ct),
            ct).ConfigureAwait(false);
    }

    /// <summary>The body as it is, or counted against the descriptor's size when the options want progress.</summary>
    private static Stream Counted(Stream body, Descriptor blob, RegistryOptions options)
        => options.Progress is { } progress
            ? new ProgressStream(body, new TransferReporter(progress, TransferProgress.Download, blob.Digest.ToString(), blob.Size, options.Time))
            : body;

    private static Digest ChooseManifest(JsonElement index, Platform platform, ImageReference reference)
    {
        var candidates = index.GetProperty("manifests").EnumerateArray()
            .Select(m => (Descriptor: m, Platform: m.TryGetProperty("platform", out var p) ? p : default))
            .ToList();
        foreach (var (descriptor, p) in candidates)
        {
            if (p.ValueKind == JsonValueKind.Object
                && Text(p, "os") == platform.Os && Text(p, "architecture") == platform.Architecture
                && (platform.Variant is null || Text(p, "variant") is null || Text(p, "variant") == platform.Variant))
            {
                return Oci.Digest.Parse(descriptor.GetProperty("digest").GetString()!);
            }
        }

        throw Errors.NoMatchingPlatform(reference.ToString(), platform.ToString(), string.Join(", ", candidates
            .Where(c => c.Platform.ValueKind == JsonValueKind.Object)
            .Select(c => $"{Text(c.Platform, "os")}/{Text(c.Platform, "architecture")}{(Text(c.Platform, "variant") is { } v ? "/" + v : "")}")));
    }

    private static string MediaType(JsonElement manifest)
        => Text(manifest, "mediaType") ?? (manifest.TryGetProperty("manifests", out _) ? MediaTypes.ImageIndex : MediaTypes.ImageManifest);

    private static Descriptor Descriptor(JsonElement e)
        => new(Text(e, "mediaType") ?? MediaTypes.LayerGzip, Oci.Digest.Parse(e.GetProperty("digest").GetString()!), e.GetProperty("size").GetInt64());

    /// <summary>Docker's layer types name the same bytes as OCI's; an OCI manifest uses OCI names.</summary>
    private static string NormalizeLayerType(string mediaType) => mediaType switch
    {
        "application/vnd.docker.image.rootfs.diff.tar.gzip" => MediaTypes.LayerGzip,
        "application/vnd.docker.image.rootfs.diff.tar" => MediaTypes.LayerTar,
        _ => mediaType,
    };

    private static string? Text(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
