using Distroless.Base;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Distroless.App;

namespace Distroless.Building;

/// <summary>
/// The whole request for one image, as plain data: every host (MSBuild task, CLI) fills one in
/// and hands it to <see cref="Containerizer"/>; nothing below reads MSBuild properties, the
/// environment or a clock. Serializable, so a build can be replayed from its plan file.
/// </summary>
public sealed record ImagePlan
{
    /// <summary>Image name without tag, e.g. "shop/api".</summary>
    public required string Repository { get; init; }

    public ImmutableArray<string> Tags { get; init; } = ["latest"];

    public required BasePlan Base { get; init; }

    public required AppPlan App { get; init; }

    public ContainerSettings Container { get; init; } = new();

    /// <summary>
    /// The time input, in seconds since 1970 (SOURCE_DATE_EPOCH, else 0): app file mtimes and the
    /// config's created time. Base layers never depend on it, so every app shares them.
    /// </summary>
    public long SourceDateEpoch { get; init; }

    /// <summary>Where the OCI image archive goes; null when the image goes only to a registry or an engine.</summary>
    public string? ArchivePath { get; init; }

    /// <summary>Push to this registry (host[:port]) as Repository:tag, for every tag.</summary>
    public string? Registry { get; init; }

    /// <summary>Load into a local engine ("podman" or "docker") through its command line.</summary>
    public string? LocalEngine { get; init; }

    public RegistrySettings RegistrySettings { get; init; } = new();

    /// <summary>
    /// Write SPDX and CycloneDX SBOMs beside the archive and attach them to a pushed image as
    /// OCI referrers. On by default: every image says what it is made of.
    /// </summary>
    public bool Sbom { get; init; } = true;

    /// <summary>Signing and provenance: the key's path, and what the provenance states about the build.</summary>
    public SupplyChainPlan SupplyChain { get; init; } = new();

    /// <summary>The user-wide cache of downloads and built layers.</summary>
    public required string CacheDirectory { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ImagePlan FromJson(string json)
        => JsonSerializer.Deserialize<ImagePlan>(json, Json) ?? throw new JsonException("the plan is empty");
}

/// <summary>Which base to build on: the Debian base to generate, or an image from a registry.</summary>
public sealed record BasePlan
{
    /// <summary>A registry image (ContainerBaseImage) to use instead of the generated base.</summary>
    public string? Image { get; init; }

    /// <summary>Debian codename, e.g. bookworm.</summary>
    public string Suite { get; init; } = Base.DebianRelease.DefaultCodename;

    /// <summary>The .NET runtime identifier the app was published for (linux-x64, linux-arm64).</summary>
    public required string RuntimeIdentifier { get; init; }

    /// <summary>Archive root of the Debian mirror (holds dists/ and pool/).</summary>
    public required string Mirror { get; init; }

    /// <summary>Archive root of the Debian security mirror.</summary>
    public required string SecurityMirror { get; init; }

    /// <summary>True when the app sets InvariantGlobalization: no ICU in the base.</summary>
    public bool InvariantGlobalization { get; init; }

    /// <summary>DistrolessPackage items: "name" or "name (>= version)", added with their dependencies.</summary>
    public ImmutableArray<string> ExtraPackages { get; init; } = [];

    /// <summary>DistrolessExcludePackage items: never added, even as a dependency.</summary>
    public ImmutableArray<string> ExcludedPackages { get; init; } = [];

    /// <summary>The debug variant: adds a busybox shell at /busybox (and to PATH). Never the default.</summary>
    public bool Debug { get; init; }

    /// <summary>Drop what a .NET app cannot use (gconv, unused ICU and OpenSSL plug-ins). On by default.</summary>
    public bool Slim { get; init; } = true;

    /// <summary>
    /// Add the Debian packages the app's native libraries need (DT_NEEDED the base lacks), found
    /// through the archive's Contents index. Off: nothing is added, each missing library is a warning.
    /// </summary>
    public bool ResolveNativeDependencies { get; init; } = true;

