using System.Collections.Immutable;
using System.Text.Json;

namespace Distroless.Provenance;

/// <summary>
/// The facts of an SLSA v1 provenance a person wants to see after verifying it: who built it,
/// from which project and settings, and how many artifacts of each kind it resolved.
/// </summary>
public sealed record ProvenanceSummary(string BuildType, string BuilderId, string? InvocationId,
    ImmutableArray<(string Name, string Value)> Parameters, ImmutableArray<(string Kind, int Count)> Dependencies)
{
    /// <summary>Reads a provenance predicate (JSON); <see cref="FormatException"/> when it is not SLSA v1's shape.</summary>
    public static ProvenanceSummary Read(byte[] predicate)
    {
        try
        {
            using var document = JsonDocument.Parse(predicate);
            var definition = document.RootElement.GetProperty("buildDefinition");
            var builder = document.RootElement.GetProperty("runDetails").GetProperty("builder");
            var parameters = definition.GetProperty("externalParameters");
            var invocation = document.RootElement.GetProperty("runDetails").TryGetProperty("metadata", out var metadata)
                && metadata.TryGetProperty("invocationId", out var id) ? id.GetString() : null;
            var dependencies = definition.TryGetProperty("resolvedDependencies", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(d => Kind(d.TryGetProperty("uri", out var uri) ? uri.GetString() ?? "" : "", d)).ToList()
                : [];
            return new ProvenanceSummary(
                definition.GetProperty("buildType").GetString()!,
                builder.GetProperty("id").GetString()!,
                invocation,
                [.. new[] { "project", "configuration", "targetFramework", "runtimeIdentifier", "runtimeIdentifiers" }
                    .Where(name => parameters.TryGetProperty(name, out _))
                    .Select(name => (name, Text(parameters.GetProperty(name))))],
                [.. dependencies.GroupBy(k => k).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))]);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"it is not an SLSA v1 provenance ({e.Message})", e);
        }
    }

    private static string Kind(string uri, JsonElement dependency) => uri switch
    {
        _ when uri.StartsWith("pkg:deb/", StringComparison.Ordinal) => "Debian packages",
        _ when uri.StartsWith("pkg:nuget/", StringComparison.Ordinal) && dependency.TryGetProperty("annotations", out var a)
            && a.TryGetProperty("runtimePack", out _) => "runtime packs",
        _ when uri.StartsWith("pkg:nuget/", StringComparison.Ordinal) => "NuGet packages",
        _ when uri.StartsWith("pkg:oci/", StringComparison.Ordinal) => "images",
        _ when uri.EndsWith("/InRelease", StringComparison.Ordinal) => "signed Debian indexes",
        _ when uri.StartsWith("git+", StringComparison.Ordinal) => "sources",
        _ => "other",
    };

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? string.Join(", ", value.EnumerateArray().Select(v => v.ToString()))
        : value.ToString();
}
