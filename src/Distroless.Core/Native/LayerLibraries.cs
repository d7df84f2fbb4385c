using System.Collections.Immutable;

namespace Distroless.Native;

/// <summary>
/// What one layer offers the dynamic loader and asks of it: every non-directory path it holds
/// (where a library can be found), its symbolic links (a link to a directory moves a whole
/// search path, as /lib does on merged /usr), and the ELF files it carries. Paths are relative
/// and sorted; the record is remembered in the cache under the layer's diff ID.
/// </summary>
public sealed record LayerLibraries
{
    /// <summary>Bump when what is recorded changes, so older records are read again from the layer.</summary>
    public const int Format = 1;

    public int Version { get; init; } = Format;

    /// <summary>Regular files and hard links.</summary>
    public ImmutableArray<string> Files { get; init; } = [];

    /// <summary>Symbolic link → its target as written (relative or absolute).</summary>
    public ImmutableSortedDictionary<string, string> Symlinks { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public ImmutableArray<ElfObject> Objects { get; init; } = [];

    public static readonly LayerLibraries Empty = new();
}
