using System.Security.Cryptography;
using Distroless.Oci;

namespace Distroless.Caching;

/// <summary>
/// Reads a cached blob for an output (an archive entry, an upload) and checks it against its
/// descriptor while it is read: every byte is hashed once, in order, however the reader moves
/// (a chunked upload opens the blob once per chunk, and a resumed one goes back), and the
/// digest is compared <em>before</em> the last bytes are handed out. So a damaged blob never
/// leaves whole: an upload stops short (no registry can store it, whether or not it checks
/// digests) and an archive is abandoned. A blob of the wrong size fails on open. On a mismatch
/// the entry is evicted and <see cref="CorruptCacheEntryException"/> thrown, for the build to
/// rebuild the blob and go on.
/// </summary>
public sealed class CachedBlobReader
{
    private readonly BlobCache _cache;
    private readonly Descriptor _blob;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly object _gate = new();
    private long _hashed;
    private string? _failure;
    private bool _verified;

    public CachedBlobReader(BlobCache cache, Descriptor blob)
    {
        _cache = cache;
        _blob = blob;
        Path = cache.BlobPath(blob.Digest);
    }

    public string Path { get; }

    /// <summary>A seekable stream over the blob that checks it as it is read; open it as often as needed.</summary>
    public Stream Open()
    {
        FileStream file;
        try
        {
            file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Corrupt("missing");
        }

        if (file.Length != _blob.Size)
        {
            var length = file.Length;
            file.Dispose();
            throw Corrupt(length < _blob.Size ? $"truncated: {length} of {_blob.Size} bytes" : $"{length} bytes, {_blob.Size} expected");
        }

        return new Reading(this, file);
    }

    /// <summary>Hashes what was not hashed yet of [position, position + data.Length); checks the digest before the end is handed out.</summary>
    private void Observe(long position, ReadOnlySpan<byte> data, bool endOfFile)
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw Corrupt(_failure);
            }

            if (position > _hashed)
            {
                // A reader that skipped ahead: hash the part it skipped, from the file.
                HashGap(position);
            }

            var end = position + data.Length;
            if (end > _hashed)
            {
                _hash.AppendData(data[(int)(_hashed - position)..]);
                _hashed = end;
            }

            if (endOfFile && end < _blob.Size)
            {
                // The file shrank after it was opened.
                Fail($"truncated while read: {end} of {_blob.Size} bytes");
            }

            if (_hashed >= _blob.Size && !_verified)
            {
                var actual = Digest.FromHash(_hash.GetHashAndReset());
                if (actual != _blob.Digest)
                {
                    Fail($"its content hashes to {actual}");
                }

                _verified = true;
            }
        }
    }

    private void HashGap(long position)
    {
        using var gap = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        gap.Position = _hashed;
        var buffer = new byte[1 << 16];
        while (_hashed < position)
        {
            var n = gap.Read(buffer, 0, (int)Math.Min(buffer.Length, position - _hashed));
            if (n == 0)
            {
                Fail($"truncated while read: {_hashed} of {_blob.Size} bytes");
            }

            _hash.AppendData(buffer, 0, n);
            _hashed += n;
        }
    }

    private void Fail(string detail)
    {
        _failure = detail;
        throw Corrupt(detail);
    }

    private CorruptCacheEntryException Corrupt(string detail)
    {
        _cache.Evict(_blob.Digest);
        return new CorruptCacheEntryException(_blob.Digest, Path, detail);
    }

    /// <summary>One open of the blob: the file, with every read shown to the reader before it is returned.</summary>
    private sealed class Reading(CachedBlobReader owner, FileStream file) : Stream
    {
        public override int Read(Span<byte> buffer)
        {
            var position = file.Position;
            var n = file.Read(buffer);
            owner.Observe(position, buffer[..n], endOfFile: n == 0 && buffer.Length > 0);
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var position = file.Position;
            var n = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            owner.Observe(position, buffer.Span[..n], endOfFile: n == 0 && buffer.Length > 0);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
            }

            base.Dispose(disposing);
        }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => file.Length;
        public override long Position { get => file.Position; set => file.Position = value; }
        public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);
        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
