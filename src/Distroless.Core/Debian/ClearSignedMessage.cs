using System.Text;

namespace Distroless.Debian;

/// <summary>
/// An OpenPGP clear-signed message (RFC 4880 §7), split into the text as it was signed and the
/// armored signature. Parsed by hand rather than through BouncyCastle's ArmoredInputStream,
/// whose clear-text mode hands back the line end before the signature armour and the first
/// '-' of it, neither of which is signed.
/// </summary>
public sealed class ClearSignedMessage
{
    private const string Begin = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string SignatureBegin = "-----BEGIN PGP SIGNATURE-----";
    private const string SignatureEnd = "-----END PGP SIGNATURE-----";

    private ClearSignedMessage(IReadOnlyList<string> lines, string armoredSignature)
    {
        Lines = lines;
        ArmoredSignature = armoredSignature;
    }

    /// <summary>The message lines, dash-escaping removed, without line ends.</summary>
    public IReadOnlyList<string> Lines { get; }

    public string ArmoredSignature { get; }

    /// <summary>
    /// The bytes a text signature covers: trailing spaces and tabs removed from every line,
    /// lines joined with CRLF, no line end after the last one.
    /// </summary>
    public byte[] SignedBytes()
        => Encoding.UTF8.GetBytes(string.Join("\r\n", Lines.Select(l => l.TrimEnd(' ', '\t'))));

    /// <summary>The message as a document to parse, with '\n' line ends.</summary>
    public string Text => string.Join("\n", Lines) + "\n";

    public static ClearSignedMessage Parse(string content)
    {
        var lines = content.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var i = 0;
        while (i < lines.Length && lines[i].Trim().Length == 0)
        {
            i++;
        }

        if (i >= lines.Length || lines[i].TrimEnd() != Begin)
        {
            throw new FormatException("the file is not an OpenPGP clear-signed message");
        }

        // Armor headers ("Hash: SHA256") end at the first empty line.
        i++;
        while (i < lines.Length && lines[i].Trim().Length > 0)
        {
            if (!lines[i].StartsWith("Hash:", StringComparison.Ordinal))
            {
                throw new FormatException($"unexpected armor header \"{lines[i]}\"");
            }

            i++;
        }

        i++;
        var body = new List<string>();
        for (; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimEnd() == SignatureBegin)
            {
                break;
            }

            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                body.Add(line[2..]);
            }
            else if (line.StartsWith('-'))
            {
                // An unescaped dash line inside the text is a second armour or a forgery attempt.
                throw new FormatException($"unexpected armour line \"{line}\" in the signed text");
            }
            else
            {
                body.Add(line);
            }
        }

        if (i >= lines.Length)
        {
            throw new FormatException("the clear-signed message has no signature");
        }

        var signature = new StringBuilder();
        for (; i < lines.Length; i++)
        {
            signature.Append(lines[i]).Append('\n');
            if (lines[i].TrimEnd() == SignatureEnd)
            {
                break;
            }
        }

        if (i >= lines.Length)
        {
            throw new FormatException("the signature armour is not terminated");
        }

        // Nothing but whitespace may follow: unsigned trailing data must not be mistaken for content.
        for (i++; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length > 0)
            {
                throw new FormatException("data follows the signature");
            }
        }

        return new ClearSignedMessage(body, signature.ToString());
    }
}
