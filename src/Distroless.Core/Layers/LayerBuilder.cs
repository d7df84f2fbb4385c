using Distroless.Caching;
using Distroless.Compression;
using Distroless.IO;
using Distroless.Native;
using Distroless.Oci;
using Distroless.Tar;

namespace Distroless.Layers;

/// <summary>
/// Streams a layer straight into the cache: entries → tar → SHA-256 (diff ID) → parallel
/// gzip → SHA-256 (digest) → file. Nothing is buffered whole and nothing is read back; ELF
/// files are inspected on the way (<see cref="LayerLibrariesCollector"/>).
/// </summary>
public static class LayerBuilder
{
    private const string ByDiffId = "layers-by-diffid";

    /// <summary>
    /// Returns the cached layer with the same uncompressed content when there is one, else builds
    /// it. The tar is produced twice on a miss (once only to hash it), which costs far less than
    /// compressing: an unchanged 70 MB runtime is hashed in a fraction of a second and never
    /// recompressed. <paramref name="write"/> must be deterministic.
    /// </summary>
    public static LayerBlob GetOrBuild(BlobCache cache, string createdBy, Action<LayerWriter> write,
        int compressionLevel = ParallelGzipStream.DefaultLevel)
    {
        var diffId = ComputeDiffId(write);
        var key = $"{diffId.Hex}-gzip{compressionLevel}";
        if (cache.TryReadRecord<CachedLayer>(ByDiffId, key, out var cached) && cache.Contains(Digest.Parse(cached.Digest)))
        {
            return cached.ToLayer() with { CreatedBy = createdBy };
        }

        var layer = Build(cache, createdBy, write, compressionLevel);
        cache.WriteRecord(ByDiffId, key, CachedLayer.From(layer));
        return layer;
    }

    /// <summary>The diff ID (SHA-256 of the uncompressed tar) the entries would produce.</summary>
    public static Digest ComputeDiffId(Action<LayerWriter> write)
    {
        using var hash = new HashingWriteStream(Stream.Null);
        using (var tar = new ReproducibleTarWriter(hash, leaveOpen: true))
        {
            write(new LayerWriter(tar));
        }

        return hash.GetDigest();
    }

    public static LayerBlob Build(BlobCache cache, string createdBy, Action<LayerWriter> write,
        int compressionLevel = ParallelGzipStream.DefaultLevel)
    {
        using var blob = cache.BeginWrite();
        var libraries = new LayerLibrariesCollector();
        Digest diffId;
        long uncompressed;
        using (var gzip = new ParallelGzipStream(blob.Stream, compressionLevel, leaveOpen: true))
        using (var tarHash = new HashingWriteStream(gzip, leaveOpen: true))
        {
            using (var tar = new ReproducibleTarWriter(tarHash, leaveOpen: true))
            {
                write(new LayerWriter(tar, libraries));
            }

            diffId = tarHash.GetDigest();
            uncompressed = tarHash.BytesWritten;
            gzip.Finish();
        }

        var size = blob.Length;
        var digest = blob.Digest;
        blob.Commit();
        // What the dynamic loader will find in it, learnt while it was written (see NativeClosure).
        LayerLibrariesStore.Save(cache, diffId, libraries.Build());
        return new LayerBlob(new Descriptor(MediaTypes.LayerGzip, digest, size), diffId, uncompressed, createdBy);
    }
}
