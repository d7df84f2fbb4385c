using System.Formats.Tar;
using Distroless.App;
using Distroless.Caching;
using Distroless.Compression;
using Distroless.Debian;
using Distroless.Output;

namespace Distroless.Building;

/// <summary>
/// The SBOMs of a rebased image. Its new base says which Debian packages are in it; the app
/// part is read back from the image itself, since a rebase has no project: the .deps.json in
/// the app layers (NuGet packages, runtime packs) and the shared frameworks its runtime layers
/// name in their history.
/// </summary>
internal static class RebasedImageSbom
{
    private const string RuntimeLayerPrefix = "distroless: .NET runtime ";

    public static ImageSboms Create(BuiltImage image, int baseLayers, IReadOnlyList<PackageRecord> packages, BlobCache cache,
        OutputTarget target, string suite)
    {
        var appLayers = image.Layers.Skip(baseLayers).ToList();
        var appDirectory = (image.Config.WorkingDir is { Length: > 0 } workingDir ? workingDir : "/app").Trim('/');
        var (depsName, deps) = FindDepsJson(appLayers.Select(l => cache.BlobPath(l.Digest)), appDirectory);
        var frameworks = image.Config.History
            .Select(h => h.CreatedBy ?? "")
            .Where(c => c.StartsWith(RuntimeLayerPrefix, StringComparison.Ordinal) && !c[RuntimeLayerPrefix.Length..].StartsWith('('))
            .Select(c => c[RuntimeLayerPrefix.Length..].Split(' '))
            .Where(parts => parts.Length == 2)
            .Select(parts => (parts[0], parts[1]))
            .Distinct()
            .ToList();
        var selfContained = !image.Config.Env.Any(e => e.StartsWith("DOTNET_ROOT=", StringComparison.Ordinal));
        var appName = depsName ?? Path.GetFileName(image.Config.Entrypoint.FirstOrDefault() ?? "app");
        var subject = new SbomSubject(target.Registry is { } registry ? $"{registry}/{target.Repository}" : target.Repository,
            target.Tags.FirstOrDefault(), suite, image.Config.Platform.RuntimeIdentifier ?? "linux-x64", appName, selfContained);
        return SbomFactory.Create(subject, image, packages, cache, deps, frameworks);
    }

    /// <summary>
    /// The app's own *.deps.json (in its directory: the shared frameworks in the runtime layers
    /// have theirs too), with the app name its file name gives.
    /// </summary>
    private static (string? Name, DepsJson? Deps) FindDepsJson(IEnumerable<string> layerPaths, string appDirectory)
    {
        foreach (var path in layerPaths.Where(File.Exists))
        {
            using var file = File.OpenRead(path);
            using var tar = new TarReader(Decompression.Open(file, CompressionFormat.Gzip));
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile
                    && entry.Name.EndsWith(".deps.json", StringComparison.Ordinal) && entry.DataStream is { } data
                    && Path.GetDirectoryName(entry.Name.TrimStart('.', '/')) == appDirectory)
                {
                    var content = new MemoryStream();
                    data.CopyTo(content);
                    var name = Path.GetFileName(entry.Name)[..^".deps.json".Length];
                    return (name, DepsJson.Parse(content.ToArray(), entry.Name));
                }
            }
        }

        return (null, null);
    }
}
