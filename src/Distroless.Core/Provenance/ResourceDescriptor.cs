using System.Collections.Immutable;
using System.Text.Json;
using Distroless.Oci;

namespace Distroless.Provenance;

/// <summary>
/// An in-toto ResourceDescriptor: an artifact a build used, by a URI (a package URL where one
/// exists), its digests (algorithm → hex), a name, and annotations (extra facts, e.g. the
/// signed index a .deb was listed in).
/// </summary>
public sealed record ResourceDescriptor(string Uri)
{
    public ImmutableSortedDictionary<string, string> Digest { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public string? Name { get; init; }

    public ImmutableSortedDictionary<string, string>? Annotations { get; init; }

    /// <summary>A copy with one more annotation.</summary>
    public ResourceDescriptor Annotated(string key, string value)
        => this with { Annotations = (Annotations ?? ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)).SetItem(key, value) };

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("uri", Uri);
        OciJson.WriteMap(w, "digest", Digest);
        if (Name is { } name)
        {
            w.WriteString("name", name);
        }

        OciJson.WriteMap(w, "annotations", Annotations);
        w.WriteEndObject();
    }

    /// <summary>Digests in one map: "sha256" → hex.</summary>
    public static ImmutableSortedDictionary<string, string> Digests(params (string Algorithm, string Hex)[] digests)
        => digests.ToImmutableSortedDictionary(d => d.Algorithm, d => d.Hex, StringComparer.Ordinal);

    /// <summary>
    /// A URI as a provenance may show it: without user info, query or fragment, which can carry
    /// credentials (a mirror as https://user:token@host/debian).
    /// </summary>
    public static string Public(Uri uri) => new UriBuilder(uri) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.AbsoluteUri;
}
