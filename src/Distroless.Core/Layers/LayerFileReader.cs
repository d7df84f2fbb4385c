using System.Formats.Tar;
using Distroless.Caching;
using Distroless.Compression;

namespace Distroless.Layers;

/// <summary>
/// Reads one file of an image's root file system from its cached layers, as a container would
/// see it: the topmost layer that has the file, or removes it (a whiteout of it or of a parent,
/// or an opaque parent), decides. Layers are read from the top down, and only until one decides.
/// </summary>
public static class LayerFileReader
{
    private const string Whiteout = ".wh.";
    private const string Opaque = ".wh..wh..opq";

    /// <summary>The file's bytes at <paramref name="path"/> ("etc/passwd"); null when no layer has it or one removed it.</summary>
    public static byte[]? Read(BlobCache cache, IReadOnlyList<LayerBlob> layers, string path)
    {
        var parents = Parents(path).ToList();
        for (var i = layers.Count - 1; i >= 0; i--)
        {
            var layer = layers[i];
            using var file = File.OpenRead(cache.BlobPath(layer.Digest));
            using var tar = Decompression.Open(file, Decompression.FormatOfMediaType(layer.Descriptor.MediaType));
            using var reader = new TarReader(tar);
            var removed = false;
            while (reader.GetNextEntry() is { } entry)
            {
                var name = entry.Name.TrimStart('.').TrimStart('/').TrimEnd('/');
                if (name == path)
                {
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                    {
                        return null;
                    }

                    var content = new MemoryStream();
                    entry.DataStream.CopyTo(content);
                    return content.ToArray();
                }

                // A removal hides the lower layers; this layer's own copy (its entries come in any order) still counts.
                removed |= parents.Any(parent => name == Removal(parent)) || parents.Skip(1).Any(parent => name == parent + "/" + Opaque);
            }

            if (removed)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>"etc/passwd" → "etc/passwd", "etc": the path and its parent directories.</summary>
    private static IEnumerable<string> Parents(string path)
    {
        for (var current = path; current.Length > 0; current = current.Contains('/') ? current[..current.LastIndexOf('/')] : "")
        {
            yield return current;
        }
    }

    /// <summary>The whiteout entry that removes <paramref name="path"/>: "etc/.wh.passwd".</summary>
    private static string Removal(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? Whiteout + path : path[..(slash + 1)] + Whiteout + path[(slash + 1)..];
    }
}
