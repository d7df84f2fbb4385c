using System.Text.Json;
using Distroless.Oci;
using Distroless.Sbom;

namespace Distroless.Core.Tests.Sbom;

[Parallelizable(ParallelScope.All)]
public sealed class CycloneDxWriterTests
{
    /// <summary>SbomSamples.Small as CycloneDX, indented here for reading; the writer's bytes are its compact form.</summary>
    private const string Golden = """
        {
          "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
          "bomFormat": "CycloneDX",
          "specVersion": "1.6",
          "serialNumber": "urn:uuid:f36af442-31bc-5009-8ee8-22bfdc244246",
          "version": 1,
          "metadata": {
            "timestamp": "2026-07-11T10:16:37Z",
            "tools": {
              "components": [
                {
                  "type": "application",
                  "name": "Distroless.Sdk",
                  "version": "0.1.0"
                }
              ]
            },
            "component": {
              "type": "container",
              "bom-ref": "pkg:oci/api@sha256:e0f1a497a93630605f20f99b839c253e526b5eeac63ec567913167dbb6861719?arch=amd64&repository_url=registry.example:5000%2Fshop%2Fapi&tag=1.4.2",
              "name": "registry.example:5000/shop/api",
              "version": "sha256:e0f1a497a93630605f20f99b839c253e526b5eeac63ec567913167dbb6861719",
              "hashes": [
                {
                  "alg": "SHA-256",
                  "content": "e0f1a497a93630605f20f99b839c253e526b5eeac63ec567913167dbb6861719"
                }
              ],
              "purl": "pkg:oci/api@sha256:e0f1a497a93630605f20f99b839c253e526b5eeac63ec567913167dbb6861719?arch=amd64&repository_url=registry.example:5000%2Fshop%2Fapi&tag=1.4.2"
            }
          },
          "components": [
            {
              "type": "application",
              "bom-ref": "app:Shop.Api@1.4.2",
              "name": "Shop.Api",
              "version": "1.4.2"
            },
            {
              "type": "framework",
              "bom-ref": "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.0",
              "name": "Microsoft.NETCore.App",
              "version": "10.0.0",
              "cpe": "cpe:2.3:a:microsoft:.net:10.0.0:*:*:*:*:*:*:*",
              "purl": "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.0",
              "properties": [
                {
                  "name": "distroless-sdk:dotnet:delivery",
                  "value": "runtime-pack"
                }
              ]
            },
            {
              "type": "library",
              "bom-ref": "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14",
              "supplier": {
                "name": "Debian"
              },
              "name": "libstdc++6",
              "version": "12.2.0-14+deb12u1",
              "hashes": [
                {
                  "alg": "SHA-256",
                  "content": "ac4a34a8ddaf7b600777ce889e8c9882ce0fddb7286331c5a4d768080729476c"
                }
              ],
              "purl": "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14",
              "properties": [
                {
                  "name": "distroless-sdk:debian:filename",
                  "value": "pool/main/g/gcc-12/libstdc++6_12.2.0-14+deb12u1_amd64.deb"
                },
                {
                  "name": "distroless-sdk:debian:source",
                  "value": "gcc-12 12.2.0-14"
                }
              ]
            },
            {
              "type": "library",
              "bom-ref": "pkg:deb/debian/tzdata@2025b-0%2Bdeb12u1?arch=all&distro=debian-12",
              "supplier": {
                "name": "Debian"
              },
              "name": "tzdata",
              "version": "2025b-0+deb12u1",
              "hashes": [
                {
                  "alg": "SHA-256",
                  "content": "abab752e16ed624b9bba84c2e333bfdb61464d6c37ab27bd917d2d03e18a23ce"
                }
              ],
              "licenses": [
                {
                  "expression": "LicenseRef-public-domain"
                }
              ],
              "purl": "pkg:deb/debian/tzdata@2025b-0%2Bdeb12u1?arch=all&distro=debian-12",
              "properties": [
                {
                  "name": "distroless-sdk:debian:filename",
                  "value": "pool/main/t/tzdata/tzdata_2025b-0+deb12u1_all.deb"
                },
                {
                  "name": "distroless-sdk:debian:source",
                  "value": "tzdata 2025b-0+deb12u1"
                }
              ]
            },
            {
              "type": "library",
              "bom-ref": "pkg:nuget/Newtonsoft.Json@13.0.3",
              "name": "Newtonsoft.Json",
              "version": "13.0.3",
              "hashes": [
                {
                  "alg": "SHA-512",
                  "content": "1eb0b9057765d3420ff73795fb467ce3c4163c0a02afd3f76c311982e23e8242dc04a00ec62c7fb4b1000070be52f0cd3efe1ad9dd7c94c45e1cc3a70b2bbd77"
                }
              ],
              "licenses": [
                {
                  "expression": "MIT"
                }
              ],
              "purl": "pkg:nuget/Newtonsoft.Json@13.0.3"
            }
          ],
          "dependencies": [
            {
              "ref": "pkg:oci/api@sha256:e0f1a497a93630605f20f99b839c253e526b5eeac63ec567913167dbb6861719?arch=amd64&repository_url=registry.example:5000%2Fshop%2Fapi&tag=1.4.2",
              "dependsOn": [
                "app:Shop.Api@1.4.2",
                "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.0",
                "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14",
                "pkg:deb/debian/tzdata@2025b-0%2Bdeb12u1?arch=all&distro=debian-12",
                "pkg:nuget/Newtonsoft.Json@13.0.3"
              ]
            }
          ]
        }
        """;

    private static readonly SoftwareInventory[] Inventories = [SbomSamples.Small, SbomSamples.Inventory, SbomSamples.Minimal];

