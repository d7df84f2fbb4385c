using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Distroless.Debian;

namespace Distroless.Sbom;

/// <summary>
/// The licences a Debian package declares in its machine-readable copyright file
/// (<c>/usr/share/doc/&lt;package&gt;/copyright</c>, copyright-format 1.0, once DEP-5), and the
/// same as an SPDX license expression for SBOMs.
/// </summary>
/// <remarks>
/// <para>
/// Every <c>License</c> synopsis of the header and of each <c>Files</c> paragraph counts, those of
/// <c>debian/*</c> included: the copyright file declares them for the package, and an SBOM that
/// leaves one out would under-declare. Stand-alone <c>License</c> paragraphs only hold texts for
/// names used elsewhere and add nothing.
/// </para>
/// <para>
/// Names map to SPDX identifiers with the format's own rules: names are case-insensitive, a missing
/// version is the lowest one (<c>GPL</c> is GPL-1), trailing <c>.0</c>s do not matter
/// (<c>Apache-2</c> is Apache-2.0), <c>+</c> means "or any later version", <c>Expat</c> is MIT,
/// <c>Artistic</c> is Perl's Artistic 1.0 (base-files says so). "and" binds tighter than "or" unless
/// a comma comes first. A name with no standard SPDX equivalent becomes <c>LicenseRef-&lt;name&gt;</c>.
/// A <c>with &lt;keyword&gt; exception</c> that SPDX lists becomes <c>WITH</c>; one it does not list is
/// dropped, since the format defines an exception as extra permissions on top of the named licence
/// ("in effect a dual-licensed work"), so the licence alone is a true, if stricter, statement.
/// </para>
/// <para>
/// A file that is not in the machine-readable format, or whose synopses do not follow its syntax,
/// gives no expression (null, written as NOASSERTION): guessing licences from prose would declare
/// what nobody checked.
/// </para>
/// </remarks>
public sealed record DebianCopyright
{
    private DebianCopyright(ImmutableArray<string> licenses, string? spdxExpression)
    {
        Licenses = licenses;
        SpdxExpression = spdxExpression;
    }

    /// <summary>The distinct <c>License</c> synopses (first lines) of the header and the <c>Files</c> paragraphs, in file order, as written.</summary>
    public ImmutableArray<string> Licenses { get; }

    /// <summary>
    /// All of <see cref="Licenses"/> combined with AND as one SPDX license expression; null when there
    /// are none or one does not follow the format's syntax.
    /// </summary>
    public string? SpdxExpression { get; }

    /// <summary>Reads a copyright file; null when it is not in the machine-readable format 1.0.</summary>
    public static DebianCopyright? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var synopses = new List<string>();
        var valid = true;
        try
        {
            var first = true;
            foreach (var paragraph in ControlParagraph.ParseAll(text))
            {
                var header = first;
                if (first)
                {
                    first = false;
                    if (!IsFormat10(paragraph["Format"]))
                    {
                        return null;
                    }
                }
                else if (paragraph["Files"] is null)
                {
                    continue; // a stand-alone License paragraph: a text, not a declaration
                }

                if (paragraph["License"] is not { } license)
                {
                    continue;
                }

                var synopsis = license.Split('\n')[0].Trim();
                if (synopsis.Length == 0)
                {
                    // The header's License is optional and some packages (xz-utils) use it, without a
                    // synopsis, for a prose overview; a Files paragraph must name its licence.
                    valid &= header;
                }
                else if (!synopses.Contains(synopsis, StringComparer.Ordinal))
                {
                    synopses.Add(synopsis);
                }
            }

            if (first)
            {
                return null; // empty file
            }
        }
        catch (FormatException)
        {
            // The first line is not "Field: value": prose, not the machine-readable format.
            return null;
        }

        string? expression = null;
        if (valid && synopses.Count > 0)
        {
            var nodes = synopses.Select(ParseSynopsis).ToList();
            expression = nodes.Any(n => n is null) ? null : Node.Combine(isAnd: true, nodes!).Render();
        }

