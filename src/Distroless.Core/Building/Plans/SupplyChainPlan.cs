using Distroless.Provenance;

namespace Distroless.Building;

/// <summary>
/// How an image is signed and what its provenance says about the build. The plan names the key
/// by its path only: the key never enters a plan, an inputs file, a log or the cache, and an
/// encrypted key's password reaches the <see cref="Containerizer"/> from its host's environment
/// (DISTROLESS_SIGNING_KEY_PASSWORD), never through the plan.
/// </summary>
public sealed record SupplyChainPlan
{
    /// <summary>
    /// DistrolessSigningKey: a PEM private key (ECDSA P-256 or Ed25519). With one, every image
    /// (and the index of a multi-platform image) gets a Sigstore bundle signing it; without one,
    /// nothing is signed.
    /// </summary>
    public string? SigningKey { get; init; }

    /// <summary>
    /// DistrolessProvenance: attach a signed SLSA v1 provenance to each signed image. It needs a
    /// key: an unsigned provenance is a claim anyone who can push could have made, which no
    /// verifier accepts (see docs/supply-chain.md).
    /// </summary>
    public bool Provenance { get; init; } = true;

    /// <summary>The project file's name (not its path, which differs per machine).</summary>
    public string? Project { get; init; }

    public string? Configuration { get; init; }

    public string? TargetFramework { get; init; }

    /// <summary>obj/project.assets.json: every NuGet package restore resolved, with its SHA-512.</summary>
    public string? AssetsFile { get; init; }

    /// <summary>The CI run this build happened in, if any: builder and invocation ids, source revision.</summary>
    public BuildInvocation? Invocation { get; init; }
}