    /// <summary>A library the app's native code needs and no Debian package provides is an error, not a warning.</summary>
    public bool StrictNativeDependencies { get; init; }

    /// <summary>distroless.lock.json beside the project; null for no lock file.</summary>
    public string? LockFile { get; init; }

    /// <summary>Auto, Locked (CI: must match, never written), Update (re-resolve), None.</summary>
    public LockMode LockMode { get; init; } = LockMode.Auto;
}

/// <summary>The published app.</summary>
public sealed record AppPlan
{
    public required ImmutableArray<PublishedFile> Files { get; init; }

    /// <summary>The app's .deps.json (the classification source), if it has one.</summary>
    public string? DepsJsonPath { get; init; }

    /// <summary>The apphost's path relative to the app directory; the entrypoint.</summary>
    public required string AppHost { get; init; }

    public bool SelfContained { get; init; } = true;

    public bool IncludeSymbols { get; init; }

    /// <summary>A Native AOT publish: one native binary, no .NET runtime, the smallest base it needs.</summary>
    public bool NativeAot { get; init; }

    /// <summary>An ASP.NET Core app (the host knows from the Web SDK; the core also finds it in the app's manifests).</summary>
    public bool IsWebApp { get; init; }

    /// <summary>The app's .runtimeconfig.json: which shared frameworks a framework-dependent app needs.</summary>
    public string? RuntimeConfigPath { get; init; }

    /// <summary>Where the .NET runtime of a framework-dependent app comes from.</summary>
    public RuntimePlan Runtime { get; init; } = new();
}

/// <summary>How a framework-dependent app's runtime layer is resolved.</summary>
public sealed record RuntimePlan
{
    /// <summary>
    /// Shared framework name → the exact version the image carries: the newest patch the SDK
    /// knows for the target framework (what a self-contained publish would use). A framework
    /// missing here gets the version its runtimeconfig names.
    /// </summary>
    public ImmutableSortedDictionary<string, string> FrameworkVersions { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Where NuGet.Config files are looked up (the project directory).</summary>
    public string? NuGetSettingsRoot { get; init; }

    /// <summary>The NuGet global packages folder; null for the one NuGet.Config names.</summary>
    public string? NuGetPackagesFolder { get; init; }
}

public sealed record EnvironmentVariable(string Name, string Value);

/// <summary>The container settings, under the .NET SDK's property names where they exist.</summary>
public sealed record ContainerSettings
{
    public string WorkingDirectory { get; init; } = "/app";

    public string User { get; init; } = "65532";

    public ImmutableArray<EnvironmentVariable> Environment { get; init; } = [];

    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public ImmutableArray<ContainerPort> Ports { get; init; } = [];

    /// <summary>ContainerAppCommand: how to start the app; empty for the apphost (or the AOT binary).</summary>
    public ImmutableArray<string> AppCommand { get; init; } = [];

    /// <summary>ContainerAppCommandArgs: arguments always passed to the app.</summary>
    public ImmutableArray<string> AppCommandArgs { get; init; } = [];

    /// <summary>ContainerDefaultArgs: arguments a `run` may replace (the image's Cmd).</summary>
    public ImmutableArray<string> DefaultArgs { get; init; } = [];

    /// <summary>
    /// ContainerAppCommandInstruction: Entrypoint (the app command is the entrypoint),
    /// DefaultArgs (it is the Cmd, the base's entrypoint stays), or None (neither is set).
    /// </summary>
    public AppCommandInstruction AppCommandInstruction { get; init; } = AppCommandInstruction.Entrypoint;
}

/// <summary>How registries are reached and pushed to.</summary>
public sealed record RegistrySettings
{
    /// <summary>Registries (host[:port]) allowed over plain HTTP or unverified TLS, besides loopback.</summary>
    public ImmutableArray<string> InsecureRegistries { get; init; } = [];

    public int Parallelism { get; init; } = 4;

    public long ChunkedUploadThreshold { get; init; } = 16L * 1024 * 1024;

    public int ChunkSize { get; init; } = 8 * 1024 * 1024;
}
