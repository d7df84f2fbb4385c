namespace Distroless.Diagnostics;

/// <summary>
/// A setting named in a diagnostic's text, by its MSBuild property name (the one declaration of
/// every input, see Building.ProjectInputs), left for the host to spell: "Set
/// {Setting.Named("DistrolessDebianSuite")} to …" reads "Set DistrolessDebianSuite to …" in a
/// publish and "Set --suite to …" from the CLI.
/// </summary>
public static class Setting
{
    internal const char Open = '⟦';
    internal const char Close = '⟧';

    /// <summary>The setting itself: "DistrolessDebianSuite", or "--suite".</summary>
    public static string Named(string property) => IsPropertyName(property) ? $"{Open}{property}{Close}" : property;

    /// <summary>The setting given a value: "-p:DistrolessUpdateLock=true", or "--update-lock".</summary>
    public static string Assigned(string property, string value) => IsPropertyName(property) ? $"{Open}{property}={value}{Close}" : $"{property} {value}";

    // An option ("--package") or a plan field is already in its host's terms.
    private static bool IsPropertyName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
