using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Diagnostics;
using Distroless.Layers;
using Distroless.Native;
using Distroless.Oci;
using Microsoft.Extensions.Logging;

namespace Distroless.Base;

/// <summary>
/// Makes the base fit the app's native code. Every ELF file the app brings (its publish output,
/// the runtime, the DistrolessPackages) has its DT_NEEDED resolved the way ld.so would inside
/// the image (<see cref="NativeNeedsAnalyzer"/>); each soname the image lacks is looked up in
/// Debian's signed Contents index, the package is chosen by a fixed rule
/// (<see cref="LibraryPackageChooser"/>) and added with its dependencies; the added packages'
/// own files are checked the same way, until nothing more is missing. A lock answers the same
/// question without any index; the Contents index is fetched only when something is missing.
/// </summary>
public sealed class NativeClosure
{
    private const string Recipe = "native-v1";
    private readonly BaseComposer _composer;
    private readonly DebianArchiveClient _archive;
    private readonly BlobCache _cache;
    private readonly ILogger _logger;

    public NativeClosure(BaseComposer composer, DebianArchiveClient archive, BlobCache cache, ILogger logger)
    {
        _composer = composer;
        _archive = archive;
        _cache = cache;
        _logger = logger;
    }

    public async Task<NativeAdditions> ResolveAsync(NativeRequest request, LockedNative? locked, LockMode mode, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var architecture = NativeArchitecture.For(request.Base.Platform);
        var view = new Lazy<NativeImageView>(() => NativeImageView.Of(request, architecture, _cache));
        var check = request.Known is null ? NativeImageCheck.Check(request, architecture, view, _cache, _logger) : null;
        var missing = request.Known is { } known
            ? known.ToImmutableSortedDictionary(n => n.SoName, n => n.NeededBy, StringComparer.Ordinal)
            : check!.Missing;
        var imports = check?.Imports ?? ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty;
        if (request.Mode == NativeDependencyMode.Report)
        {
            await WarnNotAddedAsync(request, architecture, missing, check?.Variants ?? ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty, ct)
                .ConfigureAwait(false);
            await AdviseAsync(request, architecture, mode, imports, [], ct).ConfigureAwait(false);
            return NativeAdditions.None;
        }

        // A publish asks what its base lacked; a rebase knows everything the image was given.
        var useLock = locked is not null && mode is LockMode.Auto or LockMode.Locked && (request.Known is null
            ? locked.Missing.SequenceEqual(missing.Keys)
            : locked.Needs.Select(n => n.SoName).Order(StringComparer.Ordinal).SequenceEqual(missing.Keys));
        if (mode == LockMode.Locked && !useLock && (missing.Count > 0 || locked is { Missing.IsEmpty: false }))
        {
            throw Errors.LockFileOutOfDate(LockFile.DefaultName,
                $"the app's native libraries need [{string.Join(", ", missing.Keys)}] beyond the base, the lock has [{string.Join(", ", locked?.Missing ?? [])}]");
        }

        if (missing.Count == 0)
        {
            await AdviseAsync(request, architecture, mode, imports, [], ct).ConfigureAwait(false);
            return NativeAdditions.None;
        }

        var (packages, needs) = useLock
            ? (locked!.Packages.Select(p => p.ToRecord(request.Base.SuiteOf(p.Suite))).ToImmutableArray(), locked.Needs)
            : await ResolveCachedAsync(request, architecture, missing, view.Value, ct).ConfigureAwait(false);
        var layers = await _composer.BuildLayersAsync(request.Base, packages, locked: useLock, ct).ConfigureAwait(false);

        foreach (var need in needs)
        {
            if (need.Package is { } name && packages.FirstOrDefault(p => p.Name == name) is { } package)
            {
                _logger.LogInformation("{Package} {Version} added: {Reason}", package.Name, package.Version, need.Reason);
            }
        }

        foreach (var package in packages.Where(p => needs.All(n => n.Package != p.Name)))
        {
            _logger.LogInformation("{Package} {Version} added: a dependency of the packages above", package.Name, package.Version);
        }

        ReportUnresolved(request, needs, check?.Variants ?? ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty);
        await AdviseAsync(request, architecture, mode, imports, layers, ct).ConfigureAwait(false);

        return new NativeAdditions
        {
            Packages = packages,
            Layers = [.. layers],
            Needs = needs,
            Lock = useLock ? locked : NewLock(needs, packages, layers),
        };
    }

