using System.Collections.Immutable;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.IO;
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
/// Uploads report their bytes to <see cref="RegistryOptions.Progress"/>.
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
        byte[] manifest, string manifestMediaType, CancellationToken ct = default, IReadOnlyList<Referrer>? referrers = null)
    {
        var (client, requestsBefore) = await OpenAsync(references[0].Repository, blobs, ct).ConfigureAwait(false);

        // Tags first: where one already points at this image, the registry has all of its blobs
        // (it accepts a manifest only then), so an unchanged republish costs one HEAD per tag.
        var digest = Digest.Compute(manifest);
        var current = await TagStatesAsync(client, references, digest, ct).ConfigureAwait(false);

        var blobsToCheck = current.Any(c => c.UpToDate) ? [] : blobs;
        var counts = await PushBlobsAsync(client, blobsToCheck, ct).ConfigureAwait(false);
        counts.Present += blobs.Count - blobsToCheck.Count;

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

        var subject = new Descriptor(manifestMediaType, digest, manifest.Length);
        var referrersPut = await AttachAsync(client, subject, referrers ?? [], ct).ConfigureAwait(false);

        var result = new PushResult([.. references], digest)
        {
            BlobsUploaded = counts.Uploaded,
            BlobsMounted = counts.Mounted,
            BlobsPresent = counts.Present,
            BytesUploaded = counts.Bytes,
            ManifestsPut = manifestsPut,
            ReferrersAttached = referrersPut,
            Requests = _transport.RequestCount - requestsBefore,
        };
        _logger.LogInformation("Pushed {References}: {Result}", string.Join(", ", references), result);
        return result;
    }

    /// <summary>One image of a multi-platform push: its blobs, its manifest and what to attach to it.</summary>
    public sealed record ImageToPush(IReadOnlyList<BlobSource> Blobs, byte[] Manifest)
    {
        public IReadOnlyList<Referrer> Referrers { get; init; } = [];
    }

    /// <summary>
    /// Pushes a multi-platform image: every image's blobs and manifest (by digest, untagged),
    /// then the index under each tag. Tags that already point at the index need nothing else.
    /// Each image's referrers, then the index's own, are attached last.
    /// </summary>
    public async Task<PushResult> PushIndexAsync(IReadOnlyList<ImageReference> references, IReadOnlyList<ImageToPush> images,
        byte[] index, CancellationToken ct = default, IReadOnlyList<Referrer>? indexReferrers = null)
    {
        var allBlobs = images.SelectMany(i => i.Blobs).GroupBy(b => b.Descriptor.Digest).Select(g => g.First()).ToList();
        var (client, requestsBefore) = await OpenAsync(references[0].Repository, allBlobs, ct).ConfigureAwait(false);

        var digest = Digest.Compute(index);
        var current = await TagStatesAsync(client, references, digest, ct).ConfigureAwait(false);

        var counts = new BlobCounts { Present = allBlobs.Count };
        var manifestsPut = 0;
        if (!current.Any(c => c.UpToDate))
        {
            counts = await PushBlobsAsync(client, allBlobs, ct).ConfigureAwait(false);
            foreach (var image in images)
            {
                var imageDigest = Digest.Compute(image.Manifest);
                if (await client.ManifestDigestAsync(imageDigest.ToString(), client.PushScope, ct).ConfigureAwait(false) != imageDigest)
                {
                    await client.PutManifestAsync(imageDigest.ToString(), image.Manifest, MediaTypes.ImageManifest, ct).ConfigureAwait(false);
                    manifestsPut++;
                }
            }
        }

        foreach (var (reference, upToDate) in current.Where(c => !c.UpToDate))
        {
            await client.PutManifestAsync(reference.Tag ?? digest.ToString(), index, MediaTypes.ImageIndex, ct).ConfigureAwait(false);
            manifestsPut++;
        }

        var referrersPut = 0;
        foreach (var image in images)
        {
            var subject = new Descriptor(MediaTypes.ImageManifest, Digest.Compute(image.Manifest), image.Manifest.Length);
            referrersPut += await AttachAsync(client, subject, image.Referrers, ct).ConfigureAwait(false);
        }

        referrersPut += await AttachAsync(client, new Descriptor(MediaTypes.ImageIndex, digest, index.Length), indexReferrers ?? [], ct).ConfigureAwait(false);

        var result = new PushResult([.. references], digest)
        {
            BlobsUploaded = counts.Uploaded,
            BlobsMounted = counts.Mounted,
            BlobsPresent = counts.Present,
            BytesUploaded = counts.Bytes,
            ManifestsPut = manifestsPut,
            ReferrersAttached = referrersPut,
            Requests = _transport.RequestCount - requestsBefore,
        };
        _logger.LogInformation("Pushed {References} ({Platforms} platforms): {Result}", string.Join(", ", references), images.Count, result);
        return result;
    }

    /// <summary>
    /// A client for the repository whose push scope also covers the repositories the blobs can be
    /// mounted from (one token for the whole push), after the registry's ping; and the request
    /// count so far, so the result can say how many this push made.
    /// </summary>
    private async Task<(RepositoryClient Client, int RequestsBefore)> OpenAsync(string repository, IReadOnlyList<BlobSource> blobs, CancellationToken ct)
    {
        var mountSources = blobs.Select(b => _locations.Find(b.Descriptor.Digest)).OfType<string>().Distinct().ToList();
        var client = new RepositoryClient(_transport, repository, mountSources);
        await _transport.EnsureReadyAsync(ct).ConfigureAwait(false);
        return (client, _transport.RequestCount);
    }

    /// <summary>Each reference, and whether its tag (or digest) already points at <paramref name="digest"/>.</summary>
    private static async Task<List<(ImageReference Reference, bool UpToDate)>> TagStatesAsync(RepositoryClient client,
        IReadOnlyList<ImageReference> references, Digest digest, CancellationToken ct)
    {
        var states = new List<(ImageReference Reference, bool UpToDate)>();
        foreach (var reference in references)
        {
            var tag = reference.Tag ?? digest.ToString();
            states.Add((reference, await client.ManifestDigestAsync(tag, client.PushScope, ct).ConfigureAwait(false) == digest));
        }

        return states;
    }

    /// <summary>Attaches each referrer the registry does not hold yet (after the subject is in place); returns how many.</summary>
    private async Task<int> AttachAsync(RepositoryClient client, Descriptor subject, IReadOnlyList<Referrer> referrers, CancellationToken ct)
    {
        var attached = 0;
        foreach (var referrer in referrers)
        {
            attached += await ReferrerPusher.AttachAsync(client, subject, referrer, _logger, ct).ConfigureAwait(false) ? 1 : 0;
        }

        return attached;
    }

    private sealed class BlobCounts
    {
        public int Uploaded;
        public int Mounted;
        public int Present;
        public long Bytes;
    }

    /// <summary>Pushes blobs the registry may lack, largest first, at most Parallelism at a time.</summary>
    private async Task<BlobCounts> PushBlobsAsync(RepositoryClient client, IReadOnlyList<BlobSource> blobs, CancellationToken ct)
    {
        var counts = new BlobCounts();
        using var slots = new SemaphoreSlim(Math.Max(1, _options.Parallelism));
        var uploads = Task.WhenAll(blobs.OrderByDescending(b => b.Descriptor.Size).Select(async blob =>
        {
            await slots.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                switch (await PushBlobAsync(client, blob, ct).ConfigureAwait(false))
                {
                    case BlobOutcome.Present:
                        Interlocked.Increment(ref counts.Present);
                        break;
                    case BlobOutcome.Mounted:
                        Interlocked.Increment(ref counts.Mounted);
                        break;
                    default:
                        Interlocked.Increment(ref counts.Uploaded);
                        Interlocked.Add(ref counts.Bytes, blob.Descriptor.Size);
                        break;
                }

                _locations.Remember(blob.Descriptor.Digest, client.Repository);
            }
            finally
            {
                slots.Release();
            }
        }));
        try
        {
            await uploads.ConfigureAwait(false);
        }
        catch when (uploads.Exception!.InnerExceptions.Where(e => CorruptCacheEntryException.Find(e) is not null).ToList() is { Count: > 1 } damaged)
        {
            // Each damaged cache entry the parallel uploads found (and evicted), so the build repairs and reports them all.
            throw new AggregateException(damaged);
        }

        return counts;
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

    /// <summary>
    /// How an upload opens the blob: as it is, or counted for <see cref="RegistryOptions.Progress"/>
    /// (one reporter for all attempts and chunks, so its reports stay in order and thinned out).
    /// </summary>
    private Func<Stream> Opener(BlobSource blob)
    {
        if (_options.Progress is not { } progress)
        {
            return blob.Open;
        }

        var reporter = new TransferReporter(progress, TransferProgress.Upload, blob.Descriptor.Digest.ToString(), blob.Descriptor.Size, _options.Time);
        return () => new ProgressStream(blob.Open(), reporter);
    }

    private async Task UploadWholeAsync(RepositoryClient client, BlobSource blob, Uri? session, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var open = Opener(blob);
        for (var attempt = 1; ; attempt++)
        {
            session ??= await client.StartUploadAsync(ct).ConfigureAwait(false);
            if (await client.CompleteUploadAsync(session, blob.Descriptor, open, ct).ConfigureAwait(false))
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
        var open = Opener(blob);
        session ??= await client.StartUploadAsync(ct).ConfigureAwait(false);
        long offset = 0;
        var failures = 0;
        while (true)
        {
            if (offset < size)
            {
                var length = (int)Math.Min(_options.ChunkSize, size - offset);
                // Each chunk positions the stream at its offset, which is what progress then reports
                // (after a resume: the registry's offset, not what the broken attempt had read).
                var next = await client.PatchChunkAsync(session, open, offset, length, ct).ConfigureAwait(false);
                if (next is not null)
                {
                    session = next;
                    offset += length;
                    failures = 0; // the attempt limit is for failures in a row; the total time bounds the rest
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
