using Distroless.Base;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Registry;

namespace Distroless.Building;

public sealed partial class Containerizer
{
    /// <summary>
    /// Brings the plans' lock file up to date without building the app image (the `distroless
    /// lock` command): composes the generated base of every plan's platform, as a build would,
    /// and writes the lock. <paramref name="update"/> re-resolves against the archive (LockMode
    /// Update); otherwise a lock that already answers the plans is kept (LockMode Auto). The
    /// base layers land in the cache, so the next build does not fetch them again.
    /// </summary>
    public Task<LockResult> LockAsync(IReadOnlyList<ImagePlan> plans, bool update, CancellationToken ct = default)
        => plans.Count == 0 ? LockOnceAsync(plans, update, ct)
            : GuardAsync(plans[0].CacheDirectory, null, plans[0].Base.LockFile, () => LockOnceAsync(plans, update, ct));

    private async Task<LockResult> LockOnceAsync(IReadOnlyList<ImagePlan> plans, bool update, CancellationToken ct)
    {
        var first = plans[0];
        if (first.Base.Image is { } image)
        {
            throw Errors.InvalidProperty("ContainerBaseImage", image,
                "no ContainerBaseImage: only the generated Debian base has a lock file, a registry base is pinned by its digest");
        }

        var path = first.Base.LockFile
            ?? throw Errors.InvalidProperty("DistrolessLockFile", "", "a lock file path: the plan was written with DistrolessUseLockFile=false");
        var mode = update ? LockMode.Update : LockMode.Auto;
        var locking = plans.Select(p => p with { Base = p.Base with { LockMode = mode } }).ToList();
        foreach (var each in locking)
        {
            ImagePlanValidator.Validate(each);
        }

        ImagePlanValidator.ValidateTogether(locking);
        var before = File.Exists(path) ? await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false) : null;
        var cache = new BlobCache(first.CacheDirectory);
        using var sessions = new RegistrySessions(RegistryOptionsFor(new RegistrySettings()), _credentials, _logger);
        var locks = new LockState(locking[0].Base);
        foreach (var each in locking)
        {
            var platform = Platform.FromRuntimeIdentifier(each.Base.RuntimeIdentifier)!;
            await GetBaseAsync(each, platform, cache, sessions, locks, ct).ConfigureAwait(false);
        }

        locks.Save(_logger);
        var after = File.Exists(path) ? await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false) : null;
        var written = LockFile.Read(path) ?? throw Errors.OutputNotWritable(path, "the lock file was not written");
        return new LockResult(Path.GetFullPath(path), written, before is null || after is null || !before.AsSpan().SequenceEqual(after));
    }
}
