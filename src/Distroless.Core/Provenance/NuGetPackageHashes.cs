using System.Collections.Immutable;
using System.Text.Json;

namespace Distroless.Provenance;

/// <summary>
/// A NuGet package a build restored. <paramref name="Sha512"/> is the SHA-512 of the .nupkg file
/// (what anyone who downloads it can check); <paramref name="ContentHash"/> is NuGet's content
/// hash, which the assets file and packages.lock.json record: the same for an unsigned package,
/// the hash without the signature for a signed one (so that re-signing keeps it). Both in hex.
/// </summary>
public sealed record RestoredPackage(string Id, string Version, string? Sha512, string? ContentHash);

/// <summary>
/// Where the hashes of NuGet packages come from: the project's assets file (obj/project.assets.json,
/// every package restore resolved, build-time ones too, with NuGet's content hash, and the
/// package folders it was restored into), and the .nupkg.sha512 file NuGet writes beside an
/// installed package (the hash of the .nupkg it downloaded; also for runtime packs, which restore
/// downloads without listing them as libraries).
/// </summary>
public static class NuGetPackageHashes
{
    /// <summary>The packages of an assets file, sorted by id and version; empty when the file is missing or unreadable.</summary>
    public static ImmutableArray<RestoredPackage> FromAssetsFile(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (!root.TryGetProperty("libraries", out var libraries) || libraries.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            var folders = root.TryGetProperty("packageFolders", out var f) && f.ValueKind == JsonValueKind.Object
                ? f.EnumerateObject().Select(p => p.Name).ToList()
                : [];
            return libraries.EnumerateObject()
                .Where(l => l.Value.ValueKind == JsonValueKind.Object && Text(l.Value, "type") == "package" && l.Name.Contains('/'))
                .Select(l => (Id: l.Name[..l.Name.IndexOf('/')], Version: l.Name[(l.Name.IndexOf('/') + 1)..], Library: l.Value))
                .Select(l => new RestoredPackage(l.Id, l.Version,
                    folders.Select(folder => Installed(folder, l.Id, l.Version)).FirstOrDefault(h => h is not null),
                    Hex(Text(l.Library, "sha512"))))
                .OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Version, StringComparer.Ordinal)
                .ToImmutableArray();
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // The provenance then lists the packages from .deps.json instead; a damaged assets file
            // already failed the build that wrote it.
            return [];
        }
    }

    /// <summary>The SHA-512 (hex) NuGet recorded when it installed <paramref name="id"/> <paramref name="version"/> into <paramref name="packagesFolder"/>.</summary>
    public static string? Installed(string? packagesFolder, string id, string version)
    {
        if (packagesFolder is null)
        {
            return null;
        }

        var lower = (Id: id.ToLowerInvariant(), Version: version.ToLowerInvariant());
        var path = Path.Combine(packagesFolder, lower.Id, lower.Version, $"{lower.Id}.{lower.Version}.nupkg.sha512");
        try
        {
            return File.Exists(path) ? Hex(File.ReadAllText(path).Trim()) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>NuGet's base64 SHA-512 as lowercase hex (how in-toto writes digests); null when it is not one.</summary>
    public static string? Hex(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return null;
        }

        var bytes = new byte[64];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written == 64 ? Convert.ToHexString(bytes).ToLowerInvariant() : null;
    }

    private static string? Text(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
