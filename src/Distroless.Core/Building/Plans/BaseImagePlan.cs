using Distroless.Base;
using System.Collections.Immutable;

namespace Distroless.Building;

/// <summary>
/// A base image on its own (the `distroless base` command): the generated Debian base for one or
/// more platforms, with the non-root user and no app, to use as a ContainerBaseImage elsewhere.
/// </summary>
public sealed record BaseImagePlan
{
    public string Suite { get; init; } = Base.DebianRelease.DefaultCodename;

    /// <summary>linux-x64, linux-arm64: one image, or an index of several.</summary>
    public ImmutableArray<string> RuntimeIdentifiers { get; init; } = ["linux-x64"];

    public required string Mirror { get; init; }

    public required string SecurityMirror { get; init; }

    public BaseImageFlavor Flavor { get; init; } = BaseImageFlavor.Runtime;

    public ImmutableArray<string> ExtraPackages { get; init; } = [];

    public bool Slim { get; init; } = true;

    public bool Debug { get; init; }

    public long SourceDateEpoch { get; init; }

    public string? LockFile { get; init; }

    public LockMode LockMode { get; init; } = LockMode.Auto;

    public required string CacheDirectory { get; init; }

    public required OutputTarget Output { get; init; }

    public RegistrySettings RegistrySettings { get; init; } = new();
}
