using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Distroless.Oci;

/// <summary>Reads an OCI or Docker image config (from a registry base image) into an <see cref="ImageConfig"/>.</summary>
public static class ImageConfigReader
{
    public static ImageConfig Read(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var config = root.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        return new ImageConfig
        {
            Platform = new Platform(
                String(root, "os") ?? "linux",
                String(root, "architecture") ?? "amd64",
                String(root, "variant")),
            Created = Time(String(root, "created")) ?? DateTimeOffset.UnixEpoch,
            User = String(config, "User") is { Length: > 0 } user ? user : null,
            Env = Strings(config, "Env"),
            Entrypoint = Strings(config, "Entrypoint"),
            Cmd = Strings(config, "Cmd"),
            WorkingDir = String(config, "WorkingDir") is { Length: > 0 } dir ? dir : null,
            Labels = Map(config, "Labels"),
            ExposedPorts = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("ExposedPorts", out var ports) && ports.ValueKind == JsonValueKind.Object
                ? ports.EnumerateObject().Select(p => p.Name).ToImmutableSortedSet(StringComparer.Ordinal)
                : ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal),
            DiffIds = root.TryGetProperty("rootfs", out var rootfs) && rootfs.TryGetProperty("diff_ids", out var ids)
                ? ids.EnumerateArray().Select(i => Digest.Parse(i.GetString()!)).ToImmutableArray()
                : [],
            History = root.TryGetProperty("history", out var history) && history.ValueKind == JsonValueKind.Array
                ? history.EnumerateArray().Select(h => new HistoryEntry(
                    Time(String(h, "created")) ?? DateTimeOffset.UnixEpoch,
                    String(h, "created_by") ?? "",
                    h.TryGetProperty("empty_layer", out var empty) && empty.ValueKind == JsonValueKind.True)).ToImmutableArray()
                : [],
        };
    }

    private static string? String(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static ImmutableArray<string> Strings(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToImmutableArray()
            : [];

    private static ImmutableSortedDictionary<string, string> Map(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? v.EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal)
            : ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    private static DateTimeOffset? Time(string? text)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
