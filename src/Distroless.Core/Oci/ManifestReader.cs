using System.Collections.Immutable;
using System.Text.Json;

namespace Distroless.Oci;

/// <summary>Reads OCI (and Docker v2) manifests and indexes back into records.</summary>
public static class ManifestReader
{
    public static bool IsIndex(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var mediaType = root.TryGetProperty("mediaType", out var m) ? m.GetString() : null;
        return mediaType is MediaTypes.ImageIndex or "application/vnd.docker.distribution.manifest.list.v2+json"
            || (mediaType is null && root.TryGetProperty("manifests", out _));
    }

    public static ImageManifest ReadManifest(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ImageManifest(
            ReadDescriptor(root.GetProperty("config")),
            root.GetProperty("layers").EnumerateArray().Select(ReadDescriptor).ToImmutableArray())
        {
            Annotations = ReadMap(root),
            ArtifactType = root.TryGetProperty("artifactType", out var artifactType) ? artifactType.GetString() : null,
            Subject = root.TryGetProperty("subject", out var subject) && subject.ValueKind == JsonValueKind.Object ? ReadDescriptor(subject) : null,
        };
    }

    public static ImageIndex ReadIndex(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ImageIndex(root.GetProperty("manifests").EnumerateArray().Select(ReadDescriptor).ToImmutableArray())
        {
            Annotations = ReadMap(root),
        };
    }

    public static Descriptor ReadDescriptor(JsonElement e)
    {
        Platform? platform = null;
        if (e.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            platform = new Platform(
                p.GetProperty("os").GetString()!,
                p.GetProperty("architecture").GetString()!,
                p.TryGetProperty("variant", out var v) ? v.GetString() : null);
        }

        return new Descriptor(
            e.TryGetProperty("mediaType", out var m) ? m.GetString()! : MediaTypes.LayerGzip,
            Digest.Parse(e.GetProperty("digest").GetString()!),
            e.GetProperty("size").GetInt64())
        {
            Platform = platform,
            Annotations = ReadMap(e),
            ArtifactType = e.TryGetProperty("artifactType", out var t) ? t.GetString() : null,
        };
    }

    private static ImmutableSortedDictionary<string, string>? ReadMap(JsonElement e)
        => e.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object
            ? a.EnumerateObject().ToImmutableSortedDictionary(x => x.Name, x => x.Value.GetString() ?? "", StringComparer.Ordinal)
            : null;
}
