namespace Distroless.Debian;

/// <summary>One "deb" source of the build machine's apt configuration.</summary>
public sealed record AptSource(Uri Uri, IReadOnlyList<string> Suites);

/// <summary>
/// Reads apt's source lists (one-line <c>sources.list</c> and deb822 <c>*.sources</c>) so a
/// build can use the Debian mirror the machine already uses when none is configured.
/// </summary>
public static class AptSources
{
    /// <summary>Every deb (binary) source under <paramref name="aptDirectory"/> (usually /etc/apt).</summary>
    public static IReadOnlyList<AptSource> Read(string aptDirectory)
    {
        var sources = new List<AptSource>();
        var list = Path.Combine(aptDirectory, "sources.list");
        if (File.Exists(list))
        {
            sources.AddRange(ReadOrSkip(list, ParseOneLine));
        }

        var directory = Path.Combine(aptDirectory, "sources.list.d");
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            {
                if (file.EndsWith(".list", StringComparison.Ordinal))
                {
                    sources.AddRange(ReadOrSkip(file, ParseOneLine));
                }
                else if (file.EndsWith(".sources", StringComparison.Ordinal))
                {
                    sources.AddRange(ReadOrSkip(file, ParseDeb822));
                }
            }
        }

        return sources;
    }

    /// <summary>
    /// The archive roots for a release: the source that carries <c>&lt;codename&gt;</c> or
    /// <c>&lt;codename&gt;-updates</c>, and the one that carries <c>&lt;codename&gt;-security</c>.
    /// Falls back to any Debian release's sources, since one mirror serves every release.
    /// </summary>
    public static (Uri? Main, Uri? Security) FindMirrors(IReadOnlyList<AptSource> sources, string codename)
    {
        static bool IsSecurity(string suite) => suite.EndsWith("-security", StringComparison.Ordinal) || suite.EndsWith("/updates", StringComparison.Ordinal);
        static bool IsDebianRelease(string suite) => KnownCodenames.Contains(suite.Split('-', '/')[0]);

        // Only what an HTTP client can fetch: Debian's cloud images list mirror+file:, and
        // file:, cdrom: or tor+http: sources are no archive root this build could use.
        sources = sources.Where(s => s.Uri.Scheme == Uri.UriSchemeHttp || s.Uri.Scheme == Uri.UriSchemeHttps).ToList();
        var main = sources.FirstOrDefault(s => s.Suites.Any(x => x == codename || x == codename + "-updates"))
            ?? sources.FirstOrDefault(s => s.Suites.Any(x => IsDebianRelease(x) && !IsSecurity(x)));
        var security = sources.FirstOrDefault(s => s.Suites.Contains(codename + "-security"))
            ?? sources.FirstOrDefault(s => s.Suites.Any(x => IsDebianRelease(x) && IsSecurity(x)));
        return (main?.Uri, security?.Uri);
    }

    private static readonly HashSet<string> KnownCodenames = new(StringComparer.Ordinal)
    {
        "buster", "bullseye", "bookworm", "trixie", "forky", "duke", "sid", "stable", "oldstable", "testing", "unstable",
    };

    /// <summary>
    /// apt's sources are only a fallback for finding a mirror: a file we cannot parse is passed
    /// over (apt itself reports it), and if no usable source remains, DSTL1001 says what to set.
    /// </summary>
    private static List<AptSource> ReadOrSkip(string path, Func<string, IEnumerable<AptSource>> parse)
    {
        try
        {
            return parse(File.ReadAllText(path)).ToList();
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public static IEnumerable<AptSource> ParseOneLine(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            if (!line.StartsWith("deb ", StringComparison.Ordinal) && !line.StartsWith("deb\t", StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[3..].Trim();
            if (rest.StartsWith('['))
            {
                var close = rest.IndexOf(']');
                rest = close < 0 ? "" : rest[(close + 1)..].Trim();
            }

            var parts = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && Uri.TryCreate(parts[0], UriKind.Absolute, out var uri))
            {
                yield return new AptSource(uri, [parts[1]]);
            }
        }
    }

    public static IEnumerable<AptSource> ParseDeb822(string text)
    {
        foreach (var paragraph in ControlParagraph.ParseAll(text))
        {
            if (string.Equals(paragraph["Enabled"], "no", StringComparison.OrdinalIgnoreCase)
                || !(paragraph["Types"] ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Contains("deb"))
            {
                continue;
            }

            var suites = (paragraph["Suites"] ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            foreach (var uriText in (paragraph["URIs"] ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (Uri.TryCreate(uriText, UriKind.Absolute, out var uri))
                {
                    yield return new AptSource(uri, suites);
                }
            }
        }
    }
}
