using System.Collections.Immutable;
using Distroless.Diagnostics;
using Distroless.Oci;

namespace Distroless.Registry;

/// <summary>
/// Finds what is attached to a manifest in a registry: the referrers API's index, else the
/// referrers tag schema's (sha256-&lt;hex&gt;), as cosign's bundle specification retrieves
/// bundles. Each wanted artifact manifest is fetched and checked against its digest, and its
/// one layer downloaded and checked against the layer's digest and size.
/// </summary>
public static class ReferrerFinder
{
    /// <summary>Artifacts larger than this are not downloaded (an attestation is a few kilobytes; an SBOM a few megabytes).</summary>
    public const long MaxArtifactSize = 64L * 1024 * 1024;

    /// <param name="client">The subject's repository.</param>
    /// <param name="subject">The image manifest or index.</param>
    /// <param name="wanted">Which artifact types to fetch (by the index entry's artifactType).</param>
    /// <param name="ct">Cancels the requests.</param>
    public static async Task<ImmutableArray<Attachment>> FindAsync(RepositoryClient client, Descriptor subject, Func<string, bool> wanted,
        CancellationToken ct = default)
    {
        var index = await client.GetReferrersAsync(subject.Digest, ct).ConfigureAwait(false)
            ?? (await client.GetManifestAsync("sha256-" + subject.Digest.Hex, ct).ConfigureAwait(false) is { } tagged && ManifestReader.IsIndex(tagged.Content)
                ? tagged.Content
                : null);
        if (index is null)
        {
            return [];
        }

        var found = ImmutableArray.CreateBuilder<Attachment>();
        foreach (var entry in ManifestReader.ReadIndex(index).Manifests.Where(e => e.ArtifactType is { } type && wanted(type)))
        {
            var fetched = await client.GetManifestAsync(entry.Digest.ToString(), ct).ConfigureAwait(false);
            if (fetched is null)
            {
                continue; // Listed but gone (deleted since): nothing attached there any more.
            }

            if (fetched.Value.Digest != entry.Digest)
            {
                throw Errors.RegistryDigestMismatch(client.Registry, $"the referrer {entry.Digest.Short}", entry.Digest.ToString(), fetched.Value.Digest.ToString());
            }

            var manifest = ManifestReader.ReadManifest(fetched.Value.Content);
            if (manifest.Subject?.Digest != subject.Digest || manifest.Layers is not [var layer] || layer.Size > MaxArtifactSize)
            {
                continue;
            }

            var content = await client.GetBlobAsync(layer.Digest, body => ReadAtMostAsync(body, layer.Size + 1, ct), ct).ConfigureAwait(false);
            if (content.Length != layer.Size || Digest.Compute(content) != layer.Digest)
            {
                throw Errors.RegistryDigestMismatch(client.Registry, $"the blob of referrer {entry.Digest.Short}", layer.Digest.ToString(), Digest.Compute(content).ToString());
            }

            found.Add(new Attachment(subject, new Referrer(manifest.ArtifactType ?? layer.MediaType, content)
            {
                Annotations = manifest.Annotations,
                LayerAnnotations = layer.Annotations,
            }));
        }

        return found.ToImmutable();
    }

    /// <summary>The body, but never more than <paramref name="limit"/> bytes of it (a registry that sends more fails the size check).</summary>
    private static async Task<byte[]> ReadAtMostAsync(Stream body, long limit, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < limit && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), ct).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
