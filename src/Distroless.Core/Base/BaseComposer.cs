using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Diagnostics;
using Distroless.Layers;
using Distroless.Oci;
using Microsoft.Extensions.Logging;

namespace Distroless.Base;

/// <summary>
/// Composes a distroless base from the Debian archive: verify each suite's InRelease, pick the
/// newest version of every listed package across release, updates and security, check the set
/// is closed, fetch and verify the .debs, and turn each into a layer; the synthetic layer goes
/// last. With a warm cache only the three InRelease files are fetched: what a set of signed
/// indexes resolves to is remembered under the indexes' digests, and each .deb's layer under
/// the .deb's digest.
/// </summary>
public sealed class BaseComposer
{
    private const string ResolveRecipe = "resolve-v2";
    private readonly DebianArchiveClient _archive;
    private readonly BlobCache _cache;
    private readonly ILogger _logger;

    public BaseComposer(DebianArchiveClient archive, BlobCache cache, ILogger logger)
    {
        _archive = archive;
        _cache = cache;
        _logger = logger;
    }

    public async Task<DistrolessBase> ComposeAsync(BaseRequest request, CancellationToken ct = default)
        => (await ComposeAsync(request, null, LockMode.None, ct).ConfigureAwait(false)).Base;

    /// <summary>
    /// Composes the base, using or producing the lock for this platform: with a lock that
    /// answers the request, no index is read (the InRelease files are only checked for
    /// freshness, and an offline build just warns); otherwise the request is resolved against
    /// the signed indexes and the new lock section is returned for the caller to write.
    /// </summary>
    public async Task<(DistrolessBase Base, LockedPlatform Lock)> ComposeAsync(BaseRequest request, LockedPlatform? locked, LockMode mode,
        CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var architecture = request.Platform.DebianArchitecture;
        var useLock = locked is not null && mode is LockMode.Auto or LockMode.Locked && locked.Request.SequenceEqual(request.LockRequest);
        if (mode == LockMode.Locked && !useLock)
        {
            throw Errors.LockFileOutOfDate(LockFile.DefaultName, locked is null
                ? $"it has no {architecture} section"
                : $"it was written for [{string.Join(", ", locked.Request)}], this build asks for [{string.Join(", ", request.LockRequest)}]");
        }

        ImmutableArray<PackageRecord> packages;
        LockedPlatform section;
        if (useLock)
        {
            packages = locked!.Packages.Select(p => p.ToRecord(request.SuiteOf(p.Suite))).ToImmutableArray();
            await CheckFreshnessAsync(request, locked, ct).ConfigureAwait(false);
            section = locked;
        }
        else
        {
            var releases = await Task.WhenAll(request.Release.Suites.Select(s => _archive.FetchReleaseAsync(request.SuiteOf(s.Suite), ct)))
                .ConfigureAwait(false);
            packages = await ResolveAsync(request, releases, architecture, ct).ConfigureAwait(false);
            section = new LockedPlatform
            {
                Request = request.LockRequest,
                InRelease = releases.ToImmutableSortedDictionary(r => r.Suite.Suite, r => r.InReleaseDigest.ToString(), StringComparer.Ordinal),
                Packages = packages.Select(LockedPackage.From).ToImmutableArray(),
            };
        }

        _logger.LogDebug("Base packages: {Packages}", string.Join(", ", packages.Select(p => $"{p.Name} {p.Version}")));
        var layers = await BuildLayersAsync(request, packages, locked: useLock, ct).ConfigureAwait(false);
        foreach (var (package, layer) in packages.Zip(layers))
        {
            _logger.LogDebug("  {Package} {Version}: {Size:F2} MB compressed, {Unpacked:F2} MB unpacked",
                package.Name, package.Version, layer.Size / 1e6, layer.UncompressedSize / 1e6);
        }

        var synthetic = SyntheticLayer.Build(_cache);
        _logger.LogInformation("Distroless base: Debian {Release} {Architecture}, {Count} packages, {Size:F1} MB compressed ({Seconds:F2} s)",
            request.Release.VersionId, architecture, packages.Length,
            (layers.Sum(l => l.Size) + synthetic.Size) / 1e6, clock.Elapsed.TotalSeconds);
        return (new DistrolessBase(request.Release, [.. layers, synthetic], packages), section);
    }

    /// <summary>
    /// With a lock, the archive is consulted only to say whether it moved on (new InRelease
    /// files may carry security fixes); when it cannot be reached, the build goes on and says so.
    /// </summary>
    private async Task CheckFreshnessAsync(BaseRequest request, LockedPlatform locked, CancellationToken ct)
    {
        try
        {
            var releases = await Task.WhenAll(request.Release.Suites.Select(s => _archive.FetchReleaseAsync(request.SuiteOf(s.Suite), ct)))
                .ConfigureAwait(false);
            var moved = releases.Where(r => locked.InRelease.GetValueOrDefault(r.Suite.Suite) != r.InReleaseDigest.ToString())
                .Select(r => r.Suite.Suite).ToList();
            if (moved.Count > 0)
            {
                _logger.LogWarning("The Debian archive has changed since the lock file was written ({Suites}); " +
                    $"publish with {Setting.Assigned("DistrolessUpdateLock", "true")} to pick up its fixes", string.Join(", ", moved));
            }
        }
        catch (DistrolessException e) when (e.Code == DiagnosticCodes.ArchiveUnreachable)
        {
            _logger.LogWarning("Offline: the lock file's packages are used without checking the archive for newer ones ({Reason})",
                e.Diagnostic.MessageText);
        }
    }

