namespace Distroless.Debian;

/// <summary>
/// A Debian package version, <c>[epoch:]upstream[-revision]</c>, ordered exactly as
/// <c>dpkg --compare-versions</c> orders them (Debian Policy §5.6.12): epochs numerically,
/// then upstream and revision by alternating non-digit and digit runs, where '~' sorts
/// before everything, even the end of the string, and letters before other characters.
/// </summary>
public sealed class DebVersion : IComparable<DebVersion>, IEquatable<DebVersion>
{
    private DebVersion(string text, long epoch, string upstream, string revision)
    {
        Text = text;
        Epoch = epoch;
        Upstream = upstream;
        Revision = revision;
    }

    public string Text { get; }

    public long Epoch { get; }

    public string Upstream { get; }

    public string Revision { get; }

    public static DebVersion Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new FormatException("empty Debian version");
        }

        long epoch = 0;
        var rest = trimmed;
        var colon = rest.IndexOf(':');
        if (colon >= 0)
        {
            if (!long.TryParse(rest.AsSpan(0, colon), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out epoch))
            {
                throw new FormatException($"\"{text}\" has a bad epoch");
            }

            rest = rest[(colon + 1)..];
        }

        var dash = rest.LastIndexOf('-');
        var upstream = dash >= 0 ? rest[..dash] : rest;
        var revision = dash >= 0 ? rest[(dash + 1)..] : "";
        if (upstream.Length == 0 || !char.IsAsciiDigit(upstream[0]))
        {
            throw new FormatException($"\"{text}\" has no upstream version starting with a digit");
        }

        if (dash >= 0 && revision.Length == 0)
        {
            throw new FormatException($"\"{text}\" has an empty revision");
        }

        return new DebVersion(trimmed, epoch, upstream, revision);
    }

    public int CompareTo(DebVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Epoch.CompareTo(other.Epoch);
        if (c != 0)
        {
            return c;
        }

        c = ComparePart(Upstream, other.Upstream);
        return c != 0 ? c : ComparePart(Revision, other.Revision);
    }

    public static int Compare(string a, string b) => Parse(a).CompareTo(Parse(b));

    private static int ComparePart(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            // Non-digit run, character by character.
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var ca = i < a.Length && !char.IsAsciiDigit(a[i]) ? Order(a[i]) : 0;
                var cb = j < b.Length && !char.IsAsciiDigit(b[j]) ? Order(b[j]) : 0;
                if (ca != cb)
                {
                    return ca < cb ? -1 : 1;
                }

                i++;
                j++;
            }

            // Digit run, numerically (skip leading zeros, then compare length, then digits).
            while (i < a.Length && a[i] == '0')
            {
                i++;
            }

            while (j < b.Length && b[j] == '0')
            {
                j++;
            }

            var startA = i;
            var startB = j;
            while (i < a.Length && char.IsAsciiDigit(a[i]))
            {
                i++;
            }

            while (j < b.Length && char.IsAsciiDigit(b[j]))
            {
                j++;
            }

            var lengthA = i - startA;
            var lengthB = j - startB;
            if (lengthA != lengthB)
            {
                return lengthA < lengthB ? -1 : 1;
            }

            var digits = string.CompareOrdinal(a, startA, b, startB, lengthA);
            if (digits != 0)
            {
                return digits < 0 ? -1 : 1;
            }
        }

        return 0;
    }

    // dpkg's order(): '~' before the end, the end before letters, letters before the rest.
    private static int Order(char c) => c switch
    {
        '~' => -1,
        _ when char.IsAsciiLetter(c) => c,
        _ => c + 256,
    };

    public bool Equals(DebVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is DebVersion other && Equals(other);

    // Versions that compare equal can differ in text ("1.0" and "1.00"), so only the epoch is hashed.
    public override int GetHashCode() => Epoch.GetHashCode();

    public override string ToString() => Text;

    public static bool operator <(DebVersion a, DebVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(DebVersion a, DebVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(DebVersion a, DebVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(DebVersion a, DebVersion b) => a.CompareTo(b) >= 0;
}
