using System.Collections.Immutable;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.Oci;
using Microsoft.Extensions.Logging;

namespace Distroless.Registry;

/// <summary>
/// Pushes one image to one repository under one or more tags, uploading only what the registry
/// lacks: every blob is checked with HEAD; one the registry holds in another repository (as
/// remembered in the cache from earlier pushes and pulls) is mounted; the rest is uploaded,
/// small blobs in one PUT, large ones in chunks that resume from the registry's offset after a
/// broken connection. Blobs go up at most <see cref="RegistryOptions.Parallelism"/> at a time,
/// largest first; manifests last, and only for tags that do not already point at the image.
/// </summary>
public sealed class ImagePusher
{
    private readonly RegistryTransport _transport;
    private readonly BlobLocations _locations;
    private readonly RegistryOptions _options;
    private readonly ILogger _logger;

    public ImagePusher(RegistryTransport transport, BlobCache cache, RegistryOptions options, ILogger logger)
    {
        _transport = transport;
        _options = options;
        _logger = logger;
        _locations = new BlobLocations(cache, transport.Registry);
    }

    public async Task<PushResult> PushAsync(IReadOnlyList<ImageReference> references, IReadOnlyList<BlobSource> blobs,
        byte[] manifest, string manifestMediaType, CancellationToken ct = default)
    {
        var repository = references[0].Repository;
        var mountSources = blobs.Select(b => _locations.Find(b.Descriptor.Digest)).OfType<string>().Distinct().ToList();
        var client = new RepositoryClient(_transport, repository, mountSources);
        await _transport.EnsureReadyAsync(ct).ConfigureAwait(false);
        var requestsBefore = _transport.RequestCount;

        // Tags first: where one already points at this image, the registry has all of its blobs
        // (it accepts a manifest only then), so an unchanged republish costs one HEAD per tag.
        var digest = Digest.Compute(manifest);
        var current = new List<(ImageReference Reference, bool UpToDate)>();
        foreach (var reference in references)
        {
            var tag = reference.Tag ?? digest.ToString();
            current.Add((reference, await client.ManifestDigestAsync(tag, client.PushScope, ct).ConfigureAwait(false) == digest));
        }

        int uploaded = 0, mounted = 0, present = 0;
        long bytes = 0;
        using var slots = new SemaphoreSlim(Math.Max(1, _options.Parallelism));
        var blobsToCheck = current.Any(c => c.UpToDate) ? [] : blobs;
        present = blobs.Count - blobsToCheck.Count;
        await Task.WhenAll(blobsToCheck.OrderByDescending(b => b.Descriptor.Size).Select(async blob =>
        {
            await slots.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                switch (await PushBlobAsync(client, blob, ct).ConfigureAwait(false))
                {
                    case BlobOutcome.Present:
                        Interlocked.Increment(ref present);
                        break;
                    case BlobOutcome.Mounted:
                        Interlocked.Increment(ref mounted);
                        break;
                    default:
                        Interlocked.Increment(ref uploaded);
                        Interlocked.Add(ref bytes, blob.Descriptor.Size);
                        break;
                }

                _locations.Remember(blob.Descriptor.Digest, repository);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);

        var manifestsPut = 0;
        foreach (var (reference, upToDate) in current)
        {
            if (upToDate)
            {
                _logger.LogDebug("{Reference} already points at {Digest}", reference, digest);
                continue;
            }

            await client.PutManifestAsync(reference.Tag ?? digest.ToString(), manifest, manifestMediaType, ct).ConfigureAwait(false);
            manifestsPut++;
        }

        var result = new PushResult([.. references], digest)
        {
            BlobsUploaded = uploaded,
            BlobsMounted = mounted,
            BlobsPresent = present,
            BytesUploaded = bytes,
            ManifestsPut = manifestsPut,
            Requests = _transport.RequestCount - requestsBefore,
        };
        _logger.LogInformation("Pushed {References}: {Result}", string.Join(", ", references), result);
        return result;
    }

    private enum BlobOutcome
    {
        Present,
        Mounted,
        Uploaded,
    }

    private async Task<BlobOutcome> PushBlobAsync(RepositoryClient client, BlobSource blob, CancellationToken ct)
    {
        var digest = blob.Descriptor.Digest;
        if (await client.BlobExistsAsync(digest, client.PushScope, ct).ConfigureAwait(false))
        {
            return BlobOutcome.Present;
        }

        Uri? session = null;
        if (_locations.Find(digest) is { } from && from != client.Repository)
        {
            var (isMounted, upload) = await client.MountBlobAsync(digest, from, ct).ConfigureAwait(false);
            if (isMounted)
            {
                _logger.LogDebug("Mounted {Digest} from {From}", digest.Short, from);
                return BlobOutcome.Mounted;
            }

            session = upload;
        }

        if (blob.Descriptor.Size >= _options.ChunkedUploadThreshold)
        {
            await UploadInChunksAsync(client, blob, session, ct).ConfigureAwait(false);
        }
        else
        {
            await UploadWholeAsync(client, blob, session, ct).ConfigureAwait(false);
        }

        _logger.LogDebug("Uploaded {Digest} ({Size} bytes)", digest.Short, blob.Descriptor.Size);
        return BlobOutcome.Uploaded;
    }

    private async Task UploadWholeAsync(RepositoryClient client, BlobSource blob, Uri? session, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            session ??= await client.StartUploadAsync(ct).ConfigureAwait(false);
            if (await client.CompleteUploadAsync(session, blob.Descriptor, blob.Open, ct).ConfigureAwait(false))
            {
                return;
            }

            // A failed PUT may or may not have landed; a fresh session makes the retry unambiguous.
            session = null;
            await BackoffAsync(client, blob, attempt, clock, ct).ConfigureAwait(false);
        }
    }

    private async Task UploadInChunksAsync(RepositoryClient client, BlobSource blob, Uri? session, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var size = blob.Descriptor.Size;
        session ??= await client.StartUploadAsync(ct).ConfigureAwait(false);
        long offset = 0;
        var failures = 0;
        while (true)
        {
            if (offset < size)
            {
                var length = (int)Math.Min(_options.ChunkSize, size - offset);
                var next = await client.PatchChunkAsync(session, blob.Open, offset, length, ct).ConfigureAwait(false);
                if (next is not null)
                {
                    session = next;
                    offset += length;
                    continue;
                }
            }
            else if (await client.CompleteUploadAsync(session, blob.Descriptor, null, ct).ConfigureAwait(false))
            {
                return;
            }

            // Resume where the registry says it stands; a session it forgot starts over.
            await BackoffAsync(client, blob, ++failures, clock, ct).ConfigureAwait(false);
            if (await client.UploadStatusAsync(session, ct).ConfigureAwait(false) is { } status && status.Next <= size)
            {
                _logger.LogDebug("Resuming {Digest} at byte {Offset} of {Size}", blob.Descriptor.Digest.Short, status.Next, size);
                (offset, session) = status;
            }
            else
            {
                session = await client.StartUploadAsync(ct).ConfigureAwait(false);
                offset = 0;
            }
        }
    }

    private async Task BackoffAsync(RepositoryClient client, BlobSource blob, int attempt, System.Diagnostics.Stopwatch clock, CancellationToken ct)
    {
        if (attempt >= _options.Retry.MaxAttempts || clock.Elapsed > _options.Retry.TotalTime)
        {
            throw Errors.RegistryUnavailable(client.Registry, $"the upload of blob {blob.Descriptor.Digest.Short}", attempt, client.LastFailure);
        }

        await Task.Delay(_options.Retry.Delay(attempt, null), ct).ConfigureAwait(false);
    }
}
