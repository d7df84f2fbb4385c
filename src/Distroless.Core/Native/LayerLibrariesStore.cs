using System.Formats.Tar;
using Distroless.Caching;
using Distroless.Compression;
using Distroless.Layers;
using Distroless.Oci;

namespace Distroless.Native;

/// <summary>
/// The <see cref="LayerLibraries"/> of any layer, remembered under its diff ID: written when the
/// layer is built here (<see cref="LayerBuilder"/>), otherwise (a layer from an older cache, a
/// registry base) read once from the layer's blob.
/// </summary>
public static class LayerLibrariesStore
{
    private const string Kind = "layer-libraries";

    public static void Save(BlobCache cache, Digest diffId, LayerLibraries libraries)
        => cache.WriteRecord(Kind, $"{diffId.Hex}-v{LayerLibraries.Format}", libraries);

    public static LayerLibraries Get(BlobCache cache, LayerBlob layer)
    {
        if (cache.TryReadRecord<LayerLibraries>(Kind, $"{layer.DiffId.Hex}-v{LayerLibraries.Format}", out var known))
        {
            return known;
        }

        var read = Read(cache, layer);
        Save(cache, layer.DiffId, read);
        return read;
    }

    private static LayerLibraries Read(BlobCache cache, LayerBlob layer)
    {
        var format = layer.Descriptor.MediaType.EndsWith("+zstd", StringComparison.Ordinal) ? CompressionFormat.Zstd
            : layer.Descriptor.MediaType.EndsWith("+gzip", StringComparison.Ordinal) ? CompressionFormat.Gzip
            : CompressionFormat.None;
        var collector = new LayerLibrariesCollector();
        using var blob = File.OpenRead(cache.BlobPath(layer.Digest));
        using var tar = new TarReader(Decompression.Open(blob, format, leaveOpen: true));
        while (tar.GetNextEntry() is { } entry)
        {
            var path = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name.TrimStart('/');
            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    var observed = collector.ObserveFile(path, entry.DataStream ?? Stream.Null);
                    observed.CopyTo(Stream.Null);
                    collector.FileWritten(path, observed);
                    break;
                case TarEntryType.HardLink:
                    collector.AddHardlink(path);
                    break;
                case TarEntryType.SymbolicLink:
                    collector.AddSymlink(path, entry.LinkName);
                    break;
            }
        }

        return collector.Build();
    }
}
