using System.Collections.Immutable;
using System.Formats.Tar;
using System.Text.Json;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.Layers;
using Distroless.Oci;

namespace Distroless.Output;

/// <summary>
/// Reads an OCI image archive (ours or any tar of an OCI layout) back into images: every blob
/// is copied into the cache and verified against its digest, so the images can be pushed,
/// inspected or rebased like freshly built ones. Whatever is wrong with the file (not a tar,
/// cut short, malformed JSON) is DSTL4004 naming it, never an internal error.
/// </summary>
public static class ImageArchiveReader
{
    public static (ImmutableArray<BuiltImage> Images, BuiltIndex? Index) Read(string path, BlobCache cache)
    {
        var (indexJson, small) = ReadBlobs(path, cache);
        return ReadImages(indexJson, small, path);
    }

    /// <summary>
    /// The images, and the referrers the archive carries for them (signatures, attestations):
    /// artifact manifests among the blobs whose subject is one of its images or its index.
    /// </summary>
    public static (ImmutableArray<BuiltImage> Images, BuiltIndex? Index, ImmutableArray<Registry.Attachment> Attachments) ReadWithAttachments(
        string path, BlobCache cache)
    {
        var (indexJson, small) = ReadBlobs(path, cache);
        var (images, index) = ReadImages(indexJson, small, path);
        return (images, index, ArchiveReferrers.Find(small, images, index, cache));
    }

    private static (byte[] IndexJson, Dictionary<Digest, byte[]> Small) ReadBlobs(string path, BlobCache cache)
    {
        if (!File.Exists(path))
        {
            throw Errors.SourceImageUnusable(path, "the file does not exist");
        }

        byte[]? indexJson = null;
        var small = new Dictionary<Digest, byte[]>();
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new TarReader(stream);
            while (reader.GetNextEntry() is { } entry)
            {
                var name = entry.Name.TrimStart('.', '/');
                if (entry.DataStream is null)
                {
                    continue;
                }

                if (name == "index.json")
                {
                    indexJson = ReadAll(entry.DataStream);
                }
                else if (name.StartsWith("blobs/sha256/", StringComparison.Ordinal) && Digest.TryFromHex(name["blobs/sha256/".Length..], out var digest))
                {
                    // Small blobs (manifests, configs) stay in memory; everything goes to the cache, verified.
                    using var pending = cache.BeginWrite();
                    entry.DataStream.CopyTo(pending.Stream);
                    if (pending.Length != entry.Length)
                    {
                        // The entry's data stream just ends where the file does; say so rather than "hashes to".
                        throw Errors.SourceImageUnusable(path, $"it is truncated (blob {digest.Short} stops after {pending.Length} of {entry.Length} bytes)");
                    }

                    var stored = pending.Commit(digest, actual => Errors.SourceImageUnusable(path, $"blob {digest.Short} hashes to {actual.Short}"));
                    if (entry.Length < 1 << 20)
                    {
                        small[digest] = File.ReadAllBytes(stored);
                    }
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            // TarReader's ways of saying "cut short" or "this is no tar" (a bad header, a bad checksum).
            throw Errors.SourceImageUnusable(path, $"it is truncated or not a tar file ({e.Message})");
        }

        if (indexJson is null)
        {
            throw Errors.SourceImageUnusable(path, "it has no index.json (not an OCI image archive)");
        }

        return (indexJson, small);
    }

    private static (ImmutableArray<BuiltImage> Images, BuiltIndex? Index) ReadImages(byte[] indexJson, Dictionary<Digest, byte[]> small, string path)
    {
        try
        {
            return Images(indexJson, small, path);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // The readers' ways of saying a document is not the JSON they expect (a missing or mistyped field, a bad digest).
            throw Errors.SourceImageUnusable(path, $"it has malformed JSON ({e.Message})");
        }
    }

    private static (ImmutableArray<BuiltImage> Images, BuiltIndex? Index) Images(byte[] indexJson, Dictionary<Digest, byte[]> small, string path)
    {
        var top = ManifestReader.ReadIndex(indexJson).Manifests.FirstOrDefault()
            ?? throw Errors.SourceImageUnusable(path, "its index.json lists no image");
        var topJson = Blob(small, top.Digest, path);
        if (!ManifestReader.IsIndex(topJson))
        {
            return ([Image(small, top.Digest, path)], null);
        }

        var images = ManifestReader.ReadIndex(topJson).Manifests.Select(m => Image(small, m.Digest, path)).ToImmutableArray();
        return (images, new BuiltIndex(images, topJson));
    }

    private static BuiltImage Image(Dictionary<Digest, byte[]> blobs, Digest manifestDigest, string path)
    {
        var manifestJson = Blob(blobs, manifestDigest, path);
        var manifest = ManifestReader.ReadManifest(manifestJson);
        var configJson = Blob(blobs, manifest.Config.Digest, path);
        var config = ImageConfigReader.Read(configJson);
        if (config.DiffIds.Length != manifest.Layers.Length)
        {
            throw Errors.SourceImageUnusable(path, "its manifest and config disagree on the number of layers");
        }

        var history = config.History.Where(h => !h.EmptyLayer).Select(h => h.CreatedBy).ToList();
        var layers = manifest.Layers.Select((layer, i) => new LayerBlob(layer, config.DiffIds[i], 0,
            i < history.Count ? history[i] : $"layer {i + 1}")).ToImmutableArray();
        return new BuiltImage(config, configJson, manifest, manifestJson, layers);
    }

    private static byte[] Blob(Dictionary<Digest, byte[]> blobs, Digest digest, string path)
        => blobs.TryGetValue(digest, out var bytes) ? bytes : throw Errors.SourceImageUnusable(path, $"blob {digest.Short} is missing");

    private static byte[] ReadAll(Stream stream)
    {
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
