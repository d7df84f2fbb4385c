using Distroless.Oci;
using Microsoft.Extensions.Logging;

namespace Distroless.Registry;

/// <summary>
/// Attaches an artifact (an SBOM, a Sigstore bundle) to an image as an OCI 1.1 referrer: an artifact manifest
/// with the empty config, the artifact as its one layer, and <c>subject</c> pointing at the
/// image. A registry with the referrers API says so with an OCI-Subject header; for the others
/// (docker-registry 2.8) the referrers tag schema is kept up to date: the tag
/// <c>sha256-&lt;subject hex&gt;</c> holds an index of every referrer.
/// </summary>
/// <remarks>
/// Works through the image push's own <see cref="RepositoryClient"/> so the push token serves
/// it too. The artifact manifest is deterministic (same SBOM, same digest), so a republish
/// costs one HEAD per referrer.
/// </remarks>
internal static class ReferrerPusher
{
    private static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    /// <summary>The artifact manifest for <paramref name="referrer"/> with <paramref name="subject"/> (bytes as pushed).</summary>
    public static byte[] ManifestFor(Descriptor subject, Referrer referrer)
        => OciJson.Serialize(new ImageManifest(
            new Descriptor(MediaTypes.Empty, Digest.Compute(EmptyConfig), EmptyConfig.Length),
            [new Descriptor(referrer.ArtifactType, Digest.Compute(referrer.Content), referrer.Content.Length) { Annotations = referrer.LayerAnnotations }])
        {
            ArtifactType = referrer.ArtifactType,
            Subject = subject with { Platform = null, Annotations = null, ArtifactType = null },
            Annotations = referrer.Annotations,
        });

    /// <summary>Every blob of the referrer: the empty config, the artifact, and the artifact manifest (as an archive carries them).</summary>
    public static IEnumerable<byte[]> Blobs(Descriptor subject, Referrer referrer) => [EmptyConfig, referrer.Content, ManifestFor(subject, referrer)];

    /// <summary>Attaches the referrer unless the registry already holds it; returns whether anything was written.</summary>
    public static async Task<bool> AttachAsync(RepositoryClient client, Descriptor subject, Referrer referrer, ILogger logger, CancellationToken ct)
    {
        var manifest = ManifestFor(subject, referrer);
        var digest = Digest.Compute(manifest);
        if (await client.ManifestDigestAsync(digest.ToString(), client.PushScope, ct).ConfigureAwait(false) == digest)
        {
            logger.LogDebug("{ArtifactType} {Digest} is already attached to {Subject}", referrer.ArtifactType, digest.Short, subject.Digest.Short);
            return false;
        }

        foreach (var (bytes, mediaType) in new[] { (EmptyConfig, MediaTypes.Empty), (referrer.Content, referrer.ArtifactType) })
        {
            var descriptor = new Descriptor(mediaType, Digest.Compute(bytes), bytes.Length);
            // A failed PUT is retried in a fresh session, as the image's own blobs are (ImagePusher).
            for (var attempt = 1; !await client.BlobExistsAsync(descriptor.Digest, client.PushScope, ct).ConfigureAwait(false); attempt++)
            {
                var upload = await client.StartUploadAsync(ct).ConfigureAwait(false);
                if (await client.CompleteUploadAsync(upload, descriptor, () => new MemoryStream(bytes, writable: false), ct).ConfigureAwait(false))
                {
                    break;
                }

                if (attempt >= RetryPolicy.Default.MaxAttempts)
                {
                    throw Diagnostics.Errors.RegistryUnavailable(client.Registry, $"the upload of the {referrer.ArtifactType} referrer", attempt, client.LastFailure);
                }

                await Task.Delay(RetryPolicy.Default.Delay(attempt, null), ct).ConfigureAwait(false);
            }
        }

        var supportsReferrers = await client.PutManifestAsync(digest.ToString(), manifest, MediaTypes.ImageManifest, ct).ConfigureAwait(false);
        if (!supportsReferrers)
        {
            // The manifest's annotations go into the index too, as a registry with the referrers API would copy them.
            var descriptor = new Descriptor(MediaTypes.ImageManifest, digest, manifest.Length)
            {
                ArtifactType = referrer.ArtifactType,
                Annotations = referrer.Annotations,
            };
            await UpdateFallbackTagAsync(client, subject, descriptor, ct).ConfigureAwait(false);
        }

        logger.LogInformation("Attached {ArtifactType} {Digest} to {Subject}", referrer.ArtifactType, digest.Short, subject.Digest.Short);
        return true;
    }

    /// <summary>The referrers tag schema: add the referrer to the index at sha256-&lt;hex&gt; (kept sorted, so the same set gives the same index).</summary>
    private static async Task UpdateFallbackTagAsync(RepositoryClient client, Descriptor subject, Descriptor referrer, CancellationToken ct)
    {
        var tag = "sha256-" + subject.Digest.Hex;
        var existing = await client.GetManifestAsync(tag, ct, client.PushScope).ConfigureAwait(false);
        var entries = existing is { } found && ManifestReader.IsIndex(found.Content)
            ? ManifestReader.ReadIndex(found.Content).Manifests
            : [];
        if (entries.Any(e => e.Digest == referrer.Digest))
        {
            return;
        }

        var index = new ImageIndex([.. entries.Append(referrer).OrderBy(e => e.Digest.Hex, StringComparer.Ordinal)]);
        await client.PutManifestAsync(tag, OciJson.Serialize(index), MediaTypes.ImageIndex, ct).ConfigureAwait(false);
    }
}
