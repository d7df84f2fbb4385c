using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text;
using Distroless.Diagnostics;

namespace Distroless.Building;

/// <summary>
/// The text form of <see cref="ProjectInputs"/> (obj/…/distroless.inputs.tsv), shaped so that
/// MSBuild's own WriteLinesToFile can write it: Visual Studio's .NET Framework MSBuild cannot
/// load the task, so the targets write this file and run `distroless build --project-inputs`.
/// </summary>
/// <remarks>
/// One line per value, tab-separated, the value always last so that tabs inside it need no escape:
/// <code>
/// P	Input	value              a property input
/// I	Input	spec               an item of an item-list input, in order
/// M	Input	Name	value        metadata: the k-th M line of (Input, Name) belongs to the k-th I line of Input
/// </code>
/// Metadata goes on lines of its own because MSBuild cannot escape a value before a transform
/// puts it into a line, only the whole line after; so each line carries one value and a
/// transform per metadata name keeps the items' order. Fields escape exactly four characters,
/// which the targets replace on the whole line: '%' as %25, '\' as %5C (MSBuild on Unix turns
/// backslashes in item specs into slashes), CR as %0D and LF as %0A. Blank lines and lines
/// starting with '#' are comments. Names are the inputs' names (<see cref="ProjectInputs"/>: the
/// project's own property and item names), the same list the task gets as items.
/// </remarks>
public static class ProjectInputsFile
{
    public static ProjectInputs Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Malformed(path, 0, e is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : e.Message, e);
        }

        return Parse(lines, path);
    }

    /// <summary>Reads the lines of an inputs file; <paramref name="source"/> names it in errors.</summary>
    public static ProjectInputs Parse(IReadOnlyList<string> lines, string source)
    {
        var properties = new List<(string Name, string Value)>();
        var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var items = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var metadata = new Dictionary<(string List, string Name), List<string>>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split('\t', line.StartsWith("M\t", StringComparison.Ordinal) ? 4 : 3);
            string Field(int index) => Decode(fields[index], source, i + 1);
            switch (fields[0])
            {
                case "P" when fields.Length == 3:
                    var name = Input(Field(1), list: false, source, i + 1);
                    if (!given.Add(name))
                    {
                        throw Malformed(source, i + 1, $"{name} is given twice");
                    }

                    properties.Add((name, Field(2)));
                    break;
                case "I" when fields.Length == 3:
                    var list = Input(Field(1), list: true, source, i + 1);
                    (items.TryGetValue(list, out var specs) ? specs : items[list] = []).Add(Field(2));
                    break;
                case "M" when fields.Length == 4:
                    var key = (Input(Field(1), list: true, source, i + 1), Field(2));
                    (metadata.TryGetValue(key, out var values) ? values : metadata[key] = []).Add(Field(3));
                    break;
                default:
                    throw Malformed(source, i + 1, "expected P, I or M followed by tab-separated fields");
            }
        }

        if (metadata.Keys.FirstOrDefault(k => !items.ContainsKey(k.List)) is { List: not null } orphan)
        {
            throw Malformed(source, 0, $"{orphan.List} has {orphan.Name} metadata but no items");
        }

        var listed = items.SelectMany(list => Items(list.Key, list.Value, metadata, source).Select(item => (list.Key, item)));
        return ProjectInputsBinder.Bind(properties, listed, reason => Malformed(source, 0, reason));
    }

    /// <summary>The file's lines for <paramref name="inputs"/>: what the targets write, for tests and tools.</summary>
    public static IEnumerable<string> Write(ProjectInputs inputs)
    {
        foreach (var input in ProjectInputsBinder.Inputs.Values.OrderBy(p => p.MetadataToken))
        {
            var value = input.GetValue(inputs);
            if (value is ImmutableArray<ProjectItem> list)
            {
                foreach (var item in list)
                {
                    yield return $"I\t{input.Name}\t{Encode(item.Spec)}";
                }

                var names = list.SelectMany(i => i.Metadata.Keys).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);
                foreach (var name in names)
                {
                    foreach (var item in list)
                    {
                        yield return $"M\t{input.Name}\t{name}\t{Encode(item.GetMetadata(name))}";
                    }
                }
            }
            else if (value is not null)
            {
                var text = value is bool flag ? (flag ? "true" : "false") : System.Convert.ToString(value, CultureInfo.InvariantCulture)!;
                yield return $"P\t{input.Name}\t{Encode(text)}";
            }
        }
    }

    public static string Encode(string value) => value.Contains('%') || value.Contains('\\') || value.Contains('\r') || value.Contains('\n')
        ? value.Replace("%", "%25", StringComparison.Ordinal).Replace("\\", "%5C", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal)
        : value;

    private static string Decode(string field, string source, int line)
    {
        if (!field.Contains('%'))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '%')
            {
                text.Append(field[i]);
                continue;
            }

            text.Append((i + 2 < field.Length ? field.Substring(i + 1, 2).ToUpperInvariant() : "") switch
            {
                "25" => '%',
                "5C" => '\\',
                "0D" => '\r',
                "0A" => '\n',
                _ => throw Malformed(source, line, $"'%' at column {i + 1} starts none of the escapes %25, %5C, %0D, %0A"),
            });
            i += 2;
        }

        return text.ToString();
    }

    /// <summary>The input a line names, checked where the line is (so the error can say which).</summary>
    private static string Input(string name, bool list, string source, int line)
    {
        if (!ProjectInputsBinder.Inputs.TryGetValue(name, out var input))
        {
            throw Malformed(source, line, $"there is no input {name}");
        }

        if (list != ProjectInputsBinder.IsList(input))
        {
            throw Malformed(source, line, list ? $"{input.Name} is a property, not an item list" : $"{input.Name} is an item list, not a property");
        }

        return input.Name;
    }

    private static ImmutableArray<ProjectItem> Items(string list, List<string> specs,
        Dictionary<(string List, string Name), List<string>> metadata, string source)
    {
        var names = metadata.Where(m => string.Equals(m.Key.List, list, StringComparison.OrdinalIgnoreCase)).ToList();
        if (names.FirstOrDefault(m => m.Value.Count != specs.Count) is { Value: not null } uneven)
        {
            throw Malformed(source, 0, $"{list} has {specs.Count} items but {uneven.Value.Count} {uneven.Key.Name} metadata lines");
        }

        return specs.Select((spec, index) => new ProjectItem(spec, names
                .Where(m => m.Value[index].Length > 0)
                .ToImmutableDictionary(m => m.Key.Name, m => m.Value[index], StringComparer.OrdinalIgnoreCase)))
            .ToImmutableArray();
    }

    private static DistrolessException Malformed(string source, int line, string reason, Exception? inner = null) => new(new Diagnostic(
        DiagnosticCodes.InvalidProperty,
        $"the project inputs file \"{source}\" cannot be used{(line > 0 ? $" (line {line})" : "")}: {reason}.",
        "The Distroless.Sdk targets write it for `distroless build --project-inputs`; publish again with the same package " +
        "version, and report a bug if this persists."), inner);
}
