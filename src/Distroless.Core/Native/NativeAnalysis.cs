using System.Collections.Immutable;

namespace Distroless.Native;

/// <summary>
/// What the loader would miss in an image: each soname no search path leads to, with the files
/// that need it; the files that were not checked, and why; and libraries the app ships that
/// the loader finds only because something loaded them first.
/// </summary>
public sealed record NativeAnalysis
{
    /// <summary>Soname → the image paths of the objects that need it, both sorted.</summary>
    public ImmutableSortedDictionary<string, ImmutableArray<string>> Missing { get; init; }
        = ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty.WithComparers(StringComparer.Ordinal);

    public ImmutableArray<(string Path, string Reason)> Skipped { get; init; } = [];

    /// <summary>(object, soname, where the app ships it): found by soname once loaded, not on the search path.</summary>
    public ImmutableArray<(string Path, string SoName, string ShippedAt)> OffSearchPath { get; init; } = [];

    public int Checked { get; init; }

    public bool IsComplete => Missing.IsEmpty;
}
