using System.Collections.Immutable;
using System.Text;
using Distroless.Caching;
using Distroless.Native;
using Distroless.Oci;
using Microsoft.Extensions.Logging;

namespace Distroless.Base;

/// <summary>
/// The first question of <see cref="NativeClosure"/>: what the base lacks for the app's native
/// code, and what its managed code imports by P/Invoke.
/// </summary>
internal static class NativeImageCheck
{
    private const string Recipe = "native-check-v3";

    /// <summary>
    /// What the base lacks for the app, and what its managed code imports: remembered under the
    /// diff IDs of every layer, so a warm publish of an unchanged image reads one small record
    /// instead of every layer's libraries and the app's assemblies. What was not checked, and
    /// what the app finds only by soname, is said at detailed verbosity each time.
    /// </summary>
    public static CheckedImage Check(NativeRequest request, NativeArchitecture architecture, Lazy<NativeImageView> view, BlobCache cache, ILogger logger)
    {
        var key = CheckKey(request, architecture);
        if (!cache.TryReadRecord<CheckedImage>("native-checked", key, out var check))
        {
            var analysis = view.Value.Analyzer.Analyze(view.Value.Checked, view.Value.Shipped);
            string[] notes =
            [
                .. analysis.Skipped.Select(s => $"/{s.Path} not checked: {s.Reason}"),
                .. analysis.OffSearchPath.Select(o => $"/{o.Path} needs {o.SoName}, which the app ships at /{o.ShippedAt}, outside the " +
                    "loader's search path: it loads once .NET has loaded that file"),
                $"{analysis.Checked} ELF files checked, {analysis.Missing.Count} libraries missing",
            ];
            var fileNames = view.Value.FileNames();
            var absent = request.ReadImports()
                .Where(i => !PInvokeImports.FileNames(i.Key).Any(name => PInvokeAdvisor.IsPresent(name, fileNames)))
                .ToImmutableSortedDictionary(StringComparer.Ordinal);
            var variants = analysis.Missing.Values.SelectMany(v => v).Distinct(StringComparer.Ordinal)
                .ToImmutableSortedDictionary(path => path, path => view.Value.Variants(path), StringComparer.Ordinal)
                .Where(v => !v.Value.IsEmpty).ToImmutableSortedDictionary(StringComparer.Ordinal);
            check = new CheckedImage(CheckedImage.Lines(analysis.Missing), notes, CheckedImage.Lines(absent), CheckedImage.Lines(variants));
            cache.WriteRecord("native-checked", key, check);
        }

        foreach (var note in check.Notes)
        {
            logger.LogDebug("Native dependencies: {Note}", note);
        }

        return check;
    }

    private static string CheckKey(NativeRequest request, NativeArchitecture architecture)
    {
        var text = new StringBuilder().Append(Recipe).Append(' ').Append(LayerLibraries.Format).Append('\n')
            .Append(architecture.DebianArchitecture).Append('\n').Append(request.LibraryPath).Append('\n');
        foreach (var (role, layers) in new[] { ("base", request.BaseLayers), ("checked", request.CheckedBaseLayers), ("app", request.AppLayers) })
        {
            text.Append(role).Append(' ').AppendJoin(' ', layers.Select(l => l.DiffId.Hex)).Append('\n');
        }

        return Digest.Compute(Encoding.UTF8.GetBytes(text.ToString())).Hex;
    }

    /// <summary>
    /// The answers, as plain lines ("name\tfile\tfile…"): read on every warm publish, it must cost
    /// next to nothing. Missing: soname → files that need it; imports: P/Invoke modules the image
    /// has no file for → assemblies; variants: a needing file → the other builds of its library.
    /// </summary>
    public sealed record CheckedImage(string[] MissingLines, string[] Notes, string[] ImportLines, string[] VariantLines)
    {
        public ImmutableSortedDictionary<string, ImmutableArray<string>> Missing => Map(MissingLines);

        public ImmutableSortedDictionary<string, ImmutableArray<string>> Imports => Map(ImportLines);

        public ImmutableSortedDictionary<string, ImmutableArray<string>> Variants => Map(VariantLines);

        public static string[] Lines(ImmutableSortedDictionary<string, ImmutableArray<string>> map)
            => [.. map.Select(m => string.Join('\t', m.Value.Prepend(m.Key)))];

        private static ImmutableSortedDictionary<string, ImmutableArray<string>> Map(string[] lines)
            => lines.Select(l => l.Split('\t')).ToImmutableSortedDictionary(p => p[0], p => p[1..].ToImmutableArray(), StringComparer.Ordinal);
    }
}

/// <summary>The image as the loader sees it, read from every layer's libraries only when a question needs it.</summary>
internal sealed record NativeImageView(ImageFileSystem Files, List<ElfObject> Shipped, List<ElfObject> Checked, NativeNeedsAnalyzer Analyzer,
    IReadOnlySet<string> Names)
{
    public static NativeImageView Of(NativeRequest request, NativeArchitecture architecture, BlobCache cache)
    {
        var files = new ImageFileSystem(request.BaseLayers.Concat(request.AppLayers).Select(l => LayerLibrariesStore.Get(cache, l)));
        var shipped = request.AppLayers.SelectMany(l => LayerLibrariesStore.Get(cache, l).Objects).ToList();
        List<ElfObject> checkedObjects = [.. request.CheckedBaseLayers.SelectMany(l => LayerLibrariesStore.Get(cache, l).Objects), .. shipped];
        var names = request.BaseLayers.Concat(request.AppLayers).Select(l => LayerLibrariesStore.Get(cache, l))
            .SelectMany(l => l.Files.Concat(l.Symlinks.Keys)).Select(p => p[(p.LastIndexOf('/') + 1)..]).ToHashSet(StringComparer.Ordinal);
        return new NativeImageView(files, shipped, checkedObjects, new NativeNeedsAnalyzer(files, architecture, request.LibraryPath), names);
    }

    /// <summary>The name of every file and link in the image, wherever it is.</summary>
    public IReadOnlySet<string> FileNames() => Names;

    /// <summary>Other files of the same directory and soname: alternatives a package ships for the runtime to choose from.</summary>
    public ImmutableArray<string> Variants(string path)
    {
        var self = Shipped.FirstOrDefault(o => o.Path == path);
        return self?.SoName is null ? [] : Shipped
            .Where(o => o.Path != path && o.SoName == self.SoName && o.Directory == self.Directory && !o.IsMusl)
            .Select(o => o.Path).Order(StringComparer.Ordinal).ToImmutableArray();
    }
}
