using System.Formats.Tar;
using System.Text.Json;
using Distroless.Testing;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>An image archive read back with System.Formats.Tar: its entries in order and the files' bytes.</summary>
internal sealed class ImageArchiveContents
{
    private ImageArchiveContents(IReadOnlyList<TarEntryInfo> entries, IReadOnlyDictionary<string, byte[]> files)
    {
        Entries = entries;
        Files = files;
    }

    /// <summary>Every entry in archive order, names without a trailing '/'.</summary>
    public IReadOnlyList<TarEntryInfo> Entries { get; }

    public IReadOnlyDictionary<string, byte[]> Files { get; }

    public byte[] Blob(string digest) => Files["blobs/sha256/" + digest["sha256:".Length..]];

    public JsonElement Json(string name) => JsonDocument.Parse(Files[name]).RootElement;

    public JsonElement BlobJson(string digest) => JsonDocument.Parse(Blob(digest)).RootElement;

    /// <summary>The manifest the (single-manifest) index points at.</summary>
    public string ManifestDigest => Json("index.json").GetProperty("manifests")[0].GetProperty("digest").GetString()!;

    public JsonElement Manifest => BlobJson(ManifestDigest);

    public JsonElement Config => BlobJson(Manifest.GetProperty("config").GetProperty("digest").GetString()!);

    public IReadOnlyList<string> LayerDigests => Manifest.GetProperty("layers").EnumerateArray()
        .Select(l => l.GetProperty("digest").GetString()!).ToList();

    /// <summary>The golden dump (<see cref="TarDump"/>) of the layer at <paramref name="index"/>.</summary>
    public string LayerDump(int index) => TarDump.Render(Blob(LayerDigests[index]));

    public static ImageArchiveContents Read(string path)
    {
        var entries = new List<TarEntryInfo>();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var stream = File.OpenRead(path);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            var name = entry.Name.TrimEnd('/');
            entries.Add(new TarEntryInfo(name, entry.EntryType, (int)entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime.ToUnixTimeSeconds()));
            if (entry.DataStream is { } data)
            {
                var buffer = new MemoryStream();
                data.CopyTo(buffer);
                files[name] = buffer.ToArray();
            }
        }

        return new ImageArchiveContents(entries, files);
    }
}

internal sealed record TarEntryInfo(string Name, TarEntryType Type, int Mode, int Uid, int Gid, long ModificationTime);
