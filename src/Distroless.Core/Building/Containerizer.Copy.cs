using System.Collections.Immutable;
using System.Diagnostics;
using Distroless.Caching;
using Distroless.Output;
using Distroless.Registry;
using Microsoft.Extensions.Logging;

namespace Distroless.Building;

public sealed partial class Containerizer
{
    /// <summary>
    /// Sends an image that already exists (an OCI image archive, or a registry reference: every
    /// platform of an index) to the plan's destinations byte for byte, so its digest stays the
    /// same: what `distroless push` does with an archive a build wrote earlier, with the
    /// signatures and attestations the archive carries.
    /// </summary>
    public Task<BuildResult> CopyAsync(CopyPlan plan, CancellationToken ct = default)
        => GuardAsync(plan.CacheDirectory, plan.Output.ArchivePath, null, () => CopyOnceAsync(plan, ct));

    private async Task<BuildResult> CopyOnceAsync(CopyPlan plan, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var cache = new BlobCache(plan.CacheDirectory);
        var options = RegistryOptionsFor(plan.RegistrySettings);
        using var sessions = new RegistrySessions(options, _credentials, _logger);
        // An archive's signatures and attestations travel with it (their subjects, the manifests, keep their digests).
        ImmutableArray<Attachment> attachments = [];
        ImmutableArray<BuiltImage> images;
        BuiltIndex? index;
        if (File.Exists(plan.Source))
        {
            (images, index, attachments) = ImageArchiveReader.ReadWithAttachments(plan.Source, cache);
        }
        else
        {
            (images, index) = await ReadExistingAsync(plan.Source, "the image to push", cache, sessions, ct).ConfigureAwait(false);
        }

        var result = await SendAsync(plan.Output, images, index, [], cache, sessions, options, ct, attachments: attachments).ConfigureAwait(false);
        _logger.LogInformation("Copied {Source} ({Digest}, {Count} platform(s)) in {Seconds:F2} s", plan.Source, result.Digest,
            images.Length, clock.Elapsed.TotalSeconds);
        return result;
    }

    /// <summary>An existing image (every platform of an index): an archive path if one exists there, else a registry reference.</summary>
    private async Task<(ImmutableArray<BuiltImage> Images, BuiltIndex? Index)> ReadExistingAsync(string source, string role, BlobCache cache,
        RegistrySessions sessions, CancellationToken ct)
        => File.Exists(source)
            ? ImageArchiveReader.Read(source, cache)
            : await new RegistryImagePuller(cache, host => sessions.Get(host, push: false), _logger)
                .PullImagesAsync(ImageReference.Parse(source, role), ct).ConfigureAwait(false);
}
