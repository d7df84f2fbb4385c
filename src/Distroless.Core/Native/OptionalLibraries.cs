using System.Collections.Frozen;

namespace Distroless.Native;

/// <summary>
/// Libraries that ship with .NET but load only when a feature is switched on, with what their
/// needs depend on; they are not checked, so their absent dependencies neither add packages nor
/// warn. Data, not logic: a new entry is a new line.
/// </summary>
public static class OptionalLibraries
{
    private static readonly FrozenDictionary<string, string> Reasons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Needs liblttng-ust.so.0; Debian 12 and 13 ship only liblttng-ust.so.1.
        ["libcoreclrtraceptprovider.so"] = "the .NET runtime loads it only for LTTng tracing (DOTNET_LTTng=1)",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Why a file of this name is not checked, or null when it is.</summary>
    public static string? WhyOptional(string fileName) => Reasons.GetValueOrDefault(fileName);
}
