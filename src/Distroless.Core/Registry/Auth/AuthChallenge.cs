using System.Net.Http.Headers;

namespace Distroless.Registry.Auth;

/// <summary>
/// A WWW-Authenticate challenge: <c>Basic realm="…"</c> or
/// <c>Bearer realm="…",service="…",scope="…"</c> (the Docker token authentication spec).
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    public string? Scope => Parameters.GetValueOrDefault("scope");

    public static AuthChallenge? From(HttpResponseMessage response)
    {
        var header = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            ?? response.Headers.WwwAuthenticate.FirstOrDefault();
        return header is null ? null : Parse(header);
    }

    public static AuthChallenge Parse(AuthenticationHeaderValue header)
        => new(header.Scheme, ParseParameters(header.Parameter ?? ""));

    /// <summary>Comma-separated key=value pairs; values may be quoted and contain commas.</summary>
    public static IReadOnlyDictionary<string, string> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var equals = text.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }

            var key = text[i..equals].Trim();
            i = equals + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new System.Text.StringBuilder();
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    builder.Append(text[i]);
                }

                i++;
                value = builder.ToString();
            }
            else
            {
                var comma = text.IndexOf(',', i);
                var end = comma < 0 ? text.Length : comma;
                value = text[i..end].Trim();
                i = end;
            }

            if (key.Length > 0)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
