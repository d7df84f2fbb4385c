using System.Text;

namespace Distroless.Sbom;

/// <summary>
/// Builds canonical package URLs (purl, ECMA-427) for the package types an image holds. Scanners
/// match vulnerabilities by purl, so the encoding follows the specification exactly: '+' in a
/// Debian version becomes %2B (a '+' could be read back as a space), '~' and ':' stay as they are,
/// qualifiers are sorted by key.
/// </summary>
public static class PackageUrl
{
    /// <summary>
    /// <c>pkg:deb/debian/&lt;name&gt;@&lt;version&gt;?arch=…&amp;distro=debian-&lt;n&gt;</c>, plus
    /// <c>upstream=&lt;source&gt;[@&lt;version&gt;]</c> when the source package differs from the
    /// binary (Syft's qualifier, which Grype uses to match Debian's per-source security data).
    /// </summary>
    public static string Debian(DebianPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var qualifiers = new List<KeyValuePair<string, string>>
        {
            new("arch", package.Architecture),
            new("distro", "debian-" + package.DistributionVersion),
        };
        var upstream = package.SourceName == package.Name ? null : package.SourceName;
        if (package.SourceVersion != package.Version)
        {
            upstream = package.SourceName + "@" + package.SourceVersion;
        }

        if (upstream is not null)
        {
            qualifiers.Add(new("upstream", upstream));
        }

        return Build("deb", "debian", package.Name.ToLowerInvariant(), package.Version, qualifiers);
    }

    /// <summary><c>pkg:nuget/&lt;id&gt;@&lt;version&gt;</c>, the id's case kept (NuGet ids are case-preserving).</summary>
    public static string NuGet(string id, string version) => Build("nuget", null, id, version, []);

    /// <summary>The runtime pack the framework came from, as a NuGet package URL.</summary>
    public static string Runtime(DotnetRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return NuGet(runtime.PackId, runtime.Version);
    }

    /// <summary>
    /// <c>pkg:oci/&lt;last name segment&gt;@sha256:&lt;hex&gt;?arch=…[&amp;repository_url=…][&amp;tag=…]</c>:
    /// registry-agnostic unless the image's name starts with a registry host.
    /// </summary>
    public static string Image(ImageInfo image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var name = image.Name.TrimEnd('/');
        var lastSlash = name.LastIndexOf('/');
        var qualifiers = new List<KeyValuePair<string, string>> { new("arch", image.Platform.Architecture) };
        if (HasRegistry(name))
        {
            qualifiers.Add(new("repository_url", name));
        }

        if (!string.IsNullOrEmpty(image.Tag))
        {
            qualifiers.Add(new("tag", image.Tag));
        }

        return Build("oci", null, name[(lastSlash + 1)..].ToLowerInvariant(), image.ManifestDigest.ToString(), qualifiers);
    }

    /// <summary>
    /// Percent-encodes a purl component: everything but ASCII letters, digits, '.', '-', '_', '~'
    /// and ':' becomes %XX of its UTF-8 bytes (upper-case hex, as RFC 3986 recommends).
    /// </summary>
    public static string Encode(string component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var result = new StringBuilder(component.Length);
        foreach (var b in Encoding.UTF8.GetBytes(component))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or ':')
            {
                result.Append(c);
            }
            else
            {
                result.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return result.ToString();
    }

    // A reference's first segment is a registry when it has a '.' or a ':' or is localhost (the
    // rule docker and the distribution reference grammar use).
    private static bool HasRegistry(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return false;
        }

        var first = name[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost";
    }

    private static string Build(string type, string? @namespace, string name, string version, List<KeyValuePair<string, string>> qualifiers)
    {
        var purl = new StringBuilder("pkg:").Append(type).Append('/');
        if (@namespace is not null)
        {
            purl.Append(Encode(@namespace)).Append('/');
        }

        purl.Append(Encode(name)).Append('@').Append(Encode(version));
        var separator = '?';
        foreach (var (key, value) in qualifiers.Where(q => q.Value.Length > 0).OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            purl.Append(separator).Append(key).Append('=').Append(Encode(value));
            separator = '&';
        }

        return purl.ToString();
    }
}
