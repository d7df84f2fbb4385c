using Distroless.Base;
using Microsoft.Extensions.Logging;

namespace Distroless.Building;

/// <summary>
/// The lock file during one build: read once, each platform's section used or replaced, and
/// written back at the end only when something changed (and never in Locked mode).
/// </summary>
internal sealed class LockState
{
    private readonly string? _path;
    private readonly LockFile? _original;
    private LockFile? _current;

    public LockState(BasePlan plan)
        : this(plan.LockFile, plan.LockMode, plan.Suite)
    {
    }

    public LockState(string? path, LockMode mode, string suite)
    {
        Mode = path is null ? LockMode.None : mode;
        _path = path;
        _original = Mode is LockMode.Auto or LockMode.Locked && _path is not null ? LockFile.Read(_path) : null;
        if (_original is not null && _original.Suite != suite)
        {
            // A lock for another release answers nothing here; Locked mode then fails per platform.
            _original = null;
        }

        _current = _original ?? new LockFile { Suite = suite };
    }

    public LockMode Mode { get; }

    public LockedPlatform? For(string architecture) => _original?.Platforms.GetValueOrDefault(architecture);

    public void Record(string architecture, LockedPlatform section) => _current = _current!.WithPlatform(architecture, section);

    public void Save(ILogger logger)
    {
        // Nothing recorded (a registry base has no lock: its digest pins it): nothing to write.
        if (_path is null || Mode is LockMode.Locked or LockMode.None || _current is null || _current.Platforms.IsEmpty)
        {
            return;
        }

        var unchanged = _original is not null && _original.Platforms.Count == _current.Platforms.Count
            && _original.Platforms.All(p => _current.Platforms.TryGetValue(p.Key, out var now) && Same(p.Value, now));
        if (unchanged)
        {
            return;
        }

        _current.Write(_path);
        logger.LogInformation("Wrote the lock file {Path} ({Platforms})", _path, string.Join(", ", _current.Platforms.Keys));
    }

    // As the file would hold them: records of arrays compare arrays by reference.
    private static bool Same(LockedPlatform a, LockedPlatform b) => LockFile.ToJson(a) == LockFile.ToJson(b);
}