    /// <summary>
    /// Downloads run several at a time (network-bound), biggest first; each .deb becomes a layer
    /// as soon as it arrives, at most one per core (CPU-bound: xz decode, gzip). A package whose
    /// layer is cached is not even downloaded.
    /// </summary>
    internal async Task<LayerBlob[]> BuildLayersAsync(BaseRequest request, ImmutableArray<PackageRecord> packages, bool locked, CancellationToken ct)
    {
        using var downloads = new SemaphoreSlim(6);
        using var cpus = new SemaphoreSlim(Environment.ProcessorCount);
        var options = new PackageLayerOptions(request.Release.MergedUsr, request.Slim);
        var layers = new LayerBlob[packages.Length];
        await Task.WhenAll(Enumerable.Range(0, packages.Length).OrderByDescending(i => packages[i].Size).Select(async i =>
        {
            if (PackageLayer.TryGetCached(_cache, packages[i], options) is { } cached)
            {
                layers[i] = cached;
                return;
            }

            string deb;
            await downloads.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                deb = await _archive.FetchPackageAsync(packages[i], locked, ct).ConfigureAwait(false);
            }
            finally
            {
                downloads.Release();
            }

            await cpus.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                layers[i] = await Task.Run(() => PackageLayer.GetOrBuild(_cache, deb, packages[i], options), ct).ConfigureAwait(false);
            }
            finally
            {
                cpus.Release();
            }
        })).ConfigureAwait(false);
        return layers;
    }

    private async Task<ImmutableArray<PackageRecord>> ResolveAsync(BaseRequest request, VerifiedRelease[] releases,
        string architecture, CancellationToken ct)
    {
        var indexes = releases.Select(r => (Release: r, Index: DebianArchiveClient.SelectIndex(r, architecture))).ToList();
        var key = ResolutionKey(request, architecture, indexes.Select(i => (i.Release.Suite, i.Index.Sha256)));
        if (_cache.TryReadRecord<ResolvedPackage[]>("resolved", key, out var cached))
        {
            var byRoot = releases.ToDictionary(r => (r.Suite.ArchiveRoot.AbsoluteUri, r.Suite.Suite));
            return cached.Select(p => p.ToRecord(byRoot[(p.ArchiveRoot, p.Suite)].Suite)).ToImmutableArray();
        }

        var loaded = await Task.WhenAll(releases.Select(r => _archive.FetchIndexAsync(r, architecture, ct))).ConfigureAwait(false);
        var selected = PackageSelector.Select(request.PackageNames, loaded, architecture);
        var added = new DependencyResolver(loaded, architecture, selected, request.Ignored).Resolve(request.ExtraPackages);
        ImmutableArray<PackageRecord> all = [.. selected, .. added];
        PackageSelector.CheckClosure(all, request.Ignored);
        _cache.WriteRecord("resolved", key, all.Select(ResolvedPackage.From).ToArray());
        return all;
    }

    private static string ResolutionKey(BaseRequest request, string architecture, IEnumerable<(ArchiveSuite Suite, Digest Index)> indexes)
    {
        var text = new StringBuilder()
            .Append(ResolveRecipe).Append('\n')
            .Append(architecture).Append('\n')
            .AppendJoin(' ', request.LockRequest).Append('\n')
            .AppendJoin(' ', request.Ignored.Order(StringComparer.Ordinal)).Append('\n');
        foreach (var (suite, index) in indexes)
        {
            text.Append(suite.ArchiveRoot).Append(' ').Append(suite.Suite).Append(' ').Append(index).Append('\n');
        }

        return Digest.Compute(Encoding.UTF8.GetBytes(text.ToString())).Hex;
    }

    /// <summary>The parts of a selected package a build needs, as remembered in the cache.</summary>
    internal sealed record ResolvedPackage(string Name, string Version, string Architecture, string Filename, long Size,
        string Sha256, string? Source, string ArchiveRoot, string Suite)
    {
        public static ResolvedPackage From(PackageRecord p) => new(p.Name, p.Version.Text, p.Architecture, p.Filename,
            p.Size, p.Sha256.Hex, p.Source, p.Origin.ArchiveRoot.AbsoluteUri, p.Origin.Suite);

        // The same fields as a lock entry, plus the archive root; one conversion serves both.
        public PackageRecord ToRecord(ArchiveSuite origin)
            => new LockedPackage(Name, Version, Architecture, Suite, Filename, Size, Sha256, Source).ToRecord(origin);
    }
}
