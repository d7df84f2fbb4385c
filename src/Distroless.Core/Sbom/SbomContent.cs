using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Distroless.Sbom;

/// <summary>What kind of thing a component is; decides its SPDX purpose and CycloneDX type.</summary>
internal enum ComponentKind
{
    App,
    Runtime,
    Debian,
    NuGet,
}

/// <summary>A hash both formats can carry: SHA-256 or SHA-512, lowercase hex.</summary>
internal readonly record struct ComponentHash(int Bits, string Hex);

/// <summary>One package of the image, in the form both writers share.</summary>
internal sealed record SbomComponent(
    ComponentKind Kind,
    string SpdxId,
    string BomRef,
    string Name,
    string Version,
    string? Purl,
    string? Cpe,
    string? Supplier,
    string? License,
    ImmutableArray<ComponentHash> Hashes)
{
    /// <summary>The Debian package this came from, for the fields only Debian packages have.</summary>
    public DebianPackage? Debian { get; init; }

    /// <summary>The runtime this came from, for how it was delivered.</summary>
    public DotnetRuntime? Runtime { get; init; }
}

/// <summary>
/// An inventory checked and put in its one canonical order: the app, the runtimes, the Debian
/// packages, the NuGet packages, each sorted ordinally. Both writers read this, never the
/// inventory's own order, which is why input order cannot change a byte of the output.
/// </summary>
internal sealed partial class SbomContent
{
    // Fixed namespace for the name-based (version 5) UUIDs of SBOM documents; never change it,
    // or the same image gets a new SBOM identity.
    private static readonly Guid UuidNamespace = new("662a116f-47ae-4204-9928-ed09481233c8");

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        // Keep '+', '<', '&' and non-ASCII as they are: purls and versions stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private SbomContent(SoftwareInventory inventory, string imagePurl, ImmutableArray<SbomComponent> components)
    {
        Inventory = inventory;
        ImagePurl = imagePurl;
        Components = components;
    }

    public SoftwareInventory Inventory { get; }

    public ImageInfo Image => Inventory.Image;

    public string ImagePurl { get; }

    public ImmutableArray<SbomComponent> Components { get; }

