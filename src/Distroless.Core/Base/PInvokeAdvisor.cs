using System.Collections.Immutable;
using Distroless.Native;
using Microsoft.Extensions.Logging;

namespace Distroless.Base;

/// <summary>
/// Suggests, never adds: for each library the app's managed code imports by P/Invoke that is
/// neither in the image nor shipped by the app, the Debian package that would provide it, with
/// the line to add. Many imports are conditional (a feature the app never uses, another
/// platform's branch), so a suggestion is a normal-verbosity line, not a warning.
/// </summary>
internal static class PInvokeAdvisor
{
    /// <param name="imports">Module → assemblies, for the modules the image had no file for before packages were added.</param>
    /// <param name="addedFileNames">The names of the files the added packages brought.</param>
    /// <param name="contents">The Contents lookup, made only when something is to be looked up.</param>
    /// <param name="architecture">The image's architecture.</param>
    /// <param name="logger">Where suggestions go.</param>
    /// <param name="ct">Cancels the lookup.</param>
    public static async Task AdviseAsync(ImmutableSortedDictionary<string, ImmutableArray<string>> imports, IReadOnlySet<string> addedFileNames,
        Func<ContentsLookup> contents, NativeArchitecture architecture, ILogger logger, CancellationToken ct)
    {
        var absent = imports.Where(i => !PInvokeImports.FileNames(i.Key).Any(name => IsPresent(name, addedFileNames))).ToList();
        if (absent.Count == 0)
        {
            return;
        }

        var names = absent.SelectMany(i => PInvokeImports.FileNames(i.Key)).Distinct(StringComparer.Ordinal).ToList();
        var hits = await contents().FindAsync(names, ct, withVersionSuffix: true).ConfigureAwait(false);
        foreach (var (module, assemblies) in absent)
        {
            var choice = PInvokeImports.FileNames(module)
                .Select(name => LibraryPackageChooser.Choose(name, hits.GetValueOrDefault(name, []), architecture, _ => true))
                .FirstOrDefault(c => c is not null);
            if (choice is null)
            {
                logger.LogDebug("{Assemblies} imports \"{Module}\", which neither the image nor any Debian package has", string.Join(", ", assemblies), module);
                continue;
            }

            logger.LogInformation("{Assemblies} imports \"{Module}\", which the image does not have; Debian's {Package} ships /{Path}. " +
                "If the app calls it on Linux, add <DistrolessPackage Include=\"{Package}\" />",
                string.Join(", ", assemblies), module, choice.Package, choice.Path, choice.Package);
        }
    }

    /// <summary>The file, or a versioned one of the same name (libX11.so.6 for libX11.so), is somewhere in the image.</summary>
    public static bool IsPresent(string fileName, IReadOnlySet<string> fileNamesInImage)
        => fileNamesInImage.Contains(fileName) || fileNamesInImage.Any(f => f.StartsWith(fileName + ".", StringComparison.Ordinal));
}
