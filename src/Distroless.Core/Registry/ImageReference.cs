using System.Text.RegularExpressions;
using Distroless.Diagnostics;
using Distroless.Oci;

namespace Distroless.Registry;

/// <summary>
/// A normalized image reference, <c>registry/repository[:tag][@digest]</c>, parsed by the rules
/// docker and podman share: the first path component is a registry when it contains '.' or ':'
/// or is "localhost"; otherwise the registry is Docker Hub, where one-component names live
/// under "library/". Names must be lowercase; tags follow the distribution grammar.
/// </summary>
public sealed partial record ImageReference
{
    public const string DockerHub = "docker.io";

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>Registry host[:port] as written (docker.io for Docker Hub).</summary>
    public string Registry { get; }

    public string Repository { get; }

    public string? Tag { get; }

    public Digest? Digest { get; }

    /// <summary>The host that serves the registry API (Docker Hub's differs from its name).</summary>
    public string ApiHost => Registry == DockerHub ? "registry-1.docker.io" : Registry;

    /// <summary>What a manifest request names: the digest when pinned, else the tag (latest by default).</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? "latest";

    public ImageReference WithTag(string tag) => Create(Registry, Repository, tag, null);

    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, Tag, digest);

    public override string ToString()
        => $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is { } d ? "@" + d : "")}";

    /// <summary>Parses a full reference such as registry.example/org/app:1.0 or nginx@sha256:….</summary>
    public static ImageReference Parse(string text, string property = "ContainerBaseImage")
    {
        var value = text.Trim();
        Digest? digest = null;
        var at = value.IndexOf('@');
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(value[(at + 1)..], out var parsed))
            {
                throw Errors.InvalidImageReference(text, property, "the part after '@' is not a sha256:<64 lowercase hex> digest");
            }

            digest = parsed;
            value = value[..at];
        }

        string? tag = null;
        var lastSlash = value.LastIndexOf('/');
        var colon = value.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = value[(colon + 1)..];
            value = value[..colon];
        }

        var slash = value.IndexOf('/');
        var first = slash < 0 ? "" : value[..slash];
        string registry, repository;
        if (slash >= 0 && (first.Contains('.') || first.Contains(':') || first == "localhost"))
        {
            registry = first;
            repository = value[(slash + 1)..];
        }
        else
        {
            registry = DockerHub;
            repository = value;
        }

        if (registry is "index.docker.io" or "registry-1.docker.io")
        {
            registry = DockerHub;
        }

        if (registry == DockerHub && !repository.Contains('/'))
        {
            repository = "library/" + repository;
        }

        return Create(registry, repository, tag, digest, text, property);
    }

    /// <summary>Builds a reference from its parts (MSBuild's ContainerRegistry/ContainerRepository/tag).</summary>
    public static ImageReference Create(string registry, string repository, string? tag, Digest? digest = null,
        string? original = null, string property = "ContainerRepository")
    {
        var text = original ?? $"{registry}/{repository}:{tag}";
        if (!RegistryPattern().IsMatch(registry))
        {
            throw Errors.InvalidImageReference(text, property == "ContainerRepository" ? "ContainerRegistry" : property,
                $"\"{registry}\" is not a registry host[:port]");
        }

        if (!RepositoryPattern().IsMatch(repository))
        {
            throw Errors.InvalidImageReference(text, property,
                $"\"{repository}\" is not a repository name: lowercase letters, digits and separators (., _, __, -) in '/'-separated components");
        }

        if (tag is not null && !TagPattern().IsMatch(tag))
        {
            throw Errors.InvalidImageReference(text, property == "ContainerRepository" ? "ContainerImageTags" : property,
                $"\"{tag}\" is not a tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
        }

        return new ImageReference(registry, repository, tag, digest);
    }

    [GeneratedRegex(@"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$")]
    private static partial Regex RegistryPattern();

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$")]
    private static partial Regex TagPattern();
}
