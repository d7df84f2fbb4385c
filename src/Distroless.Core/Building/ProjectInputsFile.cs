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
/// P	Name	value              a property
/// I	Parameter	spec           an item of an item-list parameter, in order
/// M	Parameter	Name	value    metadata: the k-th M line of (Parameter, Name) belongs to the k-th I line of Parameter
/// </code>
/// Metadata goes on lines of its own because MSBuild cannot escape a value before a transform
/// puts it into a line, only the whole line after; so each line carries one value and a
/// transform per metadata name keeps the items' order. Fields escape exactly four characters,
/// which the targets replace on the whole line: '%' as %25, '\' as %5C (MSBuild on Unix turns
/// backslashes in item specs into slashes), CR as %0D and LF as %0A. Blank lines and lines
/// starting with '#' are comments. Names are the task's parameter names, so the file reads
/// like the task invocation it replaces.
/// </remarks>
public static class ProjectInputsFile
{
    private static readonly ImmutableDictionary<string, PropertyInfo> Parameters = typeof(ProjectInputs)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite)
        .ToImmutableDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The types a parameter may have; anything else has no text form.</summary>
    public static readonly ImmutableArray<Type> SupportedTypes =
        [typeof(string), typeof(bool), typeof(int), typeof(long), typeof(ImmutableArray<ProjectItem>)];

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
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var items = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var metadata = new Dictionary<(string Parameter, string Name), List<string>>();
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
                    var name = Parameter(Field(1), source, i + 1, list: false).Name;
                    if (!properties.TryAdd(name, Field(2)))
                    {
                        throw Malformed(source, i + 1, $"{name} is given twice");
                    }

                    break;
                case "I" when fields.Length == 3:
                    var list = Parameter(Field(1), source, i + 1, list: true).Name;
                    (items.TryGetValue(list, out var specs) ? specs : items[list] = []).Add(Field(2));
                    break;
                case "M" when fields.Length == 4:
                    var key = (Parameter(Field(1), source, i + 1, list: true).Name, Field(2));
                    (metadata.TryGetValue(key, out var values) ? values : metadata[key] = []).Add(Field(3));
                    break;
                default:
                    throw Malformed(source, i + 1, "expected P, I or M followed by tab-separated fields");
            }
        }

        // Filled through reflection while nobody else holds it, as a deserializer would: the
        // record keeps the parameters' names and defaults in one place.
        var inputs = new ProjectInputs();
        foreach (var (name, value) in properties)
        {
            Parameters[name].SetValue(inputs, Convert(Parameters[name], value));
        }

        foreach (var (list, specs) in items)
        {
            Parameters[list].SetValue(inputs, Items(list, specs, metadata, source));
        }

        if (metadata.Keys.FirstOrDefault(k => !items.ContainsKey(k.Parameter)) is { Parameter: not null } orphan)
        {
            throw Malformed(source, 0, $"{orphan.Parameter} has {orphan.Name} metadata but no items");
        }

        return inputs;
    }

    /// <summary>The file's lines for <paramref name="inputs"/>: what the targets write, for tests and tools.</summary>
    public static IEnumerable<string> Write(ProjectInputs inputs)
    {
        foreach (var parameter in Parameters.Values.OrderBy(p => p.MetadataToken))
        {
            var value = parameter.GetValue(inputs);
            if (value is ImmutableArray<ProjectItem> list)
            {
                foreach (var item in list)
                {
                    yield return $"I\t{parameter.Name}\t{Encode(item.Spec)}";
                }

                var names = list.SelectMany(i => i.Metadata.Keys).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);
                foreach (var name in names)
                {
                    foreach (var item in list)
                    {
                        yield return $"M\t{parameter.Name}\t{name}\t{Encode(item.GetMetadata(name))}";
                    }
                }
            }
            else if (value is not null)
            {
                var text = value is bool flag ? (flag ? "true" : "false") : System.Convert.ToString(value, CultureInfo.InvariantCulture)!;
                yield return $"P\t{parameter.Name}\t{Encode(text)}";
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

    private static PropertyInfo Parameter(string name, string source, int line, bool list)
    {
        if (!Parameters.TryGetValue(name, out var parameter))
        {
            throw Malformed(source, line, $"there is no parameter {name}");
        }

        if (list != (parameter.PropertyType == typeof(ImmutableArray<ProjectItem>)))
        {
            throw Malformed(source, line, list ? $"{parameter.Name} is a property, not an item list" : $"{parameter.Name} is an item list, not a property");
        }

        return parameter;
    }

    private static ImmutableArray<ProjectItem> Items(string list, List<string> specs,
        Dictionary<(string Parameter, string Name), List<string>> metadata, string source)
    {
        var names = metadata.Where(m => string.Equals(m.Key.Parameter, list, StringComparison.OrdinalIgnoreCase)).ToList();
        if (names.FirstOrDefault(m => m.Value.Count != specs.Count) is { Value: not null } uneven)
        {
            throw Malformed(source, 0, $"{list} has {specs.Count} items but {uneven.Value.Count} {uneven.Key.Name} metadata lines");
        }

        return specs.Select((spec, index) => new ProjectItem(spec, names
                .Where(m => m.Value[index].Length > 0)
                .ToImmutableDictionary(m => m.Key.Name, m => m.Value[index], StringComparer.OrdinalIgnoreCase)))
            .ToImmutableArray();
    }

    /// <summary>A value as MSBuild converts a task parameter: empty means "not set", so the default stays.</summary>
    private static object? Convert(PropertyInfo parameter, string value)
    {
        if (value.Length == 0)
        {
            return parameter.GetValue(new ProjectInputs());
        }

        if (parameter.PropertyType == typeof(string))
        {
            return value;
        }

        var text = value.Trim();

        if (parameter.PropertyType == typeof(bool))
        {
            return text.ToLowerInvariant() switch
            {
                "true" or "on" or "yes" or "!false" or "!off" or "!no" => true,
                "false" or "off" or "no" or "!true" or "!on" or "!yes" => false,
                _ => throw Errors.InvalidProperty(parameter.Name, value, "true or false"),
            };
        }

        if (parameter.PropertyType == typeof(int))
        {
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw Errors.InvalidProperty(parameter.Name, value, "a whole number");
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var big)
            ? big
            : throw Errors.InvalidProperty(parameter.Name, value, "a whole number");
    }

    private static DistrolessException Malformed(string source, int line, string reason, Exception? inner = null) => new(new Diagnostic(
        DiagnosticCodes.InvalidProperty,
        $"the project inputs file \"{source}\" cannot be used{(line > 0 ? $" (line {line})" : "")}: {reason}.",
        "The Distroless.Sdk targets write it for `distroless build --project-inputs`; publish again with the same package " +
        "version, and report a bug if this persists."), inner);
}