    /// <summary>The document's creation time: the image's created time, in whole UTC seconds.</summary>
    public string Created => Image.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A name-based UUID (RFC 9562 version 5: SHA-1 over a fixed namespace and the name) of the
    /// format, the image digest and the tool version: the same image built by the same SDK always
    /// gets the same identifier, a different image or SDK release a different one.
    /// </summary>
    public string DocumentUuid(string format)
    {
        Span<byte> ns = stackalloc byte[16];
        UuidNamespace.TryWriteBytes(ns, bigEndian: true, out _);
        var name = Encoding.UTF8.GetBytes($"{format}\n{Image.ManifestDigest}\n{Inventory.ToolVersion}");
        var input = new byte[16 + name.Length];
        ns.CopyTo(input);
        name.CopyTo(input, 16);
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Checks the inventory and orders its packages.</summary>
    /// <exception cref="ArgumentException">A value is missing or malformed, or a package is listed twice.</exception>
    public static SbomContent From(SoftwareInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var image = inventory.Image ?? throw Invalid("the inventory has no image");
        var app = inventory.App ?? throw Invalid("the inventory has no app");
        Require(inventory.ToolVersion, "the tool version");
        Require(image.Name, "the image name");
        if (image.ManifestDigest.Hex is null)
        {
            throw Invalid("the image has no manifest digest");
        }

        ArgumentNullException.ThrowIfNull(image.Platform);
        Require(app.Name, "the app name");
        Require(app.Version, $"the version of the app {app.Name}");

        var ids = new HashSet<string>(StringComparer.Ordinal) { "SPDXRef-DOCUMENT", "SPDXRef-Image" };
        var refs = new HashSet<string>(StringComparer.Ordinal);
        var imagePurl = PackageUrl.Image(image);
        refs.Add(imagePurl);
        var components = ImmutableArray.CreateBuilder<SbomComponent>();

        components.Add(new SbomComponent(ComponentKind.App, Unique(ids, "SPDXRef-App"), Once(refs, $"app:{app.Name}@{app.Version}"),
            app.Name, app.Version, Purl: null, Cpe: null, Supplier: null, License: null, Hashes: []));

        var runtimes = OrDefault(inventory.Runtimes);
        Distinct(runtimes, r => r.Name, StringComparer.Ordinal, "runtime");
        foreach (var runtime in runtimes.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            Require(runtime.Name, "a runtime name");
            Require(runtime.Version, $"the version of the runtime {runtime.Name}");
            Require(runtime.RuntimeIdentifier, $"the runtime identifier of the runtime {runtime.Name}");
            var purl = PackageUrl.Runtime(runtime);
            components.Add(new SbomComponent(ComponentKind.Runtime, Unique(ids, "SPDXRef-Runtime-" + IdPart(runtime.Name)), Once(refs, purl),
                runtime.Name, runtime.Version, purl, RuntimeCpe(runtime), Supplier: null, License: null, Hashes: [])
            {
                Runtime = runtime,
            });
        }

        var debs = OrDefault(inventory.DebianPackages);
        Distinct(debs, d => d.Name + ":" + d.Architecture, StringComparer.Ordinal, "Debian package");
        foreach (var deb in debs.OrderBy(d => d.Name, StringComparer.Ordinal).ThenBy(d => d.Architecture, StringComparer.Ordinal))
        {
            Require(deb.Name, "a Debian package name");
            Require(deb.Version, $"the version of the Debian package {deb.Name}");
            Require(deb.Architecture, $"the architecture of the Debian package {deb.Name}");
            Require(deb.DistributionVersion, $"the distribution version of the Debian package {deb.Name}");
            Require(deb.Filename, $"the file name of the Debian package {deb.Name}");
            if (deb.Sha256.Hex is null)
            {
                throw Invalid($"the Debian package {deb.Name} has no SHA-256");
            }

            CheckLicense(deb.License, deb.Name);
            var purl = PackageUrl.Debian(deb);
            components.Add(new SbomComponent(ComponentKind.Debian, Unique(ids, $"SPDXRef-Deb-{IdPart(deb.Name)}-{IdPart(deb.Architecture)}"),
                Once(refs, purl), deb.Name, deb.Version, purl, Cpe: null, Supplier: "Debian", deb.License, [new ComponentHash(256, deb.Sha256.Hex)])
            {
                Debian = deb,
            });
        }

        var nugets = OrDefault(inventory.NuGetPackages);
        Distinct(nugets, n => n.Id, StringComparer.OrdinalIgnoreCase, "NuGet package");
        foreach (var nuget in nugets.OrderBy(n => n.Id, StringComparer.OrdinalIgnoreCase).ThenBy(n => n.Id, StringComparer.Ordinal))
        {
            Require(nuget.Id, "a NuGet package id");
            Require(nuget.Version, $"the version of the NuGet package {nuget.Id}");
            if (nuget.Sha512 is { } sha512 && !Sha512Hex().IsMatch(sha512))
            {
                throw Invalid($"the SHA-512 of the NuGet package {nuget.Id} is not 128 lowercase hex characters: \"{sha512}\"");
            }

            CheckLicense(nuget.License, nuget.Id);
            var purl = PackageUrl.NuGet(nuget.Id, nuget.Version);
            components.Add(new SbomComponent(ComponentKind.NuGet, Unique(ids, "SPDXRef-NuGet-" + IdPart(nuget.Id)), Once(refs, purl),
                nuget.Id, nuget.Version, purl, Cpe: null, Supplier: null, nuget.License,
                nuget.Sha512 is { } hex ? [new ComponentHash(512, hex)] : []));
        }

        return new SbomContent(inventory, imagePurl, components.ToImmutable());
    }

    /// <summary>Every <c>LicenseRef-</c> the components' licences use, sorted, with the components that use it.</summary>
    public IReadOnlyList<(string Id, IReadOnlyList<SbomComponent> Users)> LicenseRefs()
        => Components
            .Where(c => c.License is not null)
            .SelectMany(c => LicenseRefPattern().Matches(c.License!).Select(m => (Id: m.Value, Component: c)))
            .GroupBy(x => x.Id, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<SbomComponent>)g.Select(x => x.Component).Distinct().ToList()))
            .ToList();

    // NVD's products for the shared frameworks, so CPE-matching scanners see runtime CVEs too.
    private static string? RuntimeCpe(DotnetRuntime runtime)
    {
        var product = runtime.Name switch
        {
            "Microsoft.NETCore.App" => ".net",
            "Microsoft.AspNetCore.App" => "asp.net_core",
            _ => null,
        };
        if (product is null)
        {
            return null;
        }

        // CPE 2.3 formatted strings quote every character but letters, digits, '_', '.' and '-'.
        var version = new StringBuilder();
        foreach (var c in runtime.Version)
        {
            version.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c.ToString() : "\\" + c);
        }

        return $"cpe:2.3:a:microsoft:{product}:{version}:*:*:*:*:*:*:*";
    }

    private static void CheckLicense(string? license, string package)
    {
        if (license is not null && !LicenseExpression().IsMatch(license))
        {
            throw Invalid($"the licence of {package} is not an SPDX license expression: \"{license}\"");
        }
    }

    private static void Distinct<T>(ImmutableArray<T> items, Func<T, string> key, StringComparer comparer, string what)
    {
        foreach (var item in items)
        {
            if (item is null)
            {
                throw Invalid($"a {what} is null");
            }
        }

        var duplicate = items.GroupBy(key, comparer).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Invalid($"the {what} {duplicate.Key} is listed {duplicate.Count()} times");
        }
    }

    private static ImmutableArray<T> OrDefault<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    private static void Require(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid(what + " is missing");
        }
    }

    private static ArgumentException Invalid(string message) => new("cannot write the SBOM: " + message, "inventory");

    // SPDX ids allow letters, digits, '.' and '-'; a clash after replacing the rest gets a number.
    private static string IdPart(string value) => InvalidIdCharacters().Replace(value, "-");

    // A bom-ref is the package URL, so a clash means one package listed twice (say, the runtime
    // pack also as a NuGet package): an inventory error, not something to number away.
    private static string Once(HashSet<string> used, string reference)
        => used.Add(reference) ? reference : throw Invalid($"{reference} is listed twice");

    private static string Unique(HashSet<string> used, string candidate)
    {
        var id = candidate;
        for (var n = 2; !used.Add(id); n++)
        {
            id = $"{candidate}-{n}";
        }

        return id;
    }

    [GeneratedRegex("[^A-Za-z0-9.-]")]
    private static partial Regex InvalidIdCharacters();

    [GeneratedRegex("^[0-9a-f]{128}$")]
    private static partial Regex Sha512Hex();

    // The characters of an SPDX license expression: ids, LicenseRef-/DocumentRef- refs, '+', ':', parentheses, spaces.
    [GeneratedRegex(@"^[A-Za-z0-9.\-+:() ]+$")]
    private static partial Regex LicenseExpression();

    [GeneratedRegex(@"(?<![:A-Za-z0-9.-])LicenseRef-[A-Za-z0-9.-]+")]
    private static partial Regex LicenseRefPattern();
}
