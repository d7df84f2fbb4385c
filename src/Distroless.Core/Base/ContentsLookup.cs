using System.Collections.Immutable;
using Distroless.Caching;
using Distroless.Compression;
using Distroless.Debian;
using Distroless.Diagnostics;
using Distroless.Native;
using Microsoft.Extensions.Logging;

namespace Distroless.Base;

/// <summary>
/// Which packages of the configured suites ship a file of a given name, from their signed
/// Contents indexes. An index is downloaded (and verified) only when a first name is asked for;
/// each answer is remembered in the cache under the index's digest, so a warm build reads no index.
/// </summary>
internal sealed class ContentsLookup
{
    private readonly DebianArchiveClient _archive;
    private readonly BlobCache _cache;
    private readonly IReadOnlyList<VerifiedRelease> _releases;
    private readonly NativeArchitecture _architecture;
    private readonly ILogger _logger;

    public ContentsLookup(DebianArchiveClient archive, BlobCache cache, IReadOnlyList<VerifiedRelease> releases, NativeArchitecture architecture, ILogger logger)
    {
        _archive = archive;
        _cache = cache;
        _releases = releases;
        _architecture = architecture;
        _logger = logger;
    }

    /// <summary>File name → every file of that name in any suite's index, with its packages.</summary>
    public async Task<ImmutableDictionary<string, ImmutableArray<ContentsIndex.Hit>>> FindAsync(IReadOnlyCollection<string> fileNames,
        CancellationToken ct, bool withVersionSuffix = false)
    {
        var found = fileNames.ToDictionary(n => n, _ => ImmutableArray.CreateBuilder<ContentsIndex.Hit>(), StringComparer.Ordinal);
        if (fileNames.Count == 0)
        {
            return ImmutableDictionary<string, ImmutableArray<ContentsIndex.Hit>>.Empty;
        }

        var listed = 0;
        foreach (var release in _releases)
        {
            if (DebianArchiveClient.SelectContents(release, _architecture.DebianArchitecture) is not var (_, _, digest))
            {
                continue;
            }

            listed++;
            string key(string name) => $"{digest.Hex}-{Oci.Digest.Compute(System.Text.Encoding.UTF8.GetBytes((withVersionSuffix ? "~" : "") + name)).Hex[..16]}";
            var unknown = fileNames.Where(n => !_cache.TryReadRecord<ContentsIndex.Hit[]>("contents-lookup", key(n), out _)).ToList();
            if (unknown.Count > 0)
            {
                var (blob, format, _) = (await _archive.FetchContentsAsync(release, _architecture.DebianArchitecture, ct).ConfigureAwait(false))!.Value;
                await using var file = File.OpenRead(blob);
                await using var text = Decompression.Open(file, format);
                var hits = ContentsIndex.Search(text, unknown.Select(n => new ContentsIndex.Query(n, withVersionSuffix)).ToList());
                foreach (var (query, queryHits) in hits)
                {
                    _cache.WriteRecord("contents-lookup", key(query.FileName), queryHits.ToArray());
                }

                _logger.LogDebug("Searched {Suite}'s Contents-{Architecture} for {Names}", release.Suite.Suite, _architecture.DebianArchitecture,
                    string.Join(", ", unknown));
            }

            foreach (var name in fileNames)
            {
                if (_cache.TryReadRecord<ContentsIndex.Hit[]>("contents-lookup", key(name), out var hits))
                {
                    found[name].AddRange(hits);
                }
            }
        }

        if (listed == 0)
        {
            _logger.LogDiagnostic(Warnings.ContentsIndexUnavailable(string.Join(", ", _releases.Select(r => r.Suite.Suite)),
                _architecture.DebianArchitecture, string.Join(", ", fileNames)));
        }

        return found.ToImmutableDictionary(f => f.Key, f => f.Value.ToImmutable(), StringComparer.Ordinal);
    }
}
