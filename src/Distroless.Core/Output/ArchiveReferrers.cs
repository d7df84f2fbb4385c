using System.Collections.Immutable;
using System.Text.Json;
using Distroless.Caching;
using Distroless.Oci;
using Distroless.Registry;

namespace Distroless.Output;

/// <summary>
/// Finds the referrers an OCI image archive carries for its images: artifact manifests among its
/// blobs (an OCI layout may hold blobs no index.json entry names) whose <c>subject</c> is one of
/// the images or the index. Each comes back as the <see cref="Referrer"/> it was made from, and
/// only when that gives the manifest's exact bytes again, so pushing it later keeps its digest.
/// </summary>
internal static class ArchiveReferrers
{
    public static ImmutableArray<Attachment> Find(Dictionary<Digest, byte[]> blobs, ImmutableArray<BuiltImage> images, BuiltIndex? index, BlobCache cache)
    {
        var subjects = images.Select(i => i.ManifestDescriptor).Concat(index is null ? [] : [index.Descriptor]).ToDictionary(d => d.Digest);
        var found = new List<Attachment>();
        foreach (var (digest, json) in blobs.OrderBy(b => b.Key.Hex, StringComparer.Ordinal))
        {
            if (json.Length == 0 || json[0] != (byte)'{' || Manifest(json) is not { Subject: { } subject, Layers: [var layer] } manifest
                || !subjects.TryGetValue(subject.Digest, out var descriptor) || !cache.Contains(layer.Digest))
            {
                continue;
            }

            var referrer = new Referrer(manifest.ArtifactType ?? layer.MediaType, blobs.TryGetValue(layer.Digest, out var small) ? small : File.ReadAllBytes(cache.BlobPath(layer.Digest)))
            {
                Annotations = manifest.Annotations,
                LayerAnnotations = layer.Annotations,
            };
            if (Digest.Compute(ReferrerPusher.ManifestFor(descriptor, referrer)) == digest)
            {
                found.Add(new Attachment(descriptor, referrer));
            }
        }

        return [.. found];
    }

    private static ImageManifest? Manifest(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("subject", out _)
                && document.RootElement.TryGetProperty("layers", out _)
                ? ManifestReader.ReadManifest(json)
                : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
