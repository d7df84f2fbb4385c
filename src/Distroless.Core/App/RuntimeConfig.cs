using System.Text.Json;
using Distroless.Diagnostics;

namespace Distroless.App;

/// <summary>The shared frameworks an app's .runtimeconfig.json asks for (empty for self-contained apps).</summary>
public static class RuntimeConfig
{
    public static IReadOnlyList<(string Name, string Version)> ReadFrameworks(string path)
    {
        if (!File.Exists(path))
        {
            throw Errors.PublishOutputMissing(path);
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var options = document.RootElement.GetProperty("runtimeOptions");
            var result = new List<(string, string)>();
            if (options.TryGetProperty("framework", out var single))
            {
                result.Add(Framework(single));
            }

            if (options.TryGetProperty("frameworks", out var many))
            {
                result.AddRange(many.EnumerateArray().Select(Framework));
            }

            return result.Count > 0 ? result : throw new JsonException("it names no shared framework, yet the app is framework-dependent");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Errors.MalformedAppManifest(path, e.Message, e);
        }

        static (string, string) Framework(JsonElement e) => (
            e.GetProperty("name").GetString() ?? throw new JsonException("a framework has no name"),
            e.GetProperty("version").GetString() ?? throw new JsonException("a framework has no version"));
    }
}
