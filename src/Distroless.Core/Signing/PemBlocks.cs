using System.Security.Cryptography;

namespace Distroless.Signing;

/// <summary>The PEM blocks (RFC 7468) of a text: each label with its decoded DER, in order; unreadable blocks are skipped.</summary>
internal static class PemBlocks
{
    public static IEnumerable<(string Label, byte[] Der)> Read(string text)
    {
        var rest = text.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var span = rest.Span;
            var label = span[fields.Label].ToString();
            var der = new byte[fields.DecodedDataLength];
            var decoded = Convert.TryFromBase64Chars(span[fields.Base64Data], der, out var written) && written == der.Length;
            rest = rest[fields.Location.End..];
            if (decoded)
            {
                yield return (label, der);
            }
        }
    }

    /// <summary>
    /// Whether the text has a pre-PKCS#8 encrypted block (OpenSSL's "Proc-Type: 4,ENCRYPTED"
    /// headers), which RFC 7468 readers do not accept.
    /// </summary>
    public static bool HasLegacyEncryption(string text) => text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal);
}
