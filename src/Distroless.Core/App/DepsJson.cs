using System.Text.Json;
using Distroless.Diagnostics;

namespace Distroless.App;

/// <summary>Which kind of library a published file belongs to, according to the app's .deps.json.</summary>
public enum LibraryKind
{
    /// <summary>The .NET runtime pack (self-contained apps).</summary>
    Runtime,

    /// <summary>A NuGet package.</summary>
    Package,

    /// <summary>A project reference other than the app itself.</summary>
    ProjectReference,

    /// <summary>Static web assets (wwwroot), which change with the front end, not the code.</summary>
    StaticAssets,

    /// <summary>The app's own files, and anything .deps.json does not claim.</summary>
    App,
}

/// <summary>
/// Reads a <c>.deps.json</c> (the host's own manifest of every runtime asset and the library
/// that owns it) into a map from published path to <see cref="LibraryKind"/>. Classification
/// comes from the manifest, never from file names.
/// </summary>
public sealed class DepsJson
{
    private readonly Dictionary<string, (LibraryKind Kind, string Library)> _assets;

    private DepsJson(Dictionary<string, (LibraryKind, string)> assets, string? mainLibrary, IReadOnlyList<string> libraries,
        IReadOnlyList<LibraryInfo> packages)
    {
        _assets = assets;
        MainLibrary = mainLibrary;
        Libraries = libraries;
        Packages = packages;
    }

    /// <summary>A library of the manifest's "libraries" section: id, version, type, and the package hash NuGet recorded.</summary>
    public sealed record LibraryInfo(string Id, string Version, string Type, string? Sha512);

    /// <summary>Every library of the runtime target with its type and hash (for the SBOM).</summary>
    public IReadOnlyList<LibraryInfo> Packages { get; }

    /// <summary>Every library ("name/version") of the runtime target.</summary>
    public IReadOnlyList<string> Libraries { get; }

    /// <summary>The app's own library ("name/version"), the first project in the runtime target.</summary>
    public string? MainLibrary { get; }

    /// <summary>A .deps.json's bytes (read from an image layer); <paramref name="origin"/> names it in errors.</summary>
    public static DepsJson Parse(byte[] content, string origin)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return Parse(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Errors.MalformedAppManifest(origin, e.Message, e);
        }
    }

    public static DepsJson Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            return Parse(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Errors.MalformedAppManifest(path, e.Message, e);
        }
    }

    private static DepsJson Parse(JsonElement root)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var hashes = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (root.TryGetProperty("libraries", out var libraries))
        {
            foreach (var library in libraries.EnumerateObject())
            {
                types[library.Name] = library.Value.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "";
                hashes[library.Name] = library.Value.TryGetProperty("sha512", out var sha) ? sha.GetString() : null;
            }
        }

        var targetName = root.GetProperty("runtimeTarget").GetProperty("name").GetString() ?? throw new JsonException("runtimeTarget.name is null");
        var target = root.GetProperty("targets").GetProperty(targetName);
        var assets = new Dictionary<string, (LibraryKind, string)>(StringComparer.Ordinal);
        string? main = null;
        foreach (var library in target.EnumerateObject())
        {
            var type = types.GetValueOrDefault(library.Name, "");
            if (type == "project" && main is null)
            {
                main = library.Name;
            }

            var kind = type switch
            {
                "runtimepack" => LibraryKind.Runtime,
                "package" => LibraryKind.Package,
                "project" when library.Name == main => LibraryKind.App,
                "project" => LibraryKind.ProjectReference,
                _ => LibraryKind.App,
            };

            foreach (var group in new[] { "runtime", "native", "resources" })
            {
                if (!library.Value.TryGetProperty(group, out var files))
                {
                    continue;
                }

                foreach (var file in files.EnumerateObject())
                {
                    foreach (var candidate in PublishedPaths(file.Name, file.Value))
                    {
                        assets.TryAdd(candidate, (kind, library.Name));
                    }
                }
            }

            if (library.Value.TryGetProperty("runtimeTargets", out var runtimeTargets))
            {
                foreach (var file in runtimeTargets.EnumerateObject())
                {
                    assets.TryAdd(file.Name, (kind, library.Name));
                }
            }
        }

        var names = target.EnumerateObject().Select(l => l.Name).ToList();
        var packages = names.Select(n =>
        {
            var slash = n.IndexOf('/');
            return new LibraryInfo(slash < 0 ? n : n[..slash], slash < 0 ? "" : n[(slash + 1)..], types.GetValueOrDefault(n, ""), hashes.GetValueOrDefault(n));
        }).ToList();
        return new DepsJson(assets, main, names, packages);
    }

    /// <summary>
    /// Where an asset lands in the publish output: RID-specific publishes flatten package paths
    /// (lib/net8.0/A.dll → A.dll; resources into their culture directory), portable ones keep them.
    /// </summary>
    private static IEnumerable<string> PublishedPaths(string assetPath, JsonElement properties)
    {
        yield return assetPath;
        var fileName = assetPath[(assetPath.LastIndexOf('/') + 1)..];
        if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("locale", out var locale))
        {
            yield return $"{locale.GetString()}/{fileName}";
        }
        else
        {
            yield return fileName;
        }
    }

    public (LibraryKind Kind, string? Library) Classify(string relativePath)
        => _assets.TryGetValue(relativePath.Replace('\\', '/'), out var found) ? found : (LibraryKind.App, null);
}
