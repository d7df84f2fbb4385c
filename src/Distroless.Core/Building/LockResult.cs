using Distroless.Base;

namespace Distroless.Building;

/// <summary>What <see cref="Containerizer.LockAsync"/> left on disk: the lock file, and whether this run changed it.</summary>
public sealed record LockResult(string Path, LockFile Lock, bool Changed);
