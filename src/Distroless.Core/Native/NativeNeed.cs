using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Distroless.Native;

/// <summary>
/// A library the app's native code needs that the base did not have: its soname, the Debian
/// package added for it (null when none ships it), and the image paths of the files that need it.
/// </summary>
public sealed record NativeNeed(string SoName, string? Package, ImmutableArray<string> NeededBy)
{
    [JsonIgnore]
    public bool IsResolved => Package is not null;

    /// <summary>"/app/libSkiaSharp.so needs libfontconfig.so.1" (the first file, and how many more).</summary>
    [JsonIgnore]
    public string Reason => NeededBy.Length switch
    {
        0 => $"something needs {SoName}",
        1 => $"/{NeededBy[0]} needs {SoName}",
        _ => $"/{NeededBy[0]} and {NeededBy.Length - 1} more need {SoName}",
    };
}