    /// <summary>
    /// P/Invoke suggestions (<see cref="PInvokeAdvisor"/>): for developers, so not in a locked
    /// (CI) build, which must not reach for a Contents index it does not need.
    /// </summary>
    private async Task AdviseAsync(NativeRequest request, NativeArchitecture architecture, LockMode mode,
        ImmutableSortedDictionary<string, ImmutableArray<string>> imports, IReadOnlyList<LayerBlob> added, CancellationToken ct)
    {
        if (imports.IsEmpty || mode == LockMode.Locked)
        {
            return;
        }

        var fileNames = added.Select(l => LayerLibrariesStore.Get(_cache, l))
            .SelectMany(l => l.Files.Concat(l.Symlinks.Keys))
            .Select(p => p[(p.LastIndexOf('/') + 1)..])
            .ToHashSet(StringComparer.Ordinal);
        try
        {
            var releases = await Task.WhenAll(request.Base.Release.Suites.Select(s => _archive.FetchReleaseAsync(request.Base.SuiteOf(s.Suite), ct)))
                .ConfigureAwait(false);
            await PInvokeAdvisor.AdviseAsync(imports, fileNames, () => new ContentsLookup(_archive, _cache, releases, architecture, _logger),
                architecture, _logger, ct).ConfigureAwait(false);
        }
        catch (DistrolessException e) when (e.Code == DiagnosticCodes.ArchiveUnreachable)
        {
            // Offline with a lock: the build goes on, it only misses advice.
            _logger.LogDebug("No P/Invoke suggestions: {Reason}", e.Diagnostic.MessageText);
        }
    }

    /// <summary>
    /// The answer for this question and these signed indexes, as an earlier build found it; else
    /// found now. A warm build reads neither the Packages nor the Contents index.
    /// </summary>
    private async Task<(ImmutableArray<PackageRecord> Packages, ImmutableArray<NativeNeed> Needs)> ResolveCachedAsync(NativeRequest request,
        NativeArchitecture architecture, ImmutableSortedDictionary<string, ImmutableArray<string>> missing, NativeImageView view, CancellationToken ct)
    {
        var releases = await Task.WhenAll(request.Base.Release.Suites.Select(s => _archive.FetchReleaseAsync(request.Base.SuiteOf(s.Suite), ct)))
            .ConfigureAwait(false);
        var key = CacheKey(request, architecture, missing, releases);
        if (_cache.TryReadRecord<ResolvedNative>("native-resolved", key, out var cached))
        {
            var bySuite = releases.ToDictionary(r => (r.Suite.ArchiveRoot.AbsoluteUri, r.Suite.Suite));
            return (cached.Packages.Select(p => p.ToRecord(bySuite[(p.ArchiveRoot, p.Suite)].Suite)).ToImmutableArray(), cached.Needs);
        }

        var resolved = await ResolveAsync(request, architecture, missing, releases, view, ct).ConfigureAwait(false);
        _cache.WriteRecord("native-resolved", key, new ResolvedNative(
            resolved.Packages.Select(BaseComposer.ResolvedPackage.From).ToArray(), resolved.Needs));
        return resolved;
    }

