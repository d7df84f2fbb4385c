using System.Collections.Immutable;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Output;
using Distroless.Registry;

namespace Distroless.Signing;

/// <summary>A manifest something can be attached to, and how messages name it ("linux/amd64", "index").</summary>
public sealed record AttachedSubject(Descriptor Descriptor, string Name);

/// <summary>
/// An image's manifests (the index first, then each platform's) and the Sigstore bundles
/// attached to them: from an OCI archive (offline: the bundles are among its blobs) or from a
/// registry (the referrers API, else the referrers tag schema; only manifests and bundles are
/// fetched, never layers).
/// </summary>
public sealed record AttachedImage(Digest Digest, ImmutableArray<AttachedSubject> Subjects, ImmutableArray<Attachment> Attachments)
{
    public IEnumerable<Referrer> AttachedTo(Digest subject) => Attachments.Where(a => a.Subject.Digest == subject).Select(a => a.Referrer);

    public static AttachedImage FromArchive(string path, BlobCache cache)
    {
        var (images, index, attachments) = ImageArchiveReader.ReadWithAttachments(path, cache);
        return new AttachedImage(index?.Digest ?? images[0].Digest, SubjectsOf(images, index), attachments);
    }

    public static ImmutableArray<AttachedSubject> SubjectsOf(IReadOnlyList<BuiltImage> images, BuiltIndex? index)
        => [.. (index is null ? [] : new[] { new AttachedSubject(index.Descriptor, "index") })
            .Concat(images.Select(i => new AttachedSubject(i.ManifestDescriptor, i.Config.Platform.ToString())))];

    /// <param name="reference">registry/repository:tag or @sha256:…</param>
    /// <param name="transports">A registry session per API host (pull).</param>
    /// <param name="ct">Cancels the requests.</param>
    public static async Task<AttachedImage> FromRegistryAsync(ImageReference reference, Func<string, RegistryTransport> transports, CancellationToken ct = default)
    {
        var client = new RepositoryClient(transports(reference.ApiHost), reference.Repository);
        var top = await client.GetManifestAsync(reference.ManifestReference, ct).ConfigureAwait(false)
            ?? throw Errors.SourceImageUnusable(reference.ToString(), $"the registry has no manifest {reference.ManifestReference}");
        if (reference.Digest is { } pinned && top.Digest != pinned)
        {
            throw Errors.RegistryDigestMismatch(reference.Registry, $"the manifest {reference.ManifestReference}", pinned.ToString(), top.Digest.ToString());
        }

        var subjects = new List<AttachedSubject>();
        if (ManifestReader.IsIndex(top.Content))
        {
            subjects.Add(new AttachedSubject(new Descriptor(MediaTypes.ImageIndex, top.Digest, top.Content.Length), "index"));
            subjects.AddRange(ManifestReader.ReadIndex(top.Content).Manifests.Select(m =>
                new AttachedSubject(m with { Platform = null, Annotations = null }, m.Platform?.ToString() ?? m.Digest.Short)));
        }
        else
        {
            subjects.Add(new AttachedSubject(new Descriptor(MediaTypes.ImageManifest, top.Digest, top.Content.Length), "image"));
        }

        var attachments = ImmutableArray.CreateBuilder<Attachment>();
        foreach (var subject in subjects)
        {
            attachments.AddRange(await ReferrerFinder.FindAsync(client, subject.Descriptor, Attestations.IsBundleType, ct).ConfigureAwait(false));
        }

        return new AttachedImage(top.Digest, [.. subjects], attachments.ToImmutable());
    }
}
