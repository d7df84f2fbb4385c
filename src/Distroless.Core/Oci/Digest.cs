using System.Security.Cryptography;

namespace Distroless.Oci;

/// <summary>
/// A content digest, <c>sha256:&lt;64 lowercase hex&gt;</c>. Never carried as a bare string, so a
/// digest that exists is a valid one.
/// </summary>
public readonly record struct Digest
{
    private const string Prefix = "sha256:";

    private Digest(string hex) => Hex = hex;

    /// <summary>The 64 lowercase hex characters of the SHA-256.</summary>
    public string Hex { get; }

    public string Algorithm => "sha256";

    public static Digest Parse(string value)
        => TryParse(value, out var digest) ? digest : throw new FormatException($"\"{value}\" is not a sha256 digest");

    public static bool TryParse(string? value, out Digest digest)
    {
        digest = default;
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // The OCI grammar allows only lowercase hex after "sha256:".
        var hex = value[Prefix.Length..];
        return hex.All(c => !char.IsAsciiLetterUpper(c)) && TryFromHex(hex, out digest);
    }

    /// <summary>Accepts the hex part alone, as Debian indexes write it (case-insensitive).</summary>
    public static bool TryFromHex(string? hex, out Digest digest)
    {
        digest = default;
        if (hex is null || hex.Length != 64)
        {
            return false;
        }

        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        digest = new Digest(hex.ToLowerInvariant());
        return true;
    }

    public static Digest FromHex(string hex)
        => TryFromHex(hex, out var digest) ? digest : throw new FormatException($"\"{hex}\" is not a SHA-256 hex string");

    public static Digest FromHash(ReadOnlySpan<byte> sha256)
        => new(Convert.ToHexString(sha256).ToLowerInvariant());

    public static Digest Compute(ReadOnlySpan<byte> content) => FromHash(SHA256.HashData(content));

    public static Digest Compute(Stream content) => FromHash(SHA256.HashData(content));

    public static async Task<Digest> ComputeAsync(Stream content, CancellationToken ct = default)
        => FromHash(await SHA256.HashDataAsync(content, ct).ConfigureAwait(false));

    public override string ToString() => Hex is null ? "" : Prefix + Hex;

    /// <summary>First 12 hex characters, as short image IDs are printed.</summary>
    public string Short => Hex[..12];
}
