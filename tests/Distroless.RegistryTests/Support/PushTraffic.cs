using Distroless.RegistryTests.Infrastructure;

namespace Distroless.RegistryTests.Support;

/// <summary>
/// The requests of a push as the proxy saw them, split into the image's own traffic — the
/// version check, its tags' manifests, and the checks, mounts and uploads of its layers and
/// config — and everything else, which is what a push attaches to the image (the SBOM referrers:
/// their manifests by digest, the referrers tag, their blobs). Counts of the image's traffic are
/// exact whatever is attached; the split assumes the push saw no faults (an upload start names
/// no blob: the ones not followed by an upload of another blob are the image's).
/// </summary>
public sealed class PushTraffic
{
    public PushTraffic(IReadOnlyList<ProxiedRequest> requests, IEnumerable<string> imageBlobs, IEnumerable<string> tags)
    {
        var blobs = imageBlobs.Select(d => d["sha256:".Length..]).ToHashSet(StringComparer.Ordinal);
        var tagSet = tags.ToHashSet(StringComparer.Ordinal);
        var image = new List<ProxiedRequest>();
        var other = new List<ProxiedRequest>();
        foreach (var request in requests)
        {
            bool? mine = request.Kind switch
            {
                RequestKind.Ping => true,
                RequestKind.BlobHead or RequestKind.BlobGet or RequestKind.BlobMount or RequestKind.UploadPut => NamesBlob(request.Target, blobs),
                RequestKind.UploadPatch => true, // only a layer is large enough to go in chunks
                RequestKind.ManifestHead or RequestKind.ManifestPut or RequestKind.ManifestGet => tagSet.Contains(ManifestReference(request.Target)),
                RequestKind.UploadStart => null,
                _ => false,
            };
            if (mine is null)
            {
                continue;
            }

            (mine.Value ? image : other).Add(request);
        }

        // Upload starts: one per upload of a blob with a body (a PUT of an empty body ends a chunked one).
        var starts = requests.Where(r => r.Kind == RequestKind.UploadStart).ToList();
        var otherUploads = other.Count(r => r.Kind == RequestKind.UploadPut);
        image.AddRange(starts.Skip(otherUploads));
        other.AddRange(starts.Take(otherUploads));
        Image = [.. image.OrderBy(r => r.Sequence)];
        Other = [.. other.OrderBy(r => r.Sequence)];
    }

    /// <summary>The image's own requests, in arrival order.</summary>
    public IReadOnlyList<ProxiedRequest> Image { get; }

    /// <summary>Everything else the push sent (what it attached to the image).</summary>
    public IReadOnlyList<ProxiedRequest> Other { get; }

    public int Count(RequestKind kind) => Image.Count(r => r.Kind == kind);

    /// <summary>Upload body bytes of the image's own blobs.</summary>
    public long UploadedBytes => Image.Where(r => RequestKinds.Uploads.Contains(r.Kind)).Sum(r => r.RequestBodyBytes);

    public override string ToString()
        => "image:\n" + Describe(Image) + "\nother:\n" + Describe(Other);

    private static string Describe(IEnumerable<ProxiedRequest> requests)
        => string.Join("\n", requests.Select(r => $"  {r.Sequence,4} {r.Method,-5} {r.Target[..Math.Min(r.Target.Length, 120)]} {r.RequestBodyBytes} → {r.Status}"));

    private static bool NamesBlob(string target, HashSet<string> blobs)
    {
        var at = target.IndexOf("sha256", StringComparison.Ordinal);
        while (at >= 0)
        {
            var start = target.IndexOf(':', at) is var colon && colon == at + 6 ? colon + 1
                : target.IndexOf("%3A", at, StringComparison.OrdinalIgnoreCase) == at + 6 ? at + 9 : -1;
            if (start > 0 && start + 64 <= target.Length && blobs.Contains(target.Substring(start, 64)))
            {
                return true;
            }

            at = target.IndexOf("sha256", at + 6, StringComparison.Ordinal);
        }

        return false;
    }

    private static string ManifestReference(string target)
    {
        var path = target.Split('?')[0];
        return Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
    }
}
