using System.Collections.Immutable;
using System.Text;
using Distroless.Oci;
using Distroless.Sbom;

namespace Distroless.Core.Tests.Sbom;

/// <summary>Inventories the writer tests share: a small one pinned as golden JSON, with the awkward cases in it.</summary>
internal static class SbomSamples
{
    public static readonly Digest ManifestDigest = Digest.Compute("image manifest"u8);

    /// <summary>Not in UTC and not on a whole second, to show the writers normalize the time input.</summary>
    public static readonly DateTimeOffset Created = new(2026, 7, 11, 12, 16, 37, 250, TimeSpan.FromHours(2));

    public static DebianPackage Deb(string name, string version, string architecture, string filename, string? source = null, string? license = null)
        => new(name, version, architecture, "12", Digest.Compute(Encoding.UTF8.GetBytes(filename)), filename)
        {
            Source = source,
            License = license,
        };

    public static ImmutableArray<DebianPackage> Debs =>
    [
        Deb("tzdata", "2025b-0+deb12u1", "all", "pool/main/t/tzdata/tzdata_2025b-0+deb12u1_all.deb",
            license: DebianCopyright.SpdxLicenseOf(CopyrightSamples.Tzdata)),
        Deb("libc6", "2.36-9+deb12u10", "amd64", "pool/main/g/glibc/libc6_2.36-9+deb12u10_amd64.deb", source: "glibc"),
        Deb("libssl3", "3.0.16-1~deb12u1", "amd64", "pool/updates/main/o/openssl/libssl3_3.0.16-1~deb12u1_amd64.deb", source: "openssl",
            license: DebianCopyright.SpdxLicenseOf(CopyrightSamples.Libssl3)),
        Deb("libstdc++6", "12.2.0-14+deb12u1", "amd64", "pool/main/g/gcc-12/libstdc++6_12.2.0-14+deb12u1_amd64.deb", source: "gcc-12 (12.2.0-14)"),
        Deb("media-types", "10.0.0", "all", "pool/main/m/media-types/media-types_10.0.0_all.deb",
            license: DebianCopyright.SpdxLicenseOf(CopyrightSamples.MediaTypes)),
    ];

    public static ImmutableArray<NuGetPackage> NuGets =>
    [
        new NuGetPackage("Newtonsoft.Json", "13.0.3")
        {
            Sha512 = NuGetPackage.Sha512FromDepsJson("sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lMReHMOnCyu9dw=="),
            License = "MIT",
        },
        new NuGetPackage("humanizer.core", "3.0.0-beta.54+sha.1f2d"),
    ];

    public static ImmutableArray<DotnetRuntime> Runtimes =>
    [
        new DotnetRuntime("Microsoft.NETCore.App", "10.0.0", "linux-x64", RuntimeDelivery.RuntimePack),
        new DotnetRuntime("Microsoft.AspNetCore.App", "10.0.0", "linux-x64", RuntimeDelivery.RuntimePack),
    ];

    public static SoftwareInventory Inventory => new(
        new ImageInfo("registry.example:5000/shop/api", ManifestDigest, Platform.LinuxAmd64, Created) { Tag = "1.4.2" },
        new AppInfo("Shop.Api", "1.4.2"),
        Debs,
        NuGets,
        Runtimes,
        "0.1.0");

    /// <summary>
    /// The golden tests' inventory: a registry name with a tag, one runtime, a Debian package whose
    /// name and version need encoding and whose source differs, one with a LicenseRef, a NuGet package with its hash.
    /// </summary>
    public static SoftwareInventory Small => new(
        new ImageInfo("registry.example:5000/shop/api", ManifestDigest, Platform.LinuxAmd64, Created) { Tag = "1.4.2" },
        new AppInfo("Shop.Api", "1.4.2"),
        [Debs[0], Debs[3]],
        [NuGets[0]],
        [Runtimes[0]],
        "0.1.0");

    /// <summary>The same inventory with every list reversed.</summary>
    public static SoftwareInventory Reversed => Inventory with
    {
        DebianPackages = [.. Debs.Reverse()],
        NuGetPackages = [.. NuGets.Reverse()],
        Runtimes = [.. Runtimes.Reverse()],
    };

    /// <summary>A native AOT app on an image with no registry in its name: no runtime, no packages.</summary>
    public static SoftwareInventory Minimal => new(
        new ImageInfo("hellodistroless", Digest.Compute("another manifest"u8), Platform.LinuxArm64, DateTimeOffset.UnixEpoch),
        new AppInfo("HelloDistroless", "1.0.0"),
        [],
        [],
        [],
        "0.1.0");

    /// <summary>Indents compact JSON, for readable failure messages and golden text.</summary>
    public static string Pretty(byte[] json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return System.Text.Json.JsonSerializer.Serialize(document.RootElement, PrettyOptions);
    }

    /// <summary>The compact bytes of indented golden JSON, written the way the writers write (member order and escaping kept).</summary>
    public static byte[] Compact(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            document.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    private static readonly System.Text.Json.JsonSerializerOptions PrettyOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
