using System.Collections.Immutable;
using Distroless.Oci;

namespace Distroless.Sbom;

/// <summary>
/// Everything one image is made of, as the SBOM writers report it: the image itself, the app,
/// the .NET runtimes, the Debian packages of the base and the NuGet packages of the app.
/// </summary>
/// <remarks>
/// Plain values, no builder: the host fills it from what the build already knows (the resolved
/// Debian packages, the app's .deps.json, the runtime frameworks) and the writers are pure
/// functions of it. Order does not matter: <see cref="SpdxWriter"/> and
/// <see cref="CycloneDxWriter"/> sort every list, so the same contents always give the same
/// bytes. Nothing here depends on the build machine (no mirror URL, no path, no clock), so the
/// same image gives the same SBOM on any machine.
/// </remarks>
/// <param name="Image">The image the SBOM describes.</param>
/// <param name="App">The app the image runs.</param>
/// <param name="DebianPackages">The Debian packages unpacked into the base.</param>
/// <param name="NuGetPackages">The app's NuGet packages (the .deps.json "package" libraries, runtime packs excluded: those are <see cref="Runtimes"/>).</param>
/// <param name="Runtimes">The .NET shared frameworks in the image; empty for a native AOT app.</param>
/// <param name="ToolVersion">
/// The Distroless.Sdk version that built the image. The SBOM names its creator with it, and it is
/// an input rather than read from the assembly so a golden SBOM stays valid across releases.
/// </param>
public sealed record SoftwareInventory(
    ImageInfo Image,
    AppInfo App,
    ImmutableArray<DebianPackage> DebianPackages,
    ImmutableArray<NuGetPackage> NuGetPackages,
    ImmutableArray<DotnetRuntime> Runtimes,
    string ToolVersion);

/// <summary>The image an SBOM describes.</summary>
/// <param name="Name">
/// The repository as the user named it, with its registry when there is one
/// (<c>hellodistroless</c>, <c>registry.example:5000/shop/api</c>). The package URL uses its last
/// segment as the name and the whole as <c>repository_url</c> when it starts with a registry host.
/// </param>
/// <param name="ManifestDigest">
/// The image manifest's digest. It identifies the image (SBOMs are attached to it as referrers) and
/// seeds the documents' identifiers, so the same image always gets the same SBOM identity.
/// </param>
/// <param name="Platform">The image's platform (its architecture goes into the package URL).</param>
/// <param name="Created">
/// The image's created time, which is the build's time input (SOURCE_DATE_EPOCH); it is also the
/// SBOM's creation time, so rebuilding never changes the SBOM's bytes.
/// </param>
public sealed record ImageInfo(string Name, Digest ManifestDigest, Platform Platform, DateTimeOffset Created)
{
    /// <summary>A tag the image was built for, or null. Only informative: the digest identifies the image.</summary>
    public string? Tag { get; init; }
}

/// <summary>The app the image runs: the publish's assembly name and version.</summary>
public sealed record AppInfo(string Name, string Version);

