using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Distroless.App;
using Distroless.Base;
using Distroless.Oci;
using Distroless.Output;
using Distroless.Provenance;
using Distroless.Runtime;
using Distroless.Sbom;
using NuGet.Configuration;

namespace Distroless.Building;

/// <summary>
/// States how an image was built, from what the build already knows: the plan (the parameters
/// a user controls), the signed Debian indexes and the .debs they listed, the NuGet packages
/// restore resolved (the assets file), the runtime packs, a registry base, and the CI run.
/// </summary>
public static class ProvenanceFactory
{
    /// <summary>The artifacts one platform's image was built from, in a fixed order.</summary>
    public static ImmutableArray<ResourceDescriptor> Dependencies(ImagePlan plan, BaseImage baseImage, DepsJson? deps,
        IReadOnlyList<(string Name, string Version)> frameworks, Platform platform)
    {
        var release = DebianRelease.Find(plan.Base.Suite);
        var dependencies = new List<ResourceDescriptor>();
        if (Source(plan) is { } source)
        {
            dependencies.Add(source);
        }

        dependencies.AddRange(baseImage.Releases.OrderBy(r => r.Suite, StringComparer.Ordinal)
            .Select(r => new ResourceDescriptor(ResourceDescriptor.Public(r.InRelease))
            {
                Digest = ResourceDescriptor.Digests(("sha256", r.Digest.Hex)),
                Name = $"dists/{r.Suite}/InRelease",
            }));
        dependencies.AddRange(baseImage.Packages.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p =>
            new ResourceDescriptor(PackageUrl.Debian(new DebianPackage(p.Name, p.Version.Text, p.Architecture, release?.VersionId ?? "", p.Sha256, p.Filename)
            {
                Source = p.Source,
            }))
            {
                Digest = ResourceDescriptor.Digests(("sha256", p.Sha256.Hex)),
                Name = p.Filename,
            }.Annotated("inRelease", ResourceDescriptor.Public(p.Origin.InReleaseUri))));

        dependencies.AddRange(NuGetPackages(plan, deps));
        dependencies.AddRange(RuntimePacks(plan, deps, frameworks));
        if (RegistryBase(baseImage, platform) is { } registryBase)
        {
            dependencies.Add(registryBase);
        }

