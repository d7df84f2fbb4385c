using System.Collections.Immutable;
using System.Reflection;
using Distroless.App;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Output;
using Distroless.Runtime;
using Distroless.Sbom;

namespace Distroless.Building;

/// <summary>An image's SBOMs, one per format, as bytes (deterministic for the same image).</summary>
public sealed record ImageSboms(byte[] Spdx, byte[] CycloneDx);

/// <summary>What an SBOM says about the image besides its contents: its name, the Debian release and .NET platform, the app.</summary>
/// <param name="ImageName">[registry/]repository.</param>
/// <param name="Tag">The first tag, if any.</param>
/// <param name="Suite">The Debian codename of the base.</param>
/// <param name="RuntimeIdentifier">linux-x64 or linux-arm64.</param>
/// <param name="AppName">The app's name when its .deps.json names no project.</param>
/// <param name="SelfContained">Whether the runtime came with the app (runtime packs in .deps.json) or as shared frameworks.</param>
public sealed record SbomSubject(string ImageName, string? Tag, string Suite, string RuntimeIdentifier, string AppName, bool SelfContained)
{
    public static SbomSubject Of(ImagePlan plan) => new(
        plan.Registry is { } registry ? $"{registry}/{plan.Repository}" : plan.Repository, plan.Tags.FirstOrDefault(),
        plan.Base.Suite, plan.Base.RuntimeIdentifier, plan.App.AppHost, plan.App.SelfContained);
}

/// <summary>
/// Gathers what an image is made of for its SBOM from what the build already knows: the Debian
/// packages of the base (with the licences read from their copyright files), the NuGet packages
/// and runtime packs the app's .deps.json lists, the shared frameworks of a framework-dependent
/// app, and the image itself.
/// </summary>
public static class SbomFactory
{
    /// <summary>The version written as the SBOM's creator: this assembly's, fixed per release.</summary>
    public static string ToolVersion { get; } =
        typeof(SbomFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(SbomFactory).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static ImageSboms Create(ImagePlan plan, BuiltImage image, IReadOnlyList<PackageRecord> debianPackages, BlobCache cache,
        DepsJson? deps, IReadOnlyList<(string Name, string Version)> frameworks)
        => Create(SbomSubject.Of(plan), image, debianPackages, cache, deps, frameworks);

    public static ImageSboms Create(SbomSubject subject, BuiltImage image, IReadOnlyList<PackageRecord> debianPackages, BlobCache cache,
        DepsJson? deps, IReadOnlyList<(string Name, string Version)> frameworks)
    {
        var release = DebianRelease.Find(subject.Suite);
        var main = deps?.Packages.FirstOrDefault(p => p.Type == "project");
        var inventory = new SoftwareInventory(
            new ImageInfo(subject.ImageName, image.Digest, image.Config.Platform, image.Config.Created) { Tag = subject.Tag },
            new AppInfo(main?.Id ?? subject.AppName, main?.Version is { Length: > 0 } version ? version : "0.0.0"),
            debianPackages.Select(p => new DebianPackage(p.Name, p.Version.Text, p.Architecture, release?.VersionId ?? "", p.Sha256, p.Filename)
            {
                Source = p.Source,
                License = PackageLayer.License(cache, p),
            }).ToImmutableArray(),
            (deps?.Packages ?? []).Where(p => p.Type == "package")
                .Select(p => new NuGetPackage(p.Id, p.Version) { Sha512 = Sha512OrNone(p.Sha512) })
                .ToImmutableArray(),
            Runtimes(subject, deps, frameworks),
            ToolVersion);
        return new ImageSboms(SpdxWriter.Write(inventory), CycloneDxWriter.Write(inventory));
    }

    /// <summary>
    /// The package hash in hex; a value that is not a .deps.json sha512 (hand-edited or a tool's
    /// placeholder) gives no checksum rather than a failed publish: the SBOM is still true without it.
    /// </summary>
    private static string? Sha512OrNone(string? value)
    {
        try
        {
            return NuGetPackage.Sha512FromDepsJson(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static ImmutableArray<DotnetRuntime> Runtimes(SbomSubject subject, DepsJson? deps, IReadOnlyList<(string Name, string Version)> frameworks)
    {
        var rid = subject.RuntimeIdentifier;
        if (!subject.SelfContained)
        {
            return frameworks.Select(f => new DotnetRuntime(f.Name, f.Version, rid, RuntimeDelivery.RuntimePack)).ToImmutableArray();
        }

        // Self-contained: the runtime packs the .deps.json names ("runtimepack.<Framework>.Runtime.<rid>/<version>").
        return (deps?.Packages ?? []).Where(p => p.Type == "runtimepack")
            .Select(p => (Name: p.Id.StartsWith("runtimepack.", StringComparison.Ordinal) ? p.Id["runtimepack.".Length..] : p.Id, p.Version))
            .Select(p => new DotnetRuntime(p.Name.Contains(".Runtime.", StringComparison.Ordinal) ? p.Name[..p.Name.IndexOf(".Runtime.", StringComparison.Ordinal)] : p.Name,
                p.Version, rid, RuntimeDelivery.SelfContained))
            .ToImmutableArray();
    }
}
