using System.Collections.Immutable;
using System.Text.Json;
using Distroless.Sbom;

namespace Distroless.Cli.Inspection;

/// <summary>
/// Finds the SBOMs an OCI image archive carries: referrer manifests (an artifactType, config or
/// layer media type that is SPDX or CycloneDX, and a subject naming the image they describe),
/// plain SBOM files inside the tar (*.spdx.json, *.cdx.json, *.cyclonedx.json), and the files a
/// build writes beside the archive (api.spdx.json, api.cdx.json; api.amd64.spdx.json … for an index).
/// </summary>
internal static class SbomFinder
{
    private static readonly string[] SbomTypes = [SbomMediaTypes.SpdxJson, SbomMediaTypes.CycloneDxJson];

    private static readonly (string Suffix, string MediaType)[] SbomFiles =
    [
        (".spdx.json", SbomMediaTypes.SpdxJson),
        (".cdx.json", SbomMediaTypes.CycloneDxJson),
        (".cyclonedx.json", SbomMediaTypes.CycloneDxJson),
    ];

    public static ImmutableArray<SbomReport> Find(ArchiveListing archive)
    {
        var found = new List<SbomReport>();
        foreach (var json in archive.Blobs.Values)
        {
            if (json.Length > 0 && json[0] == (byte)'{')
            {
                found.AddRange(FromManifest(json));
            }
        }

        foreach (var (name, size) in archive.Files)
        {
            if (SbomFiles.FirstOrDefault(f => name.EndsWith(f.Suffix, StringComparison.OrdinalIgnoreCase)) is { MediaType: { } type })
            {
                found.Add(new SbomReport(type, null, size, null, name));
            }
        }

        return [.. found.OrderBy(s => s.Subject, StringComparer.Ordinal).ThenBy(s => s.MediaType, StringComparer.Ordinal).ThenBy(s => s.Digest, StringComparer.Ordinal)];
    }

    /// <summary>
    /// SBOM files beside <paramref name="archivePath"/>: &lt;name&gt;.spdx.json / .cdx.json describe its one
    /// image, &lt;name&gt;.&lt;architecture&gt;.spdx.json that platform's image of an index.
    /// </summary>
    public static ImmutableArray<SbomReport> Beside(string archivePath, IReadOnlyList<Distroless.Output.BuiltImage> images)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(archivePath))!;
        var stem = Path.GetFileNameWithoutExtension(archivePath);
        var found = new List<SbomReport>();
        foreach (var (suffix, mediaType) in SbomFiles)
        {
            foreach (var image in images)
            {
                var candidates = images.Count == 1
                    ? [stem + suffix]
                    : new[] { $"{stem}.{image.Config.Platform.Architecture}{suffix}", $"{stem}.{image.Config.Platform.Architecture}-{image.Config.Platform.Variant}{suffix}" };
                foreach (var name in candidates.Distinct())
                {
                    var path = Path.Combine(directory, name);
                    if (File.Exists(path))
                    {
                        using var file = File.OpenRead(path);
                        found.Add(new SbomReport(mediaType, Oci.Digest.Compute(file).ToString(), file.Length, image.Digest.ToString(), path));
                    }
                }
            }
        }

        return [.. found];
    }

    private static IEnumerable<SbomReport> FromManifest(byte[] json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            yield break;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                yield break;
            }

            var artifactType = Text(root, "artifactType") ?? (root.TryGetProperty("config", out var config) ? Text(config, "mediaType") : null);
            var subject = root.TryGetProperty("subject", out var s) ? Text(s, "digest") : null;
            var layers = root.TryGetProperty("layers", out var l) && l.ValueKind == JsonValueKind.Array ? l
                : root.TryGetProperty("blobs", out var b) && b.ValueKind == JsonValueKind.Array ? b
                : default;
            if (layers.ValueKind != JsonValueKind.Array)
            {
                yield break;
            }

            foreach (var layer in layers.EnumerateArray())
            {
                var mediaType = Text(layer, "mediaType");
                var type = SbomTypes.Contains(mediaType) ? mediaType : SbomTypes.Contains(artifactType) ? artifactType : null;
                if (type is null)
                {
                    continue;
                }

                var title = layer.TryGetProperty("annotations", out var annotations) ? Text(annotations, "org.opencontainers.image.title") : null;
                yield return new SbomReport(type, Text(layer, "digest"),
                    layer.TryGetProperty("size", out var size) && size.TryGetInt64(out var bytes) ? bytes : 0, subject, title);
            }
        }
    }

    private static string? Text(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
