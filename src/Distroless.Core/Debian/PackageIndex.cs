using System.Text;

namespace Distroless.Debian;

/// <summary>
/// A Packages index of one suite. Construction only records where each stanza starts and
/// which package it names (one vectorized scan over ~50 MB); stanzas are parsed on demand,
/// because a base needs a dozen of the ~64,000 packages.
/// </summary>
public sealed class PackageIndex
{
    private readonly byte[] _data;
    private readonly Dictionary<string, List<Range>> _byName;
    private Dictionary<string, List<Range>>? _byProvides;

    private PackageIndex(byte[] data, Dictionary<string, List<Range>> byName, ArchiveSuite origin)
    {
        _data = data;
        _byName = byName;
        Origin = origin;
    }

    public ArchiveSuite Origin { get; }

    public int Count => _byName.Values.Sum(l => l.Count);

    public static PackageIndex Parse(byte[] data, ArchiveSuite origin)
    {
        var byName = new Dictionary<string, List<Range>>(StringComparer.Ordinal);
        foreach (var stanza in Stanzas(data))
        {
            var name = FieldValue(data.AsSpan(stanza), "Package"u8);
            if (name is null)
            {
                throw new FormatException($"a stanza at byte {stanza.Start.Value} of the index has no Package field");
            }

            if (!byName.TryGetValue(name, out var list))
            {
                byName[name] = list = [];
            }

            list.Add(stanza);
        }

        return new PackageIndex(data, byName, origin);
    }

    /// <summary>Every version of <paramref name="name"/> this index lists.</summary>
    public IReadOnlyList<PackageRecord> Find(string name)
        => _byName.TryGetValue(name, out var list) ? list.Select(Record).ToList() : [];

    /// <summary>Every package whose Provides field names <paramref name="virtualName"/>.</summary>
    public IReadOnlyList<PackageRecord> FindProviders(string virtualName)
    {
        _byProvides ??= IndexProvides();
        return _byProvides.TryGetValue(virtualName, out var list) ? list.Select(Record).ToList() : [];
    }

    public IEnumerable<string> PackageNames => _byName.Keys;

    private PackageRecord Record(Range stanza)
    {
        var text = Encoding.UTF8.GetString(_data.AsSpan(stanza));
        return PackageRecord.FromParagraph(ControlParagraph.Parse(text), Origin);
    }

    private Dictionary<string, List<Range>> IndexProvides()
    {
        var result = new Dictionary<string, List<Range>>(StringComparer.Ordinal);
        foreach (var ranges in _byName.Values)
        {
            foreach (var stanza in ranges)
            {
                var provides = FieldValue(_data.AsSpan(stanza), "Provides"u8);
                if (provides is null)
                {
                    continue;
                }

                foreach (var relation in PackageRelation.ParseList(provides))
                {
                    var name = relation.Alternatives[0].Name;
                    if (!result.TryGetValue(name, out var list))
                    {
                        result[name] = list = [];
                    }

                    list.Add(stanza);
                }
            }
        }

        return result;
    }

    private static IEnumerable<Range> Stanzas(byte[] data)
    {
        var start = 0;
        while (start < data.Length)
        {
            // Skip blank lines between stanzas.
            while (start < data.Length && (data[start] == (byte)'\n' || data[start] == (byte)'\r'))
            {
                start++;
            }

            if (start >= data.Length)
            {
                yield break;
            }

            var length = data.AsSpan(start).IndexOf("\n\n"u8);
            var end = length < 0 ? data.Length : start + length + 1;
            yield return new Range(start, end);
            start = end;
        }
    }

    /// <summary>The single-line value of a field in a stanza, or null.</summary>
    private static string? FieldValue(ReadOnlySpan<byte> stanza, ReadOnlySpan<byte> field)
    {
        var offset = 0;
        while (offset < stanza.Length)
        {
            var line = stanza[offset..];
            var newline = line.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = line[..newline];
            }

            if (line.Length > field.Length && line[field.Length] == (byte)':' && line.StartsWith(field))
            {
                return Encoding.UTF8.GetString(line[(field.Length + 1)..]).Trim();
            }

            if (newline < 0)
            {
                break;
            }

            offset += newline + 1;
        }

        return null;
    }
}