    private static JsonElement Parse(SoftwareInventory inventory) => JsonDocument.Parse(CycloneDxWriter.Write(inventory)).RootElement;

    private static IEnumerable<JsonElement> Components(JsonElement bom) => bom.GetProperty("components").EnumerateArray();

    [Test]
    public void A_small_inventory_gives_the_pinned_document()
    {
        var json = CycloneDxWriter.Write(SbomSamples.Small);

        Assert.That(SbomSamples.Pretty(json).ReplaceLineEndings("\n"), Is.EqualTo(Golden.ReplaceLineEndings("\n")));
        Assert.That(json, Is.EqualTo(SbomSamples.Compact(Golden)), "the same document, byte for byte, compact");
    }

    [TestCaseSource(nameof(Inventories))]
    public void The_document_is_valid_against_the_CycloneDX_1_6_schema(SoftwareInventory inventory)
        => Assert.That(SbomSchemas.Errors(SbomSchemas.CycloneDx, CycloneDxWriter.Write(inventory)), Is.Empty);

    [Test]
    public void The_same_inventory_gives_the_same_bytes_whatever_its_order()
    {
        var first = CycloneDxWriter.Write(SbomSamples.Inventory);
        var second = CycloneDxWriter.Write(SbomSamples.Inventory);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(CycloneDxWriter.Write(SbomSamples.Reversed), Is.EqualTo(first));
        });
    }

    [Test]
    public void The_serial_number_is_a_version_5_UUID_of_the_image_digest_and_the_tool_version()
    {
        static string Serial(SoftwareInventory inventory) => Parse(inventory).GetProperty("serialNumber").GetString()!;
        var inventory = SbomSamples.Inventory;
        var serial = Serial(inventory);

        Assert.Multiple(() =>
        {
            Assert.That(serial, Does.Match("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
            Assert.That(Serial(inventory with { NuGetPackages = [] }), Is.EqualTo(serial), "the same image");
            Assert.That(Serial(inventory with { Image = inventory.Image with { ManifestDigest = Digest.Compute("other"u8) } }), Is.Not.EqualTo(serial));
            Assert.That(Serial(inventory with { ToolVersion = "0.2.0" }), Is.Not.EqualTo(serial));
            Assert.That(serial, Is.Not.EqualTo(JsonDocument.Parse(SpdxWriter.Write(inventory)).RootElement.GetProperty("documentNamespace").GetString()),
                "the SPDX document is another document");
        });
    }

    [TestCaseSource(nameof(Inventories))]
    public void The_image_depends_on_every_component_by_its_unique_bom_ref(SoftwareInventory inventory)
    {
        var bom = Parse(inventory);
        var refs = Components(bom).Select(c => c.GetProperty("bom-ref").GetString()!).ToList();
        var image = bom.GetProperty("metadata").GetProperty("component");
        var dependency = bom.GetProperty("dependencies").EnumerateArray().Single();

        Assert.Multiple(() =>
        {
            Assert.That(image.GetProperty("type").GetString(), Is.EqualTo("container"));
            Assert.That(refs.Append(image.GetProperty("bom-ref").GetString()!), Is.Unique);
            Assert.That(dependency.GetProperty("ref").GetString(), Is.EqualTo(image.GetProperty("bom-ref").GetString()));
            Assert.That(dependency.GetProperty("dependsOn").EnumerateArray().Select(r => r.GetString()), Is.EqualTo(refs));
        });
    }

    [Test]
    public void Components_carry_their_type_purl_hashes_and_known_licences()
    {
        var components = Components(Parse(SbomSamples.Inventory)).ToDictionary(c => c.GetProperty("name").GetString()!);

        Assert.Multiple(() =>
        {
            Assert.That(components["Shop.Api"].GetProperty("type").GetString(), Is.EqualTo("application"));
            Assert.That(components["Microsoft.NETCore.App"].GetProperty("type").GetString(), Is.EqualTo("framework"));
            Assert.That(components["Microsoft.NETCore.App"].GetProperty("cpe").GetString(), Is.EqualTo("cpe:2.3:a:microsoft:.net:10.0.0:*:*:*:*:*:*:*"));
            Assert.That(components["libssl3"].GetProperty("type").GetString(), Is.EqualTo("library"));
            Assert.That(components["libssl3"].GetProperty("purl").GetString(),
                Is.EqualTo("pkg:deb/debian/libssl3@3.0.16-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl"));
            Assert.That(components["libssl3"].GetProperty("licenses")[0].GetProperty("expression").GetString(),
                Is.EqualTo("Apache-2.0 AND (Artistic-1.0-Perl OR GPL-1.0-or-later)"));
            Assert.That(components["libc6"].TryGetProperty("licenses", out _), Is.False, "unknown, so not claimed");
            Assert.That(components["Newtonsoft.Json"].GetProperty("hashes")[0].GetProperty("alg").GetString(), Is.EqualTo("SHA-512"));
            Assert.That(components["humanizer.core"].TryGetProperty("hashes", out _), Is.False);
        });
    }

    [Test]
    public void A_runtime_pack_also_listed_as_a_NuGet_package_is_an_error()
    {
        var inventory = SbomSamples.Inventory;

        Assert.That(() => CycloneDxWriter.Write(inventory with { NuGetPackages = [new NuGetPackage("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0")] }),
            Throws.ArgumentException.With.Message.Contains("listed twice"));
    }

    [Test]
    public void The_media_types_are_the_registered_ones()
        => Assert.Multiple(() =>
        {
            Assert.That(SbomMediaTypes.SpdxJson, Is.EqualTo("application/spdx+json"));
            Assert.That(SbomMediaTypes.CycloneDxJson, Is.EqualTo("application/vnd.cyclonedx+json"));
        });
}
