using System.Text.RegularExpressions;

namespace Distroless.Diagnostics;

/// <summary>
/// How a host spells the settings a diagnostic names (<see cref="Setting"/>). The MSBuild style
/// writes properties; a host with its own options (the CLI) maps the properties it has an
/// option for and leaves the others as properties.
/// </summary>
public sealed partial class SettingStyle
{
    private readonly Func<string, string?, string?> _spell;

    /// <param name="spell">The host's spelling of a property (and its value, when assigned), or null to spell it as MSBuild does.</param>
    public SettingStyle(Func<string, string?, string?> spell) => _spell = spell;

    /// <summary>Properties as in a project file or on the dotnet command line: "DistrolessSlim", "-p:DistrolessSlim=false".</summary>
    public static readonly SettingStyle MSBuild = new((_, _) => null);

    public string Render(string text) => text.Contains(Setting.Open, StringComparison.Ordinal)
        ? Reference().Replace(text, m =>
        {
            var name = m.Groups["name"].Value;
            var value = m.Groups["value"].Success ? m.Groups["value"].Value : null;
            return _spell(name, value) ?? (value is null ? name : $"-p:{name}={value}");
        })
        : text;

    /// <summary>The diagnostic's message and fix as one line, in this style.</summary>
    public string Render(Diagnostic diagnostic) => $"{Render(diagnostic.MessageText)} {Render(diagnostic.FixText)}";

    [GeneratedRegex("⟦(?<name>[A-Za-z0-9_]+)(=(?<value>[^⟧]*))?⟧")]
    private static partial Regex Reference();
}
