using System.Collections.Frozen;
using Distroless.Diagnostics;

namespace Distroless.Cli;

/// <summary>
/// The CLI's spelling of the settings the core's diagnostics name: the option that sets the same
/// thing. A setting without an option here (one a plan or the project sets) keeps its property name.
/// </summary>
internal static class CliSettings
{
    /// <summary>MSBuild property → the option, and whether the option is a switch (true is its presence).</summary>
    private static readonly FrozenDictionary<string, (string Option, bool Switch)> Options = new Dictionary<string, (string, bool)>
    {
        ["DistrolessUpdateLock"] = ("--update-lock", true),
        ["DistrolessLockFile"] = ("--lock", false),
        ["DistrolessDebianSuite"] = ("--suite", false),
        ["DistrolessDebianMirror"] = ("--mirror", false),
        ["DistrolessDebianSecurityMirror"] = ("--security-mirror", false),
        ["DistrolessCacheDirectory"] = ("--cache", false),
        ["DistrolessInsecureRegistries"] = ("--insecure-registry", false),
        ["DistrolessPackage"] = ("--package", false),
        ["DistrolessDebug"] = ("--debug", true),
        ["ContainerRegistry"] = ("--registry", false),
        ["ContainerRepository"] = ("--repository", false),
        ["ContainerImageTag"] = ("--tag", false),
        ["ContainerImageTags"] = ("--tag", false),
        ["ContainerArchiveOutputPath"] = ("--archive", false),
        ["ContainerRuntimeIdentifiers"] = ("--rid", false),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly SettingStyle Style = new(Spell);

    private static string? Spell(string property, string? value)
    {
        if (property == "DistrolessSlim" && value == "false")
        {
            return "--no-slim";
        }

        if (!Options.TryGetValue(property, out var option))
        {
            return null;
        }

        return value is null || (option.Switch && value == "true") ? option.Option : $"{option.Option} {value}";
    }
}