/// <summary>
/// A Debian binary package unpacked into the image, as the signed package index described the
/// <c>.deb</c> that was verified and used.
/// </summary>
/// <param name="Name">The binary package name (<c>libc6</c>).</param>
/// <param name="Version">The full Debian version, epoch included (<c>2.36-9+deb12u10</c>).</param>
/// <param name="Architecture">The Debian architecture (<c>amd64</c>, <c>arm64</c>, <c>all</c>).</param>
/// <param name="DistributionVersion">
/// The Debian release's version number (<c>12</c>); the package URL carries it as
/// <c>distro=debian-12</c>, which is what scanners match Debian's security data against.
/// </param>
/// <param name="Sha256">The SHA-256 of the <c>.deb</c>, as the signed index lists it.</param>
/// <param name="Filename">
/// The <c>.deb</c>'s path relative to the archive root, as the index's <c>Filename</c> field gives it
/// (<c>pool/main/g/glibc/libc6_2.36-9+deb12u10_amd64.deb</c>). Relative on purpose: the mirror a
/// build used is a property of the machine, not of the image.
/// </param>
public sealed record DebianPackage(
    string Name,
    string Version,
    string Architecture,
    string DistributionVersion,
    Digest Sha256,
    string Filename)
{
    /// <summary>
    /// The control file's <c>Source</c> field as written: a source package name, optionally followed
    /// by its version in parentheses (<c>gcc-12 (12.2.0-14)</c>); null when the source package has
    /// the binary's name and version. Scanners need it: Debian's security tracker is keyed by source package.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>
    /// The package's licences as an SPDX license expression (see <see cref="DebianCopyright"/>), or
    /// null when unknown (the copyright file is not machine-readable), written as NOASSERTION.
    /// </summary>
    public string? License { get; init; }

    /// <summary>The source package's name: <see cref="Source"/> without a version, or the binary's name.</summary>
    public string SourceName => SplitSource().Name ?? Name;

    /// <summary>The source package's version: the one in <see cref="Source"/>'s parentheses, or the binary's version.</summary>
    public string SourceVersion => SplitSource().Version ?? Version;

    private (string? Name, string? Version) SplitSource()
    {
        if (string.IsNullOrWhiteSpace(Source))
        {
            return (null, null);
        }

        var text = Source.Trim();
        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            return (text, null);
        }

        var close = text.IndexOf(')', open + 1);
        var version = (close < 0 ? text[(open + 1)..] : text[(open + 1)..close]).Trim();
        return (text[..open].Trim(), version.Length == 0 ? null : version);
    }
}

/// <summary>A NuGet package the app carries, as its .deps.json lists it.</summary>
/// <param name="Id">The package id, with the case the .deps.json gives it.</param>
/// <param name="Version">The package version.</param>
public sealed record NuGetPackage(string Id, string Version)
{
    /// <summary>
    /// The SHA-512 of the <c>.nupkg</c> as 128 lowercase hex characters, or null when the
    /// .deps.json has none. Convert the .deps.json form with <see cref="Sha512FromDepsJson"/>.
    /// </summary>
    public string? Sha512 { get; init; }

    /// <summary>The licence as an SPDX license expression, or null when unknown (written as NOASSERTION).</summary>
    public string? License { get; init; }

    /// <summary>
    /// Converts a .deps.json <c>sha512</c> value (<c>sha512-&lt;base64&gt;</c>, the hash of the
    /// <c>.nupkg</c>) to the hex both SBOM formats require. Null or empty (project references) gives null.
    /// </summary>
    /// <exception cref="FormatException">The value is not <c>sha512-</c> followed by 64 base64-encoded bytes.</exception>
    public static string? Sha512FromDepsJson(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        const string Prefix = "sha512-";
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"\"{value}\" is not a .deps.json sha512 value");
        }

        var bytes = new byte[64];
        if (!Convert.TryFromBase64String(value[Prefix.Length..], bytes, out var written) || written != 64)
        {
            throw new FormatException($"\"{value}\" is not a .deps.json sha512 value");
        }

        return Convert.ToHexString(bytes).ToLowerInvariant();
    }
}

/// <summary>A .NET shared framework in the image.</summary>
/// <param name="Name">The framework name (<c>Microsoft.NETCore.App</c>, <c>Microsoft.AspNetCore.App</c>).</param>
/// <param name="Version">The exact framework version.</param>
/// <param name="RuntimeIdentifier">
/// The RID of the runtime pack it came from (<c>linux-x64</c>): the package URL names the pack,
/// <c>pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@…</c>, which is what was actually shipped.
/// </param>
/// <param name="Delivery">How the framework got into the image.</param>
public sealed record DotnetRuntime(string Name, string Version, string RuntimeIdentifier, RuntimeDelivery Delivery)
{
    /// <summary>The NuGet runtime pack that carries this framework for the RID.</summary>
    public string PackId => $"{Name}.Runtime.{RuntimeIdentifier}";
}

/// <summary>How a .NET runtime got into the image.</summary>
public enum RuntimeDelivery
{
    /// <summary>A framework-dependent app: a dotnet root built from the runtime pack, in its own layer.</summary>
    RuntimePack,

    /// <summary>A self-contained app: the runtime files came with the publish output.</summary>
    SelfContained,
}
