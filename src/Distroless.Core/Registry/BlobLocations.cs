using System.Text;
using Distroless.Caching;
using Distroless.Oci;

namespace Distroless.Registry;

/// <summary>
/// Remembers, per registry, a repository that holds each blob (from pushes and pulls), so a
/// push to another repository of the same registry can mount the blob instead of uploading it.
/// </summary>
public sealed class BlobLocations(BlobCache cache, string registry)
{
    private const string Kind = "registry-blob-locations";
    private readonly string _registryKey = Digest.Compute(Encoding.UTF8.GetBytes(registry)).Hex[..16];

    public string? Find(Digest digest)
        => cache.TryReadRecord<string>(Kind, Key(digest), out var repository) ? repository : null;

    public void Remember(Digest digest, string repository)
    {
        if (Find(digest) != repository)
        {
            cache.WriteRecord(Kind, Key(digest), repository);
        }
    }

    private string Key(Digest digest) => _registryKey + "-" + digest.Hex;
}
