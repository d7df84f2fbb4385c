using System.Text.Json;
using Distroless.Diagnostics;
using Distroless.IO;
using Distroless.Oci;

namespace Distroless.Caching;

/// <summary>
/// The user-wide, content-addressed cache: <c>blobs/sha256/&lt;hex&gt;</c> for downloads and
/// built layers, <c>records/&lt;kind&gt;/&lt;key&gt;.json</c> for small derived facts (which layer a
/// package became, what a suite resolved to). Every write goes to a temporary file that is
/// hashed while written and renamed into place only when complete and verified, so concurrent
/// publishes never see a partial entry and the last rename of identical content wins.
/// </summary>
public sealed class BlobCache
{
    // The records a warm publish reads are described at compile time (RecordJsonContext), the rest by reflection.
    private static readonly JsonSerializerOptions RecordJson = new()
    {
        WriteIndented = false,
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(RecordJsonContext.Default,
            new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    public BlobCache(string root)
    {
        Root = Path.GetFullPath(root);
        // What killed builds were writing goes first, so it never fills the disk for good.
        CacheTempArea.SweepNow(TempRoot);
    }

    private string TempRoot => Path.Combine(Root, "tmp");

    public string Root { get; }

    public string BlobPath(Digest digest) => Path.Combine(Root, "blobs", "sha256", digest.Hex);

    public bool Contains(Digest digest) => File.Exists(BlobPath(digest));

    /// <summary>
    /// The path of a cached blob that is read as an input (a .deb, an index, a base's manifest or
    /// config), after checking it against its digest (and size, when known); a damaged entry is
    /// evicted and null returned, so the caller fetches it again instead of building on it.
    /// </summary>
    public string? VerifiedPath(Digest digest, long? size = null)
    {
        var path = BlobPath(digest);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
            if ((size is null || file.Length == size) && Digest.Compute(file) == digest)
            {
                return path;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        Evict(digest);
        return null;
    }

    /// <summary>Opens a writer for a blob whose digest is known only once it is written.</summary>
    public PendingBlob BeginWrite()
    {
        var temp = TempPath();
        return new PendingBlob(this, temp, new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
    }

    /// <summary>Reads a cached blob for an output, checking it against <paramref name="blob"/> as it is read (see <see cref="CachedBlobReader"/>).</summary>
    public CachedBlobReader Reader(Descriptor blob) => new(this, blob);

    /// <summary>
    /// Copies <paramref name="content"/> into the cache, checking it against the expected size
    /// and digest; <paramref name="mismatch"/> builds the error when it does not match.
    /// </summary>
    public async Task<string> PutAsync(Stream content, Digest expected, long? expectedSize,
        Func<Digest, Exception> mismatch, CancellationToken ct = default)
    {
        using var pending = BeginWrite();
        await content.CopyToAsync(pending.Stream, 1 << 16, ct).ConfigureAwait(false);
        if (expectedSize is { } size && pending.Length != size)
        {
            throw mismatch(pending.Digest);
        }

        return pending.Commit(expected, mismatch);
    }

    public bool TryReadRecord<T>(string kind, string key, out T value)
    {
        var path = RecordPath(kind, key);
        value = default!;
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), RecordJson)!;
            return value is not null;
        }
        catch (JsonException)
        {
            // A record from an older layout, or damaged: treat as a miss and let it be rewritten.
            return false;
        }
    }

    public void WriteRecord<T>(string kind, string key, T value)
    {
        var path = RecordPath(kind, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(value, RecordJson), TempPath());
    }

    /// <summary>Removes a blob that failed verification on read, so the next build refetches it.</summary>
    public void Evict(Digest digest)
    {
        try
        {
            File.Delete(BlobPath(digest));
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A fresh path in this process's own directory under tmp/ (see <see cref="CacheTempArea"/>).</summary>
    public string TempPath() => Path.Combine(CacheTempArea.For(TempRoot).SessionDirectory, Path.GetRandomFileName());

    private string RecordPath(string kind, string key) => Path.Combine(Root, "records", kind, key + ".json");

    internal string CommitFile(string temp, Digest digest)
    {
        var target = BlobPath(digest);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(temp, target, overwrite: true);
        return target;
    }
}

/// <summary>A blob being written into the cache; disposed without commit, it leaves nothing behind.</summary>
public sealed class PendingBlob : IDisposable
{
    private readonly BlobCache _cache;
    private readonly string _temp;
    private readonly HashingWriteStream _hashing;
    private bool _closed;

    internal PendingBlob(BlobCache cache, string temp, FileStream file)
    {
        _cache = cache;
        _temp = temp;
        _hashing = new HashingWriteStream(file);
    }

    /// <summary>Write the blob here.</summary>
    public Stream Stream => _hashing;

    public long Length => _hashing.BytesWritten;

    public Digest Digest => _hashing.GetDigest();

    /// <summary>Moves the blob into place under its digest and returns its path.</summary>
    public string Commit(Digest? expected = null, Func<Digest, Exception>? mismatch = null)
    {
        var digest = Digest;
        Close();
        if (expected is { } want && want != digest)
        {
            throw mismatch?.Invoke(digest) ?? Errors.CacheCorrupt(_temp, $"expected {want}, got {digest}");
        }

        return _cache.CommitFile(_temp, digest);
    }

    public void Dispose()
    {
        try
        {
            // Closing flushes the last buffer, which is where a full disk often shows: the
            // temporary file must go all the same, or it keeps the disk full.
            Close();
        }
        finally
        {
            try
            {
                File.Delete(_temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private void Close()
    {
        if (!_closed)
        {
            _closed = true;
            _hashing.Dispose();
        }
    }
}