        return [.. dependencies.DistinctBy(d => (d.Uri, d.Name))];
    }

    /// <summary>The provenance of one platform's image.</summary>
    public static SlsaProvenance ForImage(ImagePlan plan, ImmutableArray<ResourceDescriptor> dependencies)
        => Create([plan], dependencies);

    /// <summary>
    /// The provenance of a multi-platform index: built from its platform images, each named by
    /// digest (each has its own provenance with what it was made of).
    /// </summary>
    public static SlsaProvenance ForIndex(IReadOnlyList<ImagePlan> plans, BuiltIndex index, string imageName)
        => Create(plans, [.. index.Images.Select(image => new ResourceDescriptor(PackageUrl.Image(new ImageInfo(imageName, image.Digest, image.Config.Platform, default)))
        {
            Digest = ResourceDescriptor.Digests(("sha256", image.Digest.Hex)),
            Name = image.Config.Platform.ToString(),
        })]);

    /// <summary>What the statement calls the image: registry/repository when it is pushed, else the repository.</summary>
    public static string ImageName(ImagePlan plan) => plan.Registry is { } registry ? $"{registry}/{plan.Repository}" : plan.Repository;

    private static SlsaProvenance Create(IReadOnlyList<ImagePlan> plans, ImmutableArray<ResourceDescriptor> dependencies)
    {
        var invocation = plans[0].SupplyChain.Invocation;
        return new SlsaProvenance
        {
            ExternalParameters = ExternalParameters(plans),
            ResolvedDependencies = dependencies,
            BuilderId = invocation?.BuilderId ?? SlsaProvenance.LocalBuilderId,
            BuilderVersion = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("Distroless.Sdk", SbomFactory.ToolVersion)]),
            InvocationId = invocation?.InvocationId,
        };
    }

    /// <summary>The settings that shaped the image, as the project gave them (paths that differ per machine left out).</summary>
    private static JsonObject ExternalParameters(IReadOnlyList<ImagePlan> plans)
    {
        var plan = plans[0];
        var parameters = new JsonObject();
        Add(parameters, "project", plan.SupplyChain.Project);
        Add(parameters, "configuration", plan.SupplyChain.Configuration);
        Add(parameters, "targetFramework", plan.SupplyChain.TargetFramework);
        if (plans.Count == 1)
        {
            parameters["runtimeIdentifier"] = plan.Base.RuntimeIdentifier;
        }
        else
        {
            parameters["runtimeIdentifiers"] = Array(plans.Select(p => p.Base.RuntimeIdentifier));
        }

        var image = new JsonObject { ["repository"] = plan.Repository, ["tags"] = Array(plan.Tags) };
        Add(image, "registry", plan.Registry);
        parameters["image"] = image;

        var baseSettings = new JsonObject();
        if (plan.Base.Image is { } registryBase)
        {
            baseSettings["image"] = registryBase;
        }
        else
        {
            baseSettings["suite"] = plan.Base.Suite;
            baseSettings["packages"] = Array(plan.Base.ExtraPackages);
            baseSettings["excludedPackages"] = Array(plan.Base.ExcludedPackages);
            baseSettings["slim"] = plan.Base.Slim;
            baseSettings["debug"] = plan.Base.Debug;
            baseSettings["invariantGlobalization"] = plan.Base.InvariantGlobalization;
            baseSettings["lockMode"] = plan.Base.LockFile is null ? "None" : plan.Base.LockMode.ToString();
        }

        parameters["base"] = baseSettings;
        parameters["app"] = new JsonObject
        {
            ["selfContained"] = plan.App.SelfContained,
            ["nativeAot"] = plan.App.NativeAot,
            ["includeSymbols"] = plan.App.IncludeSymbols,
        };
        var container = plan.Container;
        parameters["container"] = new JsonObject
        {
            ["user"] = container.User,
            ["workingDirectory"] = container.WorkingDirectory,
            ["environment"] = new JsonObject(container.Environment.Select(e => new KeyValuePair<string, JsonNode?>(e.Name, e.Value))),
            ["labels"] = new JsonObject(container.Labels.Select(l => new KeyValuePair<string, JsonNode?>(l.Key, l.Value))),
            ["ports"] = Array(container.Ports.Select(p => p.ToString())),
            ["appCommand"] = Array(container.AppCommand),
            ["appCommandArgs"] = Array(container.AppCommandArgs),
            ["defaultArgs"] = Array(container.DefaultArgs),
            ["appCommandInstruction"] = container.AppCommandInstruction.ToString(),
        };
        parameters["sbom"] = plan.Sbom;
        parameters["sourceDateEpoch"] = plan.SourceDateEpoch;
        return parameters;
    }

    /// <summary>The source the CI run built (or the repository and revision the project's labels name).</summary>
    private static ResourceDescriptor? Source(ImagePlan plan)
    {
        var invocation = plan.SupplyChain.Invocation;
        var uri = invocation?.SourceUri
            ?? (plan.Container.Labels.GetValueOrDefault("org.opencontainers.image.source") is { Length: > 0 } label
                && Uri.TryCreate(label, UriKind.Absolute, out var parsed) ? "git+" + ResourceDescriptor.Public(parsed) : null);
        if (uri is null)
        {
            return null;
        }

        var revision = invocation?.SourceRevision ?? plan.Container.Labels.GetValueOrDefault("org.opencontainers.image.revision");
        return new ResourceDescriptor(uri)
        {
            Digest = revision is { Length: 40 or 64 } && revision.All(char.IsAsciiHexDigit)
                ? ResourceDescriptor.Digests(("gitCommit", revision.ToLowerInvariant()))
                : ImmutableSortedDictionary<string, string>.Empty,
        };
    }

    /// <summary>Every package restore resolved (the assets file); without one, the packages the app's .deps.json lists.</summary>
    private static IEnumerable<ResourceDescriptor> NuGetPackages(ImagePlan plan, DepsJson? deps)
    {
        var restored = NuGetPackageHashes.FromAssetsFile(plan.SupplyChain.AssetsFile);
        var folder = new Lazy<string?>(() => PackagesFolder(plan));
        var packages = restored.IsEmpty
            ? (deps?.Packages ?? []).Where(p => p.Type == "package").Select(p => new RestoredPackage(p.Id, p.Version,
                NuGetPackageHashes.Installed(folder.Value, p.Id, p.Version), NuGetPackageHashes.Hex(p.Sha512?.Replace("sha512-", "", StringComparison.Ordinal))))
            : restored;
        return packages
            .OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Version, StringComparer.Ordinal)
            .Select(p => new ResourceDescriptor(PackageUrl.NuGet(p.Id, p.Version))
            {
                Digest = ResourceDescriptor.Digests([.. DigestEntry("sha512", p.Sha512), .. DigestEntry(NuGetContentHash, p.ContentHash)]),
            });
    }

    /// <summary>
    /// The runtime packs the image's .NET runtime came from (a framework-dependent app's shared
    /// frameworks, or a self-contained app's runtime packs), hashed as NuGet installed them.
    /// </summary>
    private static IEnumerable<ResourceDescriptor> RuntimePacks(ImagePlan plan, DepsJson? deps, IReadOnlyList<(string Name, string Version)> frameworks)
    {
        var rid = plan.Base.RuntimeIdentifier;
        var packs = plan.App.SelfContained
            ? (deps?.Packages ?? []).Where(p => p.Type == "runtimepack")
                .Select(p => (Framework: (string?)null, Id: p.Id.StartsWith("runtimepack.", StringComparison.Ordinal) ? p.Id["runtimepack.".Length..] : p.Id, p.Version))
            : frameworks.Select(f => (Framework: (string?)f.Name, Id: new RuntimeFramework(f.Name, f.Version).PackId(rid), f.Version));
        var folder = new Lazy<string?>(() => PackagesFolder(plan));
        foreach (var (framework, id, version) in packs.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            var pack = new ResourceDescriptor(PackageUrl.NuGet(id, version))
            {
                Digest = ResourceDescriptor.Digests([.. DigestEntry("sha512", NuGetPackageHashes.Installed(folder.Value, id, version))]),
            }.Annotated("runtimePack", "true");
            yield return framework is null ? pack : pack.Annotated("framework", framework);
        }
    }

    private static string? PackagesFolder(ImagePlan plan)
    {
        if (plan.App.Runtime.NuGetPackagesFolder is { } folder)
        {
            return folder;
        }

        try
        {
            return plan.App.Runtime.NuGetSettingsRoot is { } root ? SettingsUtility.GetGlobalPackagesFolder(Settings.LoadDefaultSettings(root)) : null;
        }
        catch (NuGetConfigurationException)
        {
            return null;
        }
    }

    private static ResourceDescriptor? RegistryBase(BaseImage baseImage, Platform platform)
    {
        if (baseImage.Annotations is not { } annotations
            || !annotations.TryGetValue("org.opencontainers.image.base.name", out var name)
            || !annotations.TryGetValue("org.opencontainers.image.base.digest", out var digestText)
            || !Digest.TryParse(digestText, out var digest))
        {
            return null;
        }

        var reference = Registry.ImageReference.Parse(name);
        return new ResourceDescriptor(PackageUrl.Image(new ImageInfo($"{reference.Registry}/{reference.Repository}", digest, platform, default)))
        {
            Digest = ResourceDescriptor.Digests(("sha256", digest.Hex)),
            Name = name,
        };
    }

    /// <summary>
    /// The DigestSet name of NuGet's content hash (lowercase hex of its SHA-512): the hash the
    /// assets file records, which for a signed package leaves the signature out, so it is not
    /// the .nupkg's "sha512".
    /// </summary>
    public const string NuGetContentHash = "nugetContentHash";

    private static IEnumerable<(string Algorithm, string Hex)> DigestEntry(string algorithm, string? hex) => hex is null ? [] : [(algorithm, hex)];

    private static void Add(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
}