    private async Task<(ImmutableArray<PackageRecord> Packages, ImmutableArray<NativeNeed> Needs)> ResolveAsync(NativeRequest request,
        NativeArchitecture architecture, ImmutableSortedDictionary<string, ImmutableArray<string>> missing, VerifiedRelease[] releases,
        NativeImageView view, CancellationToken ct)
    {
        // Each round's packages join the image, and their objects the ones checked.
        var image = view.Files;
        var checkedObjects = view.Checked.ToList();
        var analyzer = view.Analyzer;
        var shipped = view.Shipped;
        var indexes = await Task.WhenAll(releases.Select(r => _archive.FetchIndexAsync(r, architecture.DebianArchitecture, ct))).ConfigureAwait(false);
        var contents = new ContentsLookup(_archive, _cache, releases, architecture, _logger);
        bool Available(string name) => indexes.Any(i => i.Find(name).Any(p => p.Architecture == architecture.DebianArchitecture || p.Architecture == "all"));

        var added = ImmutableArray.CreateBuilder<PackageRecord>();
        var needs = ImmutableArray.CreateBuilder<NativeNeed>();
        var handled = new HashSet<string>(missing.Keys, StringComparer.Ordinal);
        var pending = missing;
        while (pending.Count > 0)
        {
            // A rebase knows what the image was given before; only what is new is looked up.
            var known = (request.Known ?? []).Where(n => n.Package is not null).ToDictionary(n => n.SoName, n => n.Package!, StringComparer.Ordinal);
            var hits = await contents.FindAsync(pending.Keys.Where(k => !known.ContainsKey(k) && !k.Contains('/')).ToList(), ct).ConfigureAwait(false);
            var wanted = new List<PackageConstraint>();
            foreach (var (soname, neededBy) in pending)
            {
                var choice = known.TryGetValue(soname, out var package) && Available(package)
                    ? new LibraryPackageChooser.Choice(package, "", [package], "added before")
                    : LibraryPackageChooser.Choose(soname, hits.GetValueOrDefault(soname, []), architecture, Available);
                if (choice is not null && request.Base.Ignored.Contains(choice.Package))
                {
                    _logger.LogInformation("{SoName} is shipped by {Package}, which the project excludes (DistrolessExcludePackage)", soname, choice.Package);
                    choice = null;
                }

                if (choice is null)
                {
                    needs.Add(new NativeNeed(soname, null, neededBy));
                    continue;
                }

                if (choice.Candidates.Length > 1)
                {
                    _logger.LogInformation("{SoName} is shipped by {Candidates}; chose {Package} ({Rule})",
                        soname, string.Join(", ", choice.Candidates), choice.Package, choice.Rule);
                }

                needs.Add(new NativeNeed(soname, choice.Package, neededBy));
                wanted.Add(new PackageConstraint(choice.Package, VersionOperator.Any, null, null));
            }

            var resolver = new DependencyResolver(indexes, architecture.DebianArchitecture, [.. request.BasePackages, .. added], request.Base.Ignored);
            var round = resolver.Resolve(wanted.DistinctBy(w => w.Name), "the app's native libraries");
            added.AddRange(round);

            // The added packages' own libraries must load too.
            var layers = await _composer.BuildLayersAsync(request.Base, round, locked: false, ct).ConfigureAwait(false);
            foreach (var libraries in layers.Select(l => LayerLibrariesStore.Get(_cache, l)))
            {
                image.Add(libraries);
                checkedObjects.AddRange(libraries.Objects);
            }

            pending = analyzer.Analyze(checkedObjects, shipped).Missing
                .Where(m => handled.Add(m.Key))
                .ToImmutableSortedDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        }

        return (added.ToImmutable(), needs.ToImmutable());
    }

    private async Task WarnNotAddedAsync(NativeRequest request, NativeArchitecture architecture,
        ImmutableSortedDictionary<string, ImmutableArray<string>> missing, ImmutableSortedDictionary<string, ImmutableArray<string>> variants,
        CancellationToken ct)
    {
        if (missing.Count == 0)
        {
            return;
        }

        var releases = await Task.WhenAll(request.Base.Release.Suites.Select(s => _archive.FetchReleaseAsync(request.Base.SuiteOf(s.Suite), ct)))
            .ConfigureAwait(false);
        var indexes = await Task.WhenAll(releases.Select(r => _archive.FetchIndexAsync(r, architecture.DebianArchitecture, ct))).ConfigureAwait(false);
        var hits = await new ContentsLookup(_archive, _cache, releases, architecture, _logger)
            .FindAsync(missing.Keys.Where(k => !k.Contains('/')).ToList(), ct).ConfigureAwait(false);
        List<NativeNeed> unresolved = [];
        foreach (var (soname, neededBy) in missing)
        {
            var choice = LibraryPackageChooser.Choose(soname, hits.GetValueOrDefault(soname, []), architecture,
                name => indexes.Any(i => i.Find(name).Count > 0));
            if (choice is null)
            {
                unresolved.Add(new NativeNeed(soname, null, neededBy));
                continue;
            }

            foreach (var file in neededBy)
            {
                _logger.LogDiagnostic(Warnings.NativeDependencyNotAdded(soname, "/" + file, choice.Package));
            }
        }

        ReportUnresolved(request, [.. unresolved], variants);
    }

