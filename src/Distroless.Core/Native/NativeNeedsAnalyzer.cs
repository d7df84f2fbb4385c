using System.Collections.Immutable;

namespace Distroless.Native;

/// <summary>
/// Resolves every DT_NEEDED of the objects it is given the way ld.so would inside the image:
/// DT_RPATH (when there is no DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH (with $ORIGIN, $LIB and
/// $PLATFORM expanded), then the system directories of the architecture. Objects that cannot
/// load on the image (another machine or class, musl builds) and static ones are skipped.
/// A soname that no search path leads to but that the app itself ships (a file of that name,
/// or an object with that DT_SONAME) is not missing: .NET loads a package's libraries by full
/// path, after which the loader finds them by soname. Everything else is missing.
/// </summary>
public sealed class NativeNeedsAnalyzer
{
    private readonly ImageFileSystem _files;
    private readonly NativeArchitecture _architecture;
    private readonly ImmutableArray<string> _libraryPath;

    /// <param name="files">The whole image.</param>
    /// <param name="architecture">The image's architecture.</param>
    /// <param name="libraryPath">LD_LIBRARY_PATH of the image's environment, if it sets one.</param>
    public NativeNeedsAnalyzer(ImageFileSystem files, NativeArchitecture architecture, string? libraryPath = null)
    {
        _files = files;
        _architecture = architecture;
        _libraryPath = (libraryPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => d.Trim('/')).ToImmutableArray();
    }

    /// <param name="objects">The objects whose needs must be met (the app's side of the image).</param>
    /// <param name="shipped">Objects whose sonames count as present once loaded (the app's own libraries).</param>
    public NativeAnalysis Analyze(IEnumerable<ElfObject> objects, IReadOnlyCollection<ElfObject> shipped)
    {
        var bySoName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var elf in shipped.Where(_architecture.CanLoad).Where(e => !e.IsMusl).OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            bySoName.TryAdd(elf.FileName, elf.Path);
            if (elf.SoName is { } soname)
            {
                bySoName.TryAdd(soname, elf.Path);
            }
        }

        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var skipped = ImmutableArray.CreateBuilder<(string, string)>();
        var offPath = ImmutableArray.CreateBuilder<(string, string, string)>();
        var checkedCount = 0;
        foreach (var elf in objects.OrderBy(o => o.Path, StringComparer.Ordinal))
        {
            if (SkipReason(elf) is { } reason)
            {
                skipped.Add((elf.Path, reason));
                continue;
            }

            checkedCount++;
            foreach (var needed in elf.Needed)
            {
                if (Find(elf, needed) is not null)
                {
                    continue;
                }

                if (bySoName.TryGetValue(needed, out var shippedAt) && !needed.Contains('/'))
                {
                    offPath.Add((elf.Path, needed, shippedAt));
                    continue;
                }

                if (!missing.TryGetValue(needed, out var by))
                {
                    missing[needed] = by = new SortedSet<string>(StringComparer.Ordinal);
                }

                by.Add(elf.Path);
            }
        }

        return new NativeAnalysis
        {
            Missing = missing.ToImmutableSortedDictionary(m => m.Key, m => m.Value.ToImmutableArray(), StringComparer.Ordinal),
            Skipped = skipped.ToImmutable(),
            OffSearchPath = offPath.ToImmutable(),
            Checked = checkedCount,
        };
    }

    /// <summary>Where the loader finds <paramref name="needed"/> for <paramref name="elf"/>, or null.</summary>
    public string? Find(ElfObject elf, string needed)
    {
        if (needed.Contains('/'))
        {
            // A path, not a name: used as it is (relative to the working directory, which the
            // image does not fix, so only an absolute one can be checked).
            return needed.StartsWith('/') ? _files.ResolveFile(needed) : null;
        }

        foreach (var directory in SearchPath(elf))
        {
            if (_files.ResolveFile($"{directory}/{needed}") is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private string? SkipReason(ElfObject elf)
    {
        if (!_architecture.CanLoad(elf))
        {
            return $"built for another machine (ELF machine {elf.Machine}, {(elf.Is64 ? 64 : 32)}-bit)";
        }

        if (elf.IsMusl)
        {
            return "built for musl (Alpine), which a glibc image cannot load";
        }

        if (OptionalLibraries.WhyOptional(elf.FileName) is { } optional)
        {
            return optional;
        }

        return elf.IsDynamic ? null : "statically linked";
    }

    private IEnumerable<string> SearchPath(ElfObject elf)
    {
        if (elf.RunPath.IsEmpty)
        {
            foreach (var directory in Expand(elf, elf.RPath))
            {
                yield return directory;
            }
        }

        foreach (var directory in _libraryPath)
        {
            yield return directory;
        }

        foreach (var directory in Expand(elf, elf.RunPath))
        {
            yield return directory;
        }

        foreach (var directory in _architecture.SystemDirectories)
        {
            yield return directory;
        }
    }

    /// <summary>
    /// RUNPATH entries as directories of the image. A relative entry without $ORIGIN is relative
    /// to the working directory at run time, which nothing here knows: it is left out. Inside a
    /// single-file bundle, $ORIGIN is the extraction directory, outside the image.
    /// </summary>
    private IEnumerable<string> Expand(ElfObject elf, ImmutableArray<string> entries)
    {
        var bundled = elf.Path.Contains(ElfInspector.BundleSeparator, StringComparison.Ordinal);
        foreach (var entry in entries)
        {
            var usesOrigin = entry.Contains("$ORIGIN", StringComparison.Ordinal) || entry.Contains("${ORIGIN}", StringComparison.Ordinal);
            if ((usesOrigin && bundled) || (!usesOrigin && !entry.StartsWith('/') && !entry.StartsWith("$LIB", StringComparison.Ordinal)))
            {
                continue;
            }

            var expanded = entry
                .Replace("${ORIGIN}", "/" + elf.Directory, StringComparison.Ordinal).Replace("$ORIGIN", "/" + elf.Directory, StringComparison.Ordinal)
                .Replace("${LIB}", $"lib/{_architecture.Triplet}", StringComparison.Ordinal).Replace("$LIB", $"lib/{_architecture.Triplet}", StringComparison.Ordinal)
                .Replace("${PLATFORM}", _architecture.PlatformName, StringComparison.Ordinal).Replace("$PLATFORM", _architecture.PlatformName, StringComparison.Ordinal);
            if (_files.Resolve(expanded) is { } directory)
            {
                yield return directory;
            }
        }
    }
}
