using Distroless.Oci;

namespace Distroless.Testing.Registry;

/// <summary>
/// What the registry holds: blobs per repository, manifests by digest, tags. Tests seed it
/// directly (a base image to pull; a blob stored under a digest it does not have, to test
/// verification) and read it back after a push.
/// </summary>
public sealed partial class InMemoryRegistry
{
    public Digest AddBlob(string repository, byte[] content)
    {
        var digest = Digest.Compute(content);
        AddBlob(repository, digest, content);
        return digest;
    }

    /// <summary>Stores <paramref name="content"/> as <paramref name="digest"/>, whether or not that is its digest.</summary>
    public void AddBlob(string repository, Digest digest, byte[] content)
    {
        lock (_lock)
        {
            _blobs[digest] = content;
            RepositoryBlobs(repository).Add(digest);
        }
    }

    public bool HasBlob(string repository, Digest digest)
    {
        lock (_lock)
        {
            return HasBlobLocked(repository, digest);
        }
    }

    /// <summary>Unlinks a blob from one repository (other repositories keep it).</summary>
    public void RemoveBlob(string repository, Digest digest)
    {
        lock (_lock)
        {
            RepositoryBlobs(repository).Remove(digest);
        }
    }

    public byte[]? BlobContent(Digest digest)
    {
        lock (_lock)
        {
            return _blobs.GetValueOrDefault(digest);
        }
    }

    public Digest AddManifest(string repository, byte[] content, string mediaType, params string[] tags)
    {
        var digest = Digest.Compute(content);
        AddManifest(repository, digest, content, mediaType, tags);
        return digest;
    }

    /// <summary>Stores a manifest as <paramref name="digest"/>, whether or not that is its digest.</summary>
    public void AddManifest(string repository, Digest digest, byte[] content, string mediaType, params string[] tags)
    {
        lock (_lock)
        {
            StoreManifestLocked(repository, digest, content, mediaType, tags);
        }
    }

    /// <summary>Stores an image's layers, config and manifest; returns the manifest digest.</summary>
    public Digest AddImage(string repository, TestImage image, params string[] tags)
    {
        foreach (var layer in image.Layers)
        {
            AddBlob(repository, layer);
        }

        AddBlob(repository, image.Config);
        return AddManifest(repository, image.Manifest, image.MediaType, tags);
    }

    /// <summary>Stores the images and an index (or Docker manifest list) of them; returns the index digest.</summary>
    public Digest AddIndex(string repository, IReadOnlyList<TestImage> images, bool docker = false, params string[] tags)
    {
        foreach (var image in images)
        {
            AddImage(repository, image);
        }

        var (content, mediaType) = TestImage.Index(images, docker);
        return AddManifest(repository, content, mediaType, tags);
    }

    /// <summary>The digest a tag or digest reference resolves to in a repository, or null.</summary>
    public Digest? Resolve(string repository, string reference)
    {
        lock (_lock)
        {
            return ResolveLocked(repository, reference);
        }
    }

    public (byte[] Content, string MediaType)? Manifest(Digest digest)
    {
        lock (_lock)
        {
            return _manifests.TryGetValue(digest, out var manifest) ? manifest : null;
        }
    }

    public IReadOnlyList<string> Tags(string repository)
    {
        lock (_lock)
        {
            return _references.TryGetValue(repository, out var references)
                ? references.Keys.Where(k => !Digest.TryParse(k, out _)).Order(StringComparer.Ordinal).ToList()
                : [];
        }
    }

    private HashSet<Digest> RepositoryBlobs(string repository)
    {
        if (!_repositoryBlobs.TryGetValue(repository, out var blobs))
        {
            _repositoryBlobs[repository] = blobs = [];
        }

        return blobs;
    }

    private bool HasBlobLocked(string repository, Digest digest)
        => _repositoryBlobs.TryGetValue(repository, out var blobs) && blobs.Contains(digest) && _blobs.ContainsKey(digest);

    private Digest? ResolveLocked(string repository, string reference)
        => _references.TryGetValue(repository, out var references) && references.TryGetValue(reference, out var digest) ? digest : null;

    private void StoreManifestLocked(string repository, Digest digest, byte[] content, string mediaType, IEnumerable<string> tags)
    {
        _manifests[digest] = (content, mediaType);
        if (!_references.TryGetValue(repository, out var references))
        {
            _references[repository] = references = new Dictionary<string, Digest>(StringComparer.Ordinal);
        }

        references[digest.ToString()] = digest;
        foreach (var tag in tags)
        {
            references[tag] = digest;
        }
    }
}