    /// <summary>
    /// A warning per file and soname nothing provides (an error for all of them together in strict
    /// mode). A file with sibling builds of the same library says so: the runtime may load another.
    /// </summary>
    private void ReportUnresolved(NativeRequest request, ImmutableArray<NativeNeed> needs, ImmutableSortedDictionary<string, ImmutableArray<string>> variantsOf)
    {
        var unresolved = needs.Where(n => !n.IsResolved).ToList();
        if (unresolved.Count == 0)
        {
            return;
        }

        var lines = unresolved.SelectMany(n => n.NeededBy.Select(file => (Need: n, File: file))).ToList();
        if (request.Strict)
        {
            throw Errors.NativeDependencyMissing(lines.Select(l => $"/{l.File} needs {l.Need.SoName}"));
        }

        foreach (var (need, file) in lines)
        {
            var why = $"no package of {string.Join(", ", request.Base.Release.Suites.Select(s => s.Suite))} that may be added ships it";
            if (variantsOf.GetValueOrDefault(file) is { IsDefaultOrEmpty: false } variants)
            {
                why += $" (it is one of several builds of the same library; the runtime may load {string.Join(" or ", variants.Select(v => "/" + v))} instead)";
            }

            _logger.LogDiagnostic(Warnings.NativeDependencyUnresolved(need.SoName, "/" + file, why));
        }
    }

    /// <summary>
    /// The lock's record of this answer. The question is what the base lacked for the app: the
    /// needs of the added packages' own files are part of the answer, not of the question.
    /// </summary>
    private LockedNative NewLock(ImmutableArray<NativeNeed> needs, ImmutableArray<PackageRecord> packages, LayerBlob[] layers)
    {
        var addedFiles = layers.SelectMany(l => LayerLibrariesStore.Get(_cache, l).Files).ToHashSet(StringComparer.Ordinal);
        return new LockedNative
        {
            Missing = needs.Where(n => n.NeededBy.Any(p => !addedFiles.Contains(p))).Select(n => n.SoName).Order(StringComparer.Ordinal).ToImmutableArray(),
            Needs = needs,
            Packages = packages.Select(LockedPackage.From).ToImmutableArray(),
        };
    }

    private static string CacheKey(NativeRequest request, NativeArchitecture architecture,
        ImmutableSortedDictionary<string, ImmutableArray<string>> missing, VerifiedRelease[] releases)
    {
        var text = new StringBuilder().Append(Recipe).Append('\n').Append(architecture.DebianArchitecture).Append('\n');
        foreach (var release in releases)
        {
            text.Append(release.Suite.ArchiveRoot).Append(' ').Append(release.Suite.Suite).Append(' ').Append(release.InReleaseDigest).Append('\n');
        }

        text.AppendJoin(' ', request.BasePackages.Select(p => $"{p.Name}={p.Version}")).Append('\n')
            .AppendJoin(' ', request.Base.Ignored.Order(StringComparer.Ordinal)).Append('\n')
            .Append(request.Base.Slim).Append(request.Base.Release.MergedUsr).Append('\n');
        foreach (var (soname, neededBy) in missing)
        {
            text.Append(soname).Append(' ').AppendJoin(' ', neededBy).Append('\n');
        }

        return Digest.Compute(Encoding.UTF8.GetBytes(text.ToString())).Hex;
    }

    internal sealed record ResolvedNative(BaseComposer.ResolvedPackage[] Packages, ImmutableArray<NativeNeed> Needs);
}