        return new DebianCopyright([.. synopses], expression);
    }

    /// <summary>The SPDX expression of a copyright file's text, or null when unknown (see <see cref="Parse"/>).</summary>
    public static string? SpdxLicenseOf(string text) => Parse(text)?.SpdxExpression;

    /// <summary>
    /// One <c>License</c> synopsis (<c>GPL-2+ or Artistic-2.0, and BSD-3-clause</c>) as an SPDX
    /// license expression, or null when it does not follow the format's syntax.
    /// </summary>
    public static string? ToSpdxExpression(string synopsis)
    {
        ArgumentNullException.ThrowIfNull(synopsis);
        return ParseSynopsis(synopsis)?.Render();
    }

    private static bool IsFormat10(string? format)
    {
        if (format is null)
        {
            return false;
        }

        // The format allows http and https (the same specification) and tools differ on the final '/'.
        var uri = format.Trim().TrimEnd('/');
        return uri is "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0"
            or "http://www.debian.org/doc/packaging-manuals/copyright-format/1.0";
    }

    // synopsis := group (',' ('and'|'or') group)*   (left to right, lowest precedence)
    // group    := all ('or' all)*
    // all      := term ('and' term)*
    // term     := name ['with' keyword 'exception']
    private static Node? ParseSynopsis(string synopsis)
    {
        var tokens = synopsis.Replace(",", " , ", StringComparison.Ordinal)
            .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var position = 0;
        var result = ParseGroup(tokens, ref position);
        while (result is not null && position < tokens.Length && tokens[position] == ",")
        {
            position++;
            var isAnd = Is(tokens, position, "and");
            if (!isAnd && !Is(tokens, position, "or"))
            {
                return null;
            }

            position++;
            var right = ParseGroup(tokens, ref position);
            result = right is null ? null : Node.Combine(isAnd, [result, right]);
        }

        return position == tokens.Length ? result : null;
    }

    private static Node? ParseGroup(string[] tokens, ref int position)
    {
        var alternatives = new List<Node>();
        while (true)
        {
            var all = new List<Node>();
            while (true)
            {
                if (ParseTerm(tokens, ref position) is not { } term)
                {
                    return null;
                }

                all.Add(term);
                if (!Is(tokens, position, "and"))
                {
                    break;
                }

                position++;
            }

            alternatives.Add(Node.Combine(isAnd: true, all));
            if (!Is(tokens, position, "or"))
            {
                return Node.Combine(isAnd: false, alternatives);
            }

            position++;
        }
    }

    private static Node? ParseTerm(string[] tokens, ref int position)
    {
        if (position >= tokens.Length || IsKeyword(tokens[position]))
        {
            return null;
        }

        var name = tokens[position++];
        if (!Is(tokens, position, "with"))
        {
            return MapName(name);
        }

        // "with <keyword> exception": three tokens, the keyword one word.
        if (position + 2 >= tokens.Length)
        {
            return null;
        }

        var keyword = tokens[position + 1];
        if (IsKeyword(keyword) || !Is(tokens, position + 2, "exception"))
        {
            return null;
        }

        position += 3;
        var license = MapName(name);
        return license is Node.Leaf { Id: var id } && !id.StartsWith(LicenseRefPrefix, StringComparison.Ordinal)
            && SpdxLicenseIds.Exception(keyword, id) is { } exception
            ? new Node.Leaf($"{id} WITH {exception}")
            : license;
    }

    private static bool Is(string[] tokens, int position, string keyword)
        => position < tokens.Length && string.Equals(tokens[position], keyword, StringComparison.OrdinalIgnoreCase);

    private static bool IsKeyword(string token)
        => token == "," || token.Equals("and", StringComparison.OrdinalIgnoreCase)
            || token.Equals("or", StringComparison.OrdinalIgnoreCase) || token.Equals("with", StringComparison.OrdinalIgnoreCase);

    internal const string LicenseRefPrefix = "LicenseRef-";

    // Names whose meaning the format (or Debian practice) fixes and a version rule cannot derive.
    private static readonly Dictionary<string, Node> Named = new(StringComparer.OrdinalIgnoreCase)
    {
        ["public-domain"] = new Node.Leaf(LicenseRefPrefix + "public-domain"),
        ["Expat"] = new Node.Leaf("MIT"),
        ["Perl"] = Node.Combine(isAnd: false, [new Node.Leaf("Artistic-1.0-Perl"), new Node.Leaf("GPL-1.0-or-later")]),
        ["CC0"] = new Node.Leaf("CC0-1.0"),
        ["OpenLDAP-2.8"] = new Node.Leaf("OLDAP-2.8"),
    };

    // Families whose SPDX ids end in -only / -or-later, with the version a bare name means.
    private static readonly Dictionary<string, string?> GnuFamilies = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GPL"] = "1", ["LGPL"] = "2", ["AGPL"] = "1", ["GFDL"] = null, ["GFDL-NIV"] = null,
    };

    // Other versioned families: SPDX prefix and the version a bare name means ("lowest version").
    private static readonly Dictionary<string, (string Prefix, string? Default)> Families = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Apache"] = ("Apache", "1"), ["Artistic"] = ("Artistic", "1"), ["CDDL"] = ("CDDL", "1"),
        ["CPL"] = ("CPL", "1"), ["EFL"] = ("EFL", "1"), ["LPPL"] = ("LPPL", "1"), ["MPL"] = ("MPL", "1.1"),
        ["Python"] = ("Python", "2"), ["QPL"] = ("QPL", "1"), ["Zope"] = ("ZPL", null),
        ["CC-BY"] = ("CC-BY", "1"), ["CC-BY-SA"] = ("CC-BY-SA", "1"), ["CC-BY-ND"] = ("CC-BY-ND", "1"),
        ["CC-BY-NC"] = ("CC-BY-NC", "1"), ["CC-BY-NC-SA"] = ("CC-BY-NC-SA", "1"), ["CC-BY-NC-ND"] = ("CC-BY-NC-ND", "1"),
    };

    private static readonly Regex Versioned = new(
        @"^(?<family>[A-Za-z][A-Za-z-]*?)(?:-(?<version>[0-9]+(?:\.[0-9]+)*[a-z]?))?(?<plus>\+)?$",
        RegexOptions.CultureInvariant);

    /// <summary>One Debian licence short name as an SPDX identifier (or, for <c>Perl</c>, an expression).</summary>
    internal static Node MapName(string name)
    {
        if (Named.TryGetValue(name, out var named))
        {
            return named;
        }

        if (SpdxLicenseIds.Find(name) is { } id)
        {
            return new Node.Leaf(id);
        }

        if (Versioned.Match(name) is { Success: true } match && FromFamily(match) is { } versioned)
        {
            return new Node.Leaf(versioned);
        }

        return new Node.Leaf(LicenseRef(name));
    }

    private static string? FromFamily(Match match)
    {
        var family = match.Groups["family"].Value;
        var orLater = match.Groups["plus"].Success;
        var version = match.Groups["version"].Success ? match.Groups["version"].Value : null;
        if (GnuFamilies.TryGetValue(family, out var gnuDefault))
        {
            if ((version ?? gnuDefault) is not { } gnuVersion)
            {
                return null;
            }

            var v = NormalizeVersion(gnuVersion);
            var suffix = orLater ? "or-later" : "only";
            var candidate = family.Equals("GFDL-NIV", StringComparison.OrdinalIgnoreCase)
                ? $"GFDL-{v}-no-invariants-{suffix}"
                : $"{family.ToUpperInvariant()}-{v}-{suffix}";
            return SpdxLicenseIds.Find(candidate);
        }

        string? spdx;
        if (Families.TryGetValue(family, out var known))
        {
            if ((version ?? known.Default) is not { } familyVersion)
            {
                return null;
            }

            var v = NormalizeVersion(familyVersion);
            spdx = known.Prefix == "Artistic" && v == "1.0" ? "Artistic-1.0-Perl" : SpdxLicenseIds.Find($"{known.Prefix}-{v}");
        }
        else
        {
            // Any other SPDX id written the Debian way, e.g. BSL-1 for BSL-1.0.
            spdx = version is null ? null : SpdxLicenseIds.Find($"{family}-{NormalizeVersion(version)}");
        }

        return spdx is null ? null : orLater ? spdx + "+" : spdx;
    }

    // "2" → "2.0", "2.0.0" → "2.0", "2.1" → "2.1", "1.3c" → "1.3c": the format treats trailing
    // zeroes as insignificant and SPDX writes at least major.minor.
    private static string NormalizeVersion(string version)
    {
        var parts = version.Split('.').ToList();
        while (parts.Count > 1 && parts[^1] == "0")
        {
            parts.RemoveAt(parts.Count - 1);
        }

        if (parts.Count == 1)
        {
            parts.Add("0");
        }

        return string.Join('.', parts);
    }

    /// <summary>
    /// <c>LicenseRef-</c> plus the name with every character SPDX does not allow in an id replaced:
    /// '+' by "-plus" (so GPLv3+ and GPLv3 stay apart), anything else by '-'.
    /// </summary>
    internal static string LicenseRef(string name)
    {
        var id = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-')
            {
                id.Append(c);
            }
            else
            {
                id.Append(c == '+' ? "-plus" : "-");
            }
        }

        var text = id.ToString().Trim('-');
        return LicenseRefPrefix + (text.Length == 0 ? "unknown" : text);
    }

    /// <summary>An SPDX license expression tree, rendered with explicit parentheses where operators mix.</summary>
    internal abstract record Node
    {
        public abstract string Render();

        /// <summary>AND (or OR) of the items, nested same-operator items flattened and duplicates dropped.</summary>
        public static Node Combine(bool isAnd, IEnumerable<Node> items)
        {
            var flat = new List<Node>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                foreach (var part in item is Operation op && op.IsAnd == isAnd ? op.Items : [item])
                {
                    if (seen.Add(part.Render()))
                    {
                        flat.Add(part);
                    }
                }
            }

            return flat.Count == 1 ? flat[0] : new Operation(isAnd, [.. flat]);
        }

        public sealed record Leaf(string Id) : Node
        {
            public override string Render() => Id;
        }

        public sealed record Operation(bool IsAnd, ImmutableArray<Node> Items) : Node
        {
            public override string Render() => string.Join(
                IsAnd ? " AND " : " OR ",
                Items.Select(item => item is Operation ? "(" + item.Render() + ")" : item.Render()));
        }
    }
}
