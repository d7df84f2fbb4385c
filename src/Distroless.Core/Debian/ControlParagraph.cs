namespace Distroless.Debian;

/// <summary>
/// One deb822 paragraph (a control file, a Packages stanza, a Release file): fields in their
/// original order, looked up case-insensitively. Continuation lines are joined with '\n',
/// each without its leading whitespace.
/// </summary>
public sealed class ControlParagraph
{
    private readonly List<KeyValuePair<string, string>> _fields;

    private ControlParagraph(List<KeyValuePair<string, string>> fields) => _fields = fields;

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in _fields)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            return null;
        }
    }

    public string Required(string name)
        => this[name] ?? throw new FormatException($"the field \"{name}\" is missing");

    public static ControlParagraph Parse(ReadOnlySpan<char> text)
    {
        var fields = new List<KeyValuePair<string, string>>();
        string? name = null;
        var value = new System.Text.StringBuilder();
        foreach (var rawLine in text.EnumerateLines())
        {
            var line = rawLine.TrimEnd('\r');
            if (line.IsEmpty)
            {
                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                if (name is null)
                {
                    throw new FormatException("a continuation line comes before any field");
                }

                value.Append('\n').Append(line.Trim());
                continue;
            }

            if (line[0] == '#')
            {
                continue;
            }

            if (name is not null)
            {
                fields.Add(new(name, value.ToString()));
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"\"{line}\" is not a \"Field: value\" line");
            }

            name = line[..colon].ToString();
            value.Clear().Append(line[(colon + 1)..].Trim());
        }

        if (name is not null)
        {
            fields.Add(new(name, value.ToString()));
        }

        return new ControlParagraph(fields);
    }

    /// <summary>Splits text into paragraphs at blank lines.</summary>
    public static IEnumerable<ControlParagraph> ParseAll(string text)
    {
        // A line that is empty or holds only whitespace ends a paragraph (deb822).
        var block = new System.Text.StringBuilder();
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                if (block.Length > 0)
                {
                    yield return Parse(block.ToString());
                    block.Clear();
                }

                continue;
            }

            block.Append(line).Append('\n');
        }

        if (block.Length > 0)
        {
            yield return Parse(block.ToString());
        }
    }
}
