using System.Collections.Immutable;
using System.Globalization;
using Distroless.Oci;

namespace Distroless.Debian;

/// <summary>The verified body of an InRelease file: what the suite is and the SHA-256 of every index.</summary>
public sealed record ReleaseFile
{
    public string? Suite { get; init; }
    public string? Codename { get; init; }
    public DateTimeOffset? Date { get; init; }
    public DateTimeOffset? ValidUntil { get; init; }
    public bool AcquireByHash { get; init; }
    public ImmutableArray<string> Architectures { get; init; } = [];
    public ImmutableArray<string> Components { get; init; } = [];

    /// <summary>Relative path (e.g. main/binary-amd64/Packages.xz) → size and SHA-256.</summary>
    public ImmutableDictionary<string, (long Size, Digest Sha256)> Files { get; init; }
        = ImmutableDictionary<string, (long, Digest)>.Empty;

    public static ReleaseFile Parse(string body)
    {
        var p = ControlParagraph.Parse(body);
        var files = ImmutableDictionary.CreateBuilder<string, (long, Digest)>(StringComparer.Ordinal);
        foreach (var line in (p["SHA256"] ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || !Digest.TryFromHex(parts[0], out var digest)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                throw new FormatException($"bad SHA256 line \"{line}\"");
            }

            files[parts[2]] = (size, digest);
        }

        return new ReleaseFile
        {
            Suite = p["Suite"],
            Codename = p["Codename"],
            Date = ParseDate(p["Date"]),
            ValidUntil = ParseDate(p["Valid-Until"]),
            AcquireByHash = string.Equals(p["Acquire-By-Hash"], "yes", StringComparison.OrdinalIgnoreCase),
            Architectures = Words(p["Architectures"]),
            Components = Words(p["Components"]),
            Files = files.ToImmutable(),
        };
    }

    private static ImmutableArray<string> Words(string? value)
        => (value ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToImmutableArray();

    /// <summary>Release dates are RFC 2822 in UTC: "Sat, 11 Jul 2026 10:16:37 UTC".</summary>
    private static DateTimeOffset? ParseDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        foreach (var zone in new[] { " UTC", " GMT", " +0000" })
        {
            if (text.EndsWith(zone, StringComparison.Ordinal))
            {
                text = text[..^zone.Length];
                break;
            }
        }

        string[] formats = ["ddd, dd MMM yyyy HH:mm:ss", "ddd, d MMM yyyy HH:mm:ss"];
        return DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : throw new FormatException($"bad Release date \"{value}\"");
    }
}
