using System.Collections.Immutable;
using Distroless.Caching;
using Distroless.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Distroless.Building;

public sealed partial class Containerizer
{
    /// <summary>How often a build starts over after a damaged cache entry was caught (each time one fewer is left).</summary>
    private const int RepairAttempts = 4;

    /// <summary>
    /// Runs one whole operation the way a user should see it fail, or not fail:
    /// <list type="bullet">
    /// <item>A cached blob found damaged while it was sent out (<see cref="CachedBlobReader"/> has
    /// evicted it) is rebuilt by running the operation again: everything else comes from the
    /// cache or is already at its destination (a registry keeps what was pushed), so only the
    /// damaged blob is made again. The result lists it, and a DSTL4010 warning says so.</item>
    /// <item>A failure of the file system (disk full, permission denied, read-only, …) becomes its
    /// DSTL code, naming the path and the setting that moves it, never an internal error.</item>
    /// </list>
    /// </summary>
    private async Task<T> GuardAsync<T>(string cacheDirectory, string? archivePath, string? lockFile, Func<Task<T>> run)
    {
        List<FileLocation> locations = [FileLocation.Cache(cacheDirectory)];
        if (archivePath is not null)
        {
            locations.Add(FileLocation.ImageOutput(archivePath));
        }

        if (lockFile is not null)
        {
            locations.Add(FileLocation.LockFile(lockFile));
        }

        var repaired = ImmutableArray.CreateBuilder<string>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await run().ConfigureAwait(false);
                return result is BuildResult built && repaired.Count > 0
                    ? (T)(object)(built with { RepairedCacheEntries = repaired.ToImmutable() })
                    : result;
            }
            catch (Exception e) when (CorruptCacheEntryException.FindAll(e) is { Count: > 0 } found)
            {
                if (attempt >= RepairAttempts)
                {
                    throw found[0].ToError();
                }

                foreach (var corrupt in found)
                {
                    _logger.LogDiagnostic(Warnings.CacheRepaired(corrupt.Path, corrupt.Detail));
                    repaired.Add(corrupt.Digest.ToString());
                }
            }
            catch (Exception e) when (e is not DistrolessException && FileSystemErrors.Classify(e, locations) is { } classified)
            {
                throw classified;
            }
        }
    }
}
