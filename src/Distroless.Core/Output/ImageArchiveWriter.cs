using System.Collections.Immutable;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.IO;
using Distroless.Oci;
using Distroless.Tar;

namespace Distroless.Output;

/// <summary>
/// Writes an image archive that both OCI and Docker tooling load: a tar of an OCI image layout
/// (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/*</c>) that also carries Docker's
/// <c>manifest.json</c> pointing at the same blobs (what <c>docker save</c> writes since Docker
/// 25), so <c>podman load</c>, <c>docker load</c> and <c>skopeo … oci-archive:</c> all accept it.
/// Entries are sorted, root-owned, mtime 0. The archive is written under a temporary name
/// beside the target and renamed into place only when complete (temporary files a killed
/// writer left there are removed first); layer blobs are checked against their digests while
/// copied from the cache (<see cref="CachedBlobReader"/>), so a damaged cache entry cannot
/// reach the output: it is evicted and reported as DSTL4002, for the build to rebuild it.
/// </summary>
public static class ImageArchiveWriter
{
    public static void Write(string path, BuiltImage image, IReadOnlyList<string> references, BlobCache cache)
        => Write(path, [image], null, references, cache);

    /// <summary>
    /// Writes one image, or the images of a multi-platform index: then index.json names the
    /// image index (podman, skopeo and containerd pick the platform from it), and Docker's
    /// manifest.json, which has no notion of platforms, lists the first image.
    /// </summary>
    /// <param name="path">The archive to write.</param>
    /// <param name="images">The image, or the images of the index.</param>
    /// <param name="index">The multi-platform index, if any.</param>
    /// <param name="references">The names (registry/repository:tag) loaders give the image.</param>
    /// <param name="cache">Where the layers are.</param>
    /// <param name="attachments">
    /// Referrers (signatures, attestations) to carry: their artifact manifests and blobs go under
    /// blobs/ without an index.json entry (loaders would take them for images), and are found
    /// by their <c>subject</c>, so the archive verifies offline and pushes later with them.
    /// </param>
    public static void Write(string path, IReadOnlyList<BuiltImage> images, BuiltIndex? index, IReadOnlyList<string> references, BlobCache cache,
        IReadOnlyList<Registry.Attachment>? attachments = null)
    {
        var fullPath = Path.GetFullPath(path);
        // Attributed to the cache first: the archive an engine loads is written there.
        FileLocation[] locations = [FileLocation.Cache(cache.Root), FileLocation.ImageOutput(fullPath)];
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            // What earlier writers of this archive left when they were killed.
            AtomicFile.RemoveStale(fullPath);
            AtomicFile.Write(fullPath, file =>
            {
                using var tar = new ReproducibleTarWriter(file, leaveOpen: true);
                WriteEntries(tar, images, index, references, cache, attachments ?? []);
            });
        }
        catch (CorruptCacheEntryException corrupt)
        {
            throw Errors.CacheCorrupt(corrupt.Path, corrupt.Detail, corrupt);
        }
        catch (Exception e) when (FileSystemErrors.Classify(e, locations) is { } classified)
        {
            throw classified.Code == DiagnosticCodes.FileSystemError && !FileLocation.Cache(cache.Root).Covers(fullPath)
                ? Errors.OutputNotWritable(fullPath, Errors.Reason(e.Message), e)
                : classified;
        }
    }

    private static void WriteEntries(ReproducibleTarWriter tar, IReadOnlyList<BuiltImage> images, BuiltIndex? index,
        IReadOnlyList<string> references, BlobCache cache, IReadOnlyList<Registry.Attachment> attachments)
    {
        var blobs = new SortedDictionary<string, Action<string>>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            blobs[image.ConfigDescriptor.Digest.Hex] = name => WriteBytes(tar, name, image.ConfigJson);
            blobs[image.Digest.Hex] = name => WriteBytes(tar, name, image.ManifestJson);
            foreach (var layer in image.Layers)
            {
                blobs[layer.Digest.Hex] = name => WriteCachedBlob(tar, name, layer.Descriptor, cache);
            }
        }

        if (index is not null)
        {
            blobs[index.Digest.Hex] = name => WriteBytes(tar, name, index.IndexJson);
        }

        foreach (var attachment in attachments)
        {
            foreach (var content in Registry.ReferrerPusher.Blobs(attachment.Subject, attachment.Referrer))
            {
                blobs[Digest.Compute(content).Hex] = name => WriteBytes(tar, name, content);
            }
        }

        tar.WriteEntry(TarHeader.Directory("blobs", 0x1ed, 0));
        tar.WriteEntry(TarHeader.Directory("blobs/sha256", 0x1ed, 0));
        foreach (var (hex, write) in blobs)
        {
            write("blobs/sha256/" + hex);
        }

        WriteBytes(tar, "index.json", IndexJson(index?.Descriptor ?? images[0].ManifestDescriptor, references));
        WriteBytes(tar, "manifest.json", DockerManifestJson(images[0], references));
        WriteBytes(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray());
    }

    /// <summary>
    /// One index entry per reference, as <c>docker save</c> writes them: containerd's full name
    /// and the OCI ref name (the tag) so loaders can name the image.
    /// </summary>
    internal static byte[] IndexJson(BuiltImage image, IReadOnlyList<string> references)
        => IndexJson(image.ManifestDescriptor, references);

    internal static byte[] IndexJson(Descriptor top, IReadOnlyList<string> references)
    {
        var manifests = references.Count == 0
            ? [top]
            : references.Select(reference => top with
            {
                Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["io.containerd.image.name"] = reference,
                    ["org.opencontainers.image.ref.name"] = reference[(reference.LastIndexOf(':') + 1)..],
                }.ToImmutableSortedDictionary(StringComparer.Ordinal, StringComparer.Ordinal),
            }).ToArray();
        return OciJson.Serialize(new ImageIndex([.. manifests]));
    }

    internal static byte[] DockerManifestJson(BuiltImage image, IReadOnlyList<string> references) => OciJson.Write(w =>
    {
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteString("Config", "blobs/sha256/" + image.ConfigDescriptor.Digest.Hex);
        w.WriteStartArray("RepoTags");
        foreach (var reference in references)
        {
            w.WriteStringValue(reference);
        }

        w.WriteEndArray();
        w.WriteStartArray("Layers");
        foreach (var layer in image.Layers)
        {
            w.WriteStringValue("blobs/sha256/" + layer.Digest.Hex);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    private static void WriteBytes(ReproducibleTarWriter tar, string name, byte[] content)
        => tar.WriteEntry(TarHeader.File(name, 0x1a4, content.Length, 0), new MemoryStream(content, writable: false));

    private static void WriteCachedBlob(ReproducibleTarWriter tar, string name, Descriptor descriptor, BlobCache cache)
    {
        using var blob = cache.Reader(descriptor).Open();
        tar.WriteEntry(TarHeader.File(name, 0x1a4, descriptor.Size, 0), blob);
    }

}
