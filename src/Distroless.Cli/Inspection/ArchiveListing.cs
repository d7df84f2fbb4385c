using System.Formats.Tar;
using System.Text.Json;
using Distroless.Base;
using Distroless.Diagnostics;
using Distroless.Oci;

namespace Distroless.Cli.Inspection;

/// <summary>
/// A quick look into an OCI image archive without copying its layers anywhere: index.json, every
/// small blob (manifests, configs, SBOM documents) and the names of the other entries.
/// </summary>
internal sealed class ArchiveListing
{
    private const long SmallBlob = 4 << 20;

    private ArchiveListing(string path, byte[] indexJson, IReadOnlyDictionary<Digest, byte[]> blobs, IReadOnlyDictionary<string, long> files)
    {
        Path = path;
        IndexJson = indexJson;
        Blobs = blobs;
        Files = files;
    }

    public string Path { get; }

    public byte[] IndexJson { get; }

    /// <summary>The blobs under blobs/sha256/ small enough to be metadata, by digest.</summary>
    public IReadOnlyDictionary<Digest, byte[]> Blobs { get; }

    /// <summary>Every other regular file (not index.json, not a blob), with its size.</summary>
    public IReadOnlyDictionary<string, long> Files { get; }

    public static ArchiveListing Read(string path)
    {
        byte[]? index = null;
        var blobs = new Dictionary<Digest, byte[]>();
        var files = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new TarReader(stream);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    continue;
                }

                var name = entry.Name.TrimStart('.', '/');
                if (name == "index.json")
                {
                    index = ReadAll(entry.DataStream);
                }
                else if (name.StartsWith("blobs/sha256/", StringComparison.Ordinal) && Digest.TryFromHex(name["blobs/sha256/".Length..], out var digest))
                {
                    if (entry.Length <= SmallBlob)
                    {
                        blobs[digest] = ReadAll(entry.DataStream);
                    }
                }
                else
                {
                    files[name] = entry.Length;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw Errors.SourceImageUnusable(path, $"it is not a tar file ({e.Message})");
        }

        return new ArchiveListing(path, index ?? throw Errors.SourceImageUnusable(path, "it has no index.json (not an OCI image archive)"), blobs, files);
    }

    /// <summary>The manifests index.json names (with their annotations: the image names).</summary>
    public IReadOnlyList<Descriptor> TopManifests() => Parse(() => ManifestReader.ReadIndex(IndexJson).Manifests);

    /// <summary>The image name the archive was written with (io.containerd.image.name), without registry and tag.</summary>
    public string? RepositoryName()
    {
        var name = TopManifests().Select(m => m.Annotations?.GetValueOrDefault("io.containerd.image.name")).FirstOrDefault(n => n is not null);
        if (name is null)
        {
            return null;
        }

        var withoutTag = name.LastIndexOf(':') is var colon && colon > name.LastIndexOf('/') ? name[..colon] : name;
        var slash = withoutTag.IndexOf('/');
        return slash > 0 && withoutTag[..slash] is var first && (first.Contains('.') || first.Contains(':') || first == "localhost")
            ? withoutTag[(slash + 1)..]
            : withoutTag;
    }

    /// <summary>The base recipes (distroless.sdk.base annotation) of the archive's images, for rebasing.</summary>
    public IEnumerable<BaseRecipe> BaseRecipes()
    {
        foreach (var top in TopManifests())
        {
            if (!Blobs.TryGetValue(top.Digest, out var json))
            {
                continue;
            }

            IEnumerable<Digest> manifests = Parse(() => ManifestReader.IsIndex(json))
                ? Parse(() => ManifestReader.ReadIndex(json).Manifests.Select(m => m.Digest).ToList())
                : [top.Digest];
            foreach (var digest in manifests)
            {
                if (Blobs.TryGetValue(digest, out var manifest)
                    && Parse(() => BaseRecipe.FromAnnotations(ManifestReader.ReadManifest(manifest).Annotations)) is { } recipe)
                {
                    yield return recipe;
                }
            }
        }
    }

    private T Parse<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Errors.SourceImageUnusable(Path, $"it has malformed JSON ({e.Message})");
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
