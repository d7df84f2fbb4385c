using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Distroless.Testing;

/// <summary>One entry of a layer, as the tests look at it.</summary>
public sealed record LayerEntry(string Path, TarEntryType Type, int Mode, int Uid, int Gid, long Size, string? LinkName);

/// <summary>Reads an OCI image archive the way a client would: index → manifest → config and layers.</summary>
public sealed class ImageArchive
{
    private readonly Dictionary<string, byte[]> _files;
    private readonly string? _manifestDigest;

    private ImageArchive(Dictionary<string, byte[]> files, string? manifestDigest = null)
    {
        _files = files;
        _manifestDigest = manifestDigest;
    }

    public static ImageArchive Open(string path)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var stream = File.OpenRead(path);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            if (entry.DataStream is { } data)
            {
                var buffer = new MemoryStream();
                data.CopyTo(buffer);
                files[entry.Name] = buffer.ToArray();
            }
            else
            {
                files[entry.Name] = [];
            }
        }

        return new ImageArchive(files);
    }

    public IReadOnlyCollection<string> Names => _files.Keys;

    public JsonElement Json(string name) => JsonDocument.Parse(_files[name]).RootElement;

    public JsonElement Index => Json("index.json");

    /// <summary>What index.json points at (the image index of a multi-platform archive), or the platform's manifest of a <see cref="Platforms"/> view.</summary>
    public string ManifestDigest => _manifestDigest ?? Index.GetProperty("manifests")[0].GetProperty("digest").GetString()!;

    /// <summary>
    /// The images of a multi-platform archive (index.json → image index → manifests) by
    /// "os/architecture[/variant]", each as a view whose manifest, config and layers are that platform's.
    /// </summary>
    public IReadOnlyDictionary<string, ImageArchive> Platforms()
    {
        var top = Index.GetProperty("manifests")[0];
        if (top.GetProperty("mediaType").GetString() != "application/vnd.oci.image.index.v1+json")
        {
            throw new InvalidOperationException("not a multi-platform archive: index.json points at " + top.GetProperty("mediaType").GetString());
        }

        return Blob(top.GetProperty("digest").GetString()!).GetProperty("manifests").EnumerateArray().ToDictionary(
            m =>
            {
                var platform = m.GetProperty("platform");
                var name = $"{platform.GetProperty("os").GetString()}/{platform.GetProperty("architecture").GetString()}";
                return platform.TryGetProperty("variant", out var variant) ? $"{name}/{variant.GetString()}" : name;
            },
            m => new ImageArchive(_files, m.GetProperty("digest").GetString()!));
    }

    public JsonElement Manifest => Blob(ManifestDigest);

    public JsonElement Config => Blob(Manifest.GetProperty("config").GetProperty("digest").GetString()!);

    public IReadOnlyList<string> LayerDigests => Manifest.GetProperty("layers").EnumerateArray()
        .Select(l => l.GetProperty("digest").GetString()!).ToList();

    public IReadOnlyList<string> History => Config.GetProperty("history").EnumerateArray()
        .Select(h => h.GetProperty("created_by").GetString()!).ToList();

    public JsonElement Blob(string digest) => Json("blobs/sha256/" + digest["sha256:".Length..]);

    public IReadOnlyList<LayerEntry> LayerEntries(string digest)
    {
        var entries = new List<LayerEntry>();
        using var gzip = new GZipStream(new MemoryStream(_files["blobs/sha256/" + digest["sha256:".Length..]]), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            entries.Add(new LayerEntry(entry.Name.TrimEnd('/'), entry.EntryType, (int)entry.Mode, entry.Uid, entry.Gid, entry.Length,
                string.IsNullOrEmpty(entry.LinkName) ? null : entry.LinkName));
        }

        return entries;
    }

    /// <summary>Every regular file of the merged file system with its content (last layer wins).</summary>
    public IReadOnlyDictionary<string, byte[]> FileContents(Func<string, bool> include)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var digest in LayerDigests)
        {
            using var gzip = new GZipStream(new MemoryStream(_files["blobs/sha256/" + digest["sha256:".Length..]]), CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType == TarEntryType.RegularFile && entry.DataStream is { } data && include(entry.Name))
                {
                    var buffer = new MemoryStream();
                    data.CopyTo(buffer);
                    result[entry.Name] = buffer.ToArray();
                }
            }
        }

        return result;
    }

    /// <summary>The merged file system: the last layer to mention a path wins (no whiteouts are written).</summary>
    public IReadOnlyDictionary<string, LayerEntry> FileSystem()
    {
        var result = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        foreach (var digest in LayerDigests)
        {
            foreach (var entry in LayerEntries(digest))
            {
                result[entry.Path] = entry;
            }
        }

        return result;
    }
}
