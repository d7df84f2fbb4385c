using System.Collections.Immutable;
using Distroless.Building;
using Distroless.IO;
using Distroless.Oci;

namespace Distroless.Output;

/// <summary>
/// Writes SBOMs beside an image archive: image.spdx.json and image.cdx.json, or per platform
/// (image.amd64.spdx.json, …) for a multi-platform archive; each atomically.
/// </summary>
public static class SbomFiles
{
    public static ImmutableArray<string> WriteBeside(string archivePath, IReadOnlyList<BuiltImage> images, IReadOnlyDictionary<Digest, ImageSboms> sboms)
    {
        var full = Path.GetFullPath(archivePath);
        var stem = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full));
        var written = ImmutableArray.CreateBuilder<string>();
        foreach (var image in images)
        {
            if (!sboms.TryGetValue(image.Digest, out var sbom))
            {
                continue;
            }

            var platform = images.Count > 1 ? "." + image.Config.Platform.Architecture : "";
            written.Add(Write($"{stem}{platform}.spdx.json", sbom.Spdx));
            written.Add(Write($"{stem}{platform}.cdx.json", sbom.CycloneDx));
        }

        return written.ToImmutable();
    }

    private static string Write(string path, byte[] content)
    {
        AtomicFile.RemoveStale(path);
        AtomicFile.Write(path, content);
        return path;
    }
}
