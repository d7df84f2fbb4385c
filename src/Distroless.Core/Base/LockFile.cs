using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Distroless.Debian;
using Distroless.Diagnostics;
using Distroless.IO;
using Distroless.Oci;

namespace Distroless.Base;

/// <summary>
/// distroless.lock.json: the exact Debian packages a base was built from, per architecture, so
/// every machine builds the same base until the lock is updated on purpose. It names suites
/// and pool paths, never a mirror (mirrors are configuration), and records the InRelease each
/// suite had when the lock was written, for the freshness check.
/// </summary>
public sealed record LockFile
{
    public const string DefaultName = "distroless.lock.json";

    public int Version { get; init; } = 1;

    public required string Suite { get; init; }

    /// <summary>Debian architecture (amd64, arm64) → what it resolved to.</summary>
    public ImmutableSortedDictionary<string, LockedPlatform> Platforms { get; init; }
        = ImmutableSortedDictionary<string, LockedPlatform>.Empty.WithComparers(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Debian versions are full of '+' and '~': keep them readable in a file people review.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static LockFile? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var lockFile = JsonSerializer.Deserialize<LockFile>(File.ReadAllBytes(path), Json);
            return lockFile is { Version: 1 } ? lockFile : throw new JsonException("unknown lock file version");
        }
        catch (JsonException e)
        {
            throw Errors.MalformedLockFile(path, e.Message);
        }
    }

    /// <summary>Written with sorted keys and '\n' line ends, atomically, so it diffs cleanly and is never half-written.</summary>
    public void Write(string path)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this with { Platforms = Platforms.WithComparers(StringComparer.Ordinal) }, Json);
        var text = System.Text.Encoding.UTF8.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        var full = Path.GetFullPath(path);
        AtomicFile.RemoveStale(full);
        AtomicFile.Write(full, System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A platform's section as the file writes it (to tell whether anything changed).</summary>
    public static string ToJson(LockedPlatform platform) => JsonSerializer.Serialize(platform, Json);

    public LockFile WithPlatform(string architecture, LockedPlatform platform)
        => this with { Platforms = Platforms.WithComparers(StringComparer.Ordinal).SetItem(architecture, platform) };
}

/// <summary>One architecture's resolution: for which request, from which InRelease files, to which packages.</summary>
public sealed record LockedPlatform
{
    /// <summary>The package request it answers: base names in order, "+name (op version)" extras, "-name" exclusions.</summary>
    public ImmutableArray<string> Request { get; init; } = [];

    /// <summary>Suite → SHA-256 of its InRelease when the lock was written.</summary>
    public ImmutableSortedDictionary<string, string> InRelease { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public ImmutableArray<LockedPackage> Packages { get; init; } = [];

    /// <summary>What the app's native libraries needed beyond this base, and the packages added for it; null when nothing.</summary>
    public LockedNative? Native { get; init; }
}

/// <summary>
/// The packages added because the app's native code needs libraries the base lacks
/// (<see cref="NativeClosure"/>). <see cref="Missing"/> is the question (the sonames the base
/// lacked), the rest its answer: the lock answers a later build whose base lacks the same.
/// </summary>
public sealed record LockedNative
{
    public ImmutableArray<string> Missing { get; init; } = [];

    /// <summary>Each soname, the package chosen for it (null: no Debian package has it), and the files that need it.</summary>
    public ImmutableArray<Native.NativeNeed> Needs { get; init; } = [];

    /// <summary>The chosen packages and their dependencies, in layer order.</summary>
    public ImmutableArray<LockedPackage> Packages { get; init; } = [];
}

public sealed record LockedPackage(string Name, string Version, string Architecture, string Suite, string Filename, long Size,
    string Sha256, string? Source = null)
{
    public static LockedPackage From(PackageRecord p)
        => new(p.Name, p.Version.Text, p.Architecture, p.Origin.Suite, p.Filename, p.Size, p.Sha256.Hex, p.Source);

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

/// <summary>How a build treats the lock file.</summary>
public enum LockMode
{
    /// <summary>Use the lock when it answers this build's request; otherwise resolve and (re)write it.</summary>
    Auto,

    /// <summary>CI: the lock must exist and answer the request; nothing is resolved or written.</summary>
    Locked,

    /// <summary>Resolve against the archive now and rewrite the lock.</summary>
    Update,

    /// <summary>No lock file: resolve every time (the resolution is still cached per index digests).</summary>
    None,
}
