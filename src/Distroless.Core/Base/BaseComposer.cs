using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Distroless.Caching;
using Distroless.Debian;
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
    private const string ResolveRecipe = "resolve-v1";
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
    {
        var clock = Stopwatch.StartNew();
        var suites = request.Release.Suites
            .Select(s => new ArchiveSuite(s.Security ? request.SecurityMirror : request.Mirror, s.Suite))
            .ToList();
        var releases = await Task.WhenAll(suites.Select(s => _archive.FetchReleaseAsync(s, ct))).ConfigureAwait(false);

        var architecture = request.Platform.DebianArchitecture;
        var packages = await ResolveAsync(request, releases, architecture, ct).ConfigureAwait(false);
        _logger.LogDebug("Base packages: {Packages}", string.Join(", ", packages.Select(p => $"{p.Name} {p.Version}")));

        // Downloads run several at a time (network-bound), biggest first; each .deb becomes a
        // layer as soon as it arrives, at most one per core (CPU-bound: xz decode, gzip).
        using var downloads = new SemaphoreSlim(6);
        using var cpus = new SemaphoreSlim(Environment.ProcessorCount);
        var layers = new LayerBlob[packages.Length];
        await Task.WhenAll(Enumerable.Range(0, packages.Length).OrderByDescending(i => packages[i].Size).Select(async i =>
        {
            string deb;
            await downloads.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                deb = await _archive.FetchPackageAsync(packages[i], ct).ConfigureAwait(false);
            }
            finally
            {
                downloads.Release();
            }

            await cpus.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                layers[i] = await Task.Run(() => PackageLayer.GetOrBuild(_cache, deb, packages[i], request.Release.MergedUsr), ct).ConfigureAwait(false);
            }
            finally
            {
                cpus.Release();
            }
        })).ConfigureAwait(false);

        var synthetic = SyntheticLayer.Build(_cache, request.Release);
        _logger.LogInformation("Distroless base: Debian {Release} {Architecture}, {Count} packages, {Size:F1} MB compressed ({Seconds:F2} s)",
            request.Release.VersionId, architecture, packages.Length,
            (layers.Sum(l => l.Size) + synthetic.Size) / 1e6, clock.Elapsed.TotalSeconds);
        return new DistrolessBase(request.Release, [.. layers, synthetic], packages);
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
        PackageSelector.CheckClosure(selected, request.Release.IgnoredDependencies);
        _cache.WriteRecord("resolved", key, selected.Select(ResolvedPackage.From).ToArray());
        return selected;
    }

    private static string ResolutionKey(BaseRequest request, string architecture, IEnumerable<(ArchiveSuite Suite, Digest Index)> indexes)
    {
        var text = new StringBuilder()
            .Append(ResolveRecipe).Append('\n')
            .Append(architecture).Append('\n')
            .AppendJoin(' ', request.PackageNames).Append('\n')
            .AppendJoin(' ', request.Release.IgnoredDependencies.Order(StringComparer.Ordinal)).Append('\n');
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

        public PackageRecord ToRecord(ArchiveSuite origin) => new()
        {
            Name = Name,
            Version = DebVersion.Parse(Version),
            Architecture = Architecture,
            Filename = Filename,
            Size = Size,
            Sha256 = Digest.FromHex(Sha256),
            Source = Source,
            Origin = origin,
        };
    }
}
