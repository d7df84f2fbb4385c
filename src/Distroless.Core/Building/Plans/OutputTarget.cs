using System.Collections.Immutable;

namespace Distroless.Building;

/// <summary>Where finished images go: the name and tags, and any of an archive, a registry, a local engine.</summary>
public sealed record OutputTarget(string Repository, ImmutableArray<string> Tags, string? ArchivePath, string? Registry, string? LocalEngine);
