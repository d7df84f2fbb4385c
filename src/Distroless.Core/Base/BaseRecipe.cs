using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Distroless.Debian;

namespace Distroless.Base;

/// <summary>
/// How a generated base was made, recorded as a manifest annotation so the image can be rebased
/// later (same request, current packages) without the project: release, flavor, added and
/// excluded packages, slimming, the debug shell, and how many of the image's layers are the base.
/// </summary>
public sealed record BaseRecipe
{
    public const string Annotation = "distroless.sdk.base";

    public required string Suite { get; init; }
    public required bool Cpp { get; init; }
    public required bool Ssl { get; init; }
    public required bool Icu { get; init; }
    public ImmutableArray<string> ExtraPackages { get; init; } = [];
    public ImmutableArray<string> ExcludedPackages { get; init; } = [];
    public bool Slim { get; init; } = true;
    public bool Debug { get; init; }
    public required int Layers { get; init; }

    /// <summary>
    /// What the app's native code needed beyond the base, and the package added for each
    /// (<see cref="NativeClosure"/>): a rebase adds them again, `distroless inspect` shows why.
    /// Absent when nothing was added, so such images keep the digests they always had.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<Native.NativeNeed>? Native { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static BaseRecipe From(BaseRequest request, int layers, ImmutableArray<Native.NativeNeed> native = default) => new()
    {
        Native = native.IsDefaultOrEmpty ? null : native,
        Suite = request.Release.Codename,
        Cpp = request.Flavor.Cpp,
        Ssl = request.Flavor.Ssl,
        Icu = request.Flavor.Icu,
        ExtraPackages = request.ExtraPackages.Select(p => p.ToString()).ToImmutableArray(),
        ExcludedPackages = request.ExcludedPackages,
        Slim = request.Slim,
        Debug = request.Debug,
        Layers = layers,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BaseRecipe? FromAnnotations(IReadOnlyDictionary<string, string>? annotations)
        => annotations is not null && annotations.TryGetValue(Annotation, out var json) ? JsonSerializer.Deserialize<BaseRecipe>(json, Json) : null;

    /// <summary>The request that makes this base again, for a platform and mirrors.</summary>
    public BaseRequest ToRequest(Oci.Platform platform, Uri mirror, Uri securityMirror)
        => new(DebianRelease.Find(Suite) ?? throw Diagnostics.Errors.UnsupportedSuite(Suite, DebianRelease.Supported.Select(r => r.Codename)),
            platform, mirror, securityMirror, new BaseFlavor(Cpp, Ssl, Icu))
        {
            ExtraPackages = ExtraPackages.Select(p => PackageRelation.ParseList(p)[0].Alternatives[0]).ToImmutableArray(),
            ExcludedPackages = ExcludedPackages,
            Slim = Slim,
            Debug = Debug,
        };
}
