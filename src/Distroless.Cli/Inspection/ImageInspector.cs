using System.Collections.Immutable;
using System.Globalization;
using Distroless.Caching;
using Distroless.Oci;
using Distroless.Output;
using Distroless.Registry;

namespace Distroless.Cli.Inspection;

/// <summary>
/// Reads an image (an OCI archive, or a registry reference: every platform of an index) into an
/// <see cref="InspectionReport"/>. Blobs go through the cache, verified, as for push and rebase.
/// </summary>
internal static class ImageInspector
{
    public static async Task<InspectionReport> InspectAsync(string source, CommandSession session, CancellationToken ct)
    {
        var cache = new BlobCache(session.CacheDirectory);
        ImmutableArray<BuiltImage> images;
        BuiltIndex? index;
        var sboms = ImmutableArray<SbomReport>.Empty;
        var attachments = ImmutableArray<Attachment>.Empty;
        if (File.Exists(source))
        {
            (images, index, attachments) = ImageArchiveReader.ReadWithAttachments(source, cache);
            sboms = [.. SbomFinder.Find(ArchiveListing.Read(source)), .. SbomFinder.Beside(source, images)];
        }
        else
        {
            var options = new RegistryOptions
            {
                InsecureRegistries = session.RegistrySettings().InsecureRegistries,
                HandlerFactory = session.Host.RegistryHandler,
            };
            using var sessions = new RegistrySessions(options, session.Credentials(), session.Logger);
            var puller = new RegistryImagePuller(cache, host => sessions.Get(host, push: false), session.Logger);
            var reference = ImageReference.Parse(source, "the image to inspect");
            (images, index) = await puller.PullImagesAsync(reference, ct).ConfigureAwait(false);
            var client = new RepositoryClient(sessions.Get(reference.ApiHost, push: false), reference.Repository);
            foreach (var subject in Signing.AttachedImage.SubjectsOf(images, index))
            {
                attachments = attachments.AddRange(await ReferrerFinder.FindAsync(client, subject.Descriptor, Signing.Attestations.IsBundleType, ct)
                    .ConfigureAwait(false));
            }
        }

        var reports = images.Select(image => Report(image, cache, sboms.Where(s => s.Subject == image.Digest.ToString()),
            AttestationListing.For(image.Digest, attachments))).ToImmutableArray();
        var attached = images.Select(i => i.Digest.ToString()).ToHashSet(StringComparer.Ordinal);
        return new InspectionReport(
            SchemaVersion: 1,
            Source: source,
            Digest: (index?.Digest ?? images[0].Digest).ToString(),
            MediaType: index is null ? MediaTypes.ImageManifest : MediaTypes.ImageIndex,
            Images: reports,
            Sboms: [.. sboms.Where(s => s.Subject is null || !attached.Contains(s.Subject))],
            Attestations: index is null ? [] : AttestationListing.For(index.Digest, attachments));
    }

    private static ImageReport Report(BuiltImage image, BlobCache cache, IEnumerable<SbomReport> sboms, ImmutableArray<AttestationReport> attestations)
    {
        var config = image.Config;
        return new ImageReport(
            Platform: config.Platform.ToString(),
            Digest: image.Digest.ToString(),
            ConfigDigest: image.ImageId.ToString(),
            CompressedSize: image.CompressedSize,
            Config: new ConfigReport(
                config.User,
                config.Entrypoint,
                config.Cmd,
                config.Env,
                config.WorkingDir,
                config.Labels.WithComparers(StringComparer.Ordinal),
                [.. config.ExposedPorts],
                config.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            Annotations: (image.Manifest.Annotations ?? ImmutableSortedDictionary<string, string>.Empty).WithComparers(StringComparer.Ordinal),
            Layers: [.. image.Layers.Select(l => new LayerReport(l.Digest.ToString(), l.Size, l.Descriptor.MediaType, l.DiffId.ToString(), l.CreatedBy))],
            Packages: DpkgDatabase.Read(image.Layers, cache),
            Sboms: [.. sboms],
            NativeDependencies: [.. (Base.BaseRecipe.FromAnnotations(image.Manifest.Annotations)?.Native ?? [])
                .Select(n => new NativeDependencyReport(n.SoName, n.Package, [.. n.NeededBy.Select(p => "/" + p)]))],
            Attestations: attestations);
    }
}
