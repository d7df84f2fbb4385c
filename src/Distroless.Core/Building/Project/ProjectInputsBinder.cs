using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using Distroless.Diagnostics;

namespace Distroless.Building;

/// <summary>
/// Fills a <see cref="ProjectInputs"/> from the inputs the targets list, by name, for both hosts:
/// the MSBuild task gets them as items, `distroless build --project-inputs` reads them from the
/// file the targets write (<see cref="ProjectInputsFile"/>). An empty value means "not set", as
/// for an MSBuild task parameter, so the record's default stays; a value the input's type cannot
/// take is DSTL1004 naming the property as the project writes it.
/// </summary>
public static class ProjectInputsBinder
{
    public static readonly ImmutableDictionary<string, PropertyInfo> Inputs = typeof(ProjectInputs)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite)
        .ToImmutableDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The types an input may have; anything else has no text form.</summary>
    public static readonly ImmutableArray<Type> SupportedTypes =
        [typeof(string), typeof(bool), typeof(int), typeof(long), typeof(ImmutableArray<ProjectItem>)];

    /// <param name="properties">Each property input once: its name and its value as MSBuild expanded it.</param>
    /// <param name="items">Each item of each item-list input, in order, with the list's name.</param>
    /// <param name="unknown">Builds the error for a name that is no input (the two hosts say it differently).</param>
    public static ProjectInputs Bind(IEnumerable<(string Name, string Value)> properties, IEnumerable<(string List, ProjectItem Item)> items,
        Func<string, DistrolessException> unknown)
    {
        // Filled through reflection while nobody else holds it, as a deserializer would: the
        // record keeps the inputs' names and defaults in one place.
        var inputs = new ProjectInputs();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in properties)
        {
            var input = Find(name, list: false, unknown);
            if (!seen.Add(input.Name))
            {
                throw unknown($"{input.Name} is given twice");
            }

            input.SetValue(inputs, Convert(input, value));
        }

        foreach (var group in items.GroupBy(i => Find(i.List, list: true, unknown)))
        {
            group.Key.SetValue(inputs, group.Select(i => i.Item).ToImmutableArray());
        }

        return inputs;
    }

    /// <summary>Whether the input is an item list.</summary>
    public static bool IsList(PropertyInfo input) => input.PropertyType == typeof(ImmutableArray<ProjectItem>);

    private static PropertyInfo Find(string name, bool list, Func<string, DistrolessException> unknown)
    {
        if (!Inputs.TryGetValue(name, out var input))
        {
            throw unknown($"there is no input {name}");
        }

        if (list != IsList(input))
        {
            throw unknown(list ? $"{input.Name} is a property, not an item list" : $"{input.Name} is an item list, not a property");
        }

        return input;
    }

    /// <summary>A value as MSBuild converts a task parameter: empty means "not set", so the default stays.</summary>
    private static object? Convert(PropertyInfo input, string value)
    {
        if (value.Length == 0)
        {
            return input.GetValue(new ProjectInputs());
        }

        if (input.PropertyType == typeof(string))
        {
            return value;
        }

        var text = value.Trim();
        if (input.PropertyType == typeof(bool))
        {
            return text.ToLowerInvariant() switch
            {
                "true" or "on" or "yes" or "!false" or "!off" or "!no" => true,
                "false" or "off" or "no" or "!true" or "!on" or "!yes" => false,
                _ => throw Errors.InvalidProperty(input.Name, value, "true or false"),
            };
        }

        if (input.PropertyType == typeof(int))
        {
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw Errors.InvalidProperty(input.Name, value, "a whole number");
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var big)
            ? big
            : throw Errors.InvalidProperty(input.Name, value, "a whole number");
    }
}
