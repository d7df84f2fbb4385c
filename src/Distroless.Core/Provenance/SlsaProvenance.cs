using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Distroless.Oci;

namespace Distroless.Provenance;

/// <summary>
/// An SLSA Provenance v1 predicate: how an image was built (our build type, the parameters a
/// user controls, every artifact the build resolved) and who ran it. No timestamps: time is an
/// input of the build (SOURCE_DATE_EPOCH, among the external parameters), so the same build on
/// another day states the same provenance. docs/supply-chain.md describes the fields.
/// </summary>
public sealed record SlsaProvenance
{
    public const string PredicateType = "https://slsa.dev/provenance/v1";

    /// <summary>What the build definition means: a Distroless.Sdk image build, this version of its parameters.</summary>
    public const string BuildType = "urn:distroless-sdk:build-type:container-image:v1";

    /// <summary>The builder of a build that no CI system ran (a developer's machine).</summary>
    public const string LocalBuilderId = "urn:distroless-sdk:builder:local";

    /// <summary>The parameters a user controls: project, configuration, runtime identifiers, the image's settings.</summary>
    public required JsonObject ExternalParameters { get; init; }

    /// <summary>Every artifact the build used, by URI and digest: source, Debian indexes and packages, NuGet packages, runtime packs, a registry base.</summary>
    public required ImmutableArray<ResourceDescriptor> ResolvedDependencies { get; init; }

    public string BuilderId { get; init; } = LocalBuilderId;

    /// <summary>Component → version of the builder (Distroless.Sdk's own).</summary>
    public ImmutableSortedDictionary<string, string> BuilderVersion { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public string? InvocationId { get; init; }

    public byte[] ToJson() => OciJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("buildDefinition");
        w.WriteString("buildType", BuildType);
        w.WritePropertyName("externalParameters");
        ExternalParameters.WriteTo(w);
        w.WriteStartArray("resolvedDependencies");
        foreach (var dependency in ResolvedDependencies)
        {
            dependency.Write(w);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("runDetails");
        w.WriteStartObject("builder");
        w.WriteString("id", BuilderId);
        OciJson.WriteMap(w, "version", BuilderVersion);

        w.WriteEndObject();
        if (InvocationId is { } invocation)
        {
            w.WriteStartObject("metadata");
            w.WriteString("invocationId", invocation);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });
}
