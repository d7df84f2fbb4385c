using System.Text.Json;
using System.Text.RegularExpressions;
using Distroless.Oci;
using Distroless.Sbom;

namespace Distroless.Core.Tests.Sbom;

[Parallelizable(ParallelScope.All)]
public sealed partial class SpdxWriterTests
{
    /// <summary>SbomSamples.Small as SPDX, indented here for reading; the writer's bytes are its compact form.</summary>
    private const string Golden = """
        {
          "spdxVersion": "SPDX-2.3",
          "dataLicense": "CC0-1.0",
          "SPDXID": "SPDXRef-DOCUMENT",
          "name": "registry.example:5000/shop/api:1.4.2@sha256:e0f1a497a93630605f20f99b839c253e526b5eeac63ec567913167dbb6861719",
          "documentNamespace": "urn:uuid:fe303af1-4284-5c84-a0b3-ff7f94e0f49e",
          "creationInfo": {
            "created": "2026-07-11T10:16:37Z",
            "creators": [
              "Tool: Distroless.Sdk-0.1.0"
            ]
          },
          "packages": [
            {
              "name": "registry.example:5000/shop/api",
              "SPDXID": "SPDXRef-Image",
              "versionInfo": "sha256:e0f1a497a93630605f20f99b839c253e526b5eeac63ec567913167dbb6861719",
              "supplier": "NOASSERTION",
              "downloadLocation": "NOASSERTION",
              "filesAnalyzed": false,
              "checksums": [
                {
                  "algorithm": "SHA256",
                  "checksumValue": "e0f1a497a93630605f20f99b839c253e526b5eeac63ec567913167dbb6861719"
                }
              ],
              "licenseConcluded": "NOASSERTION",
              "licenseDeclared": "NOASSERTION",
              "copyrightText": "NOASSERTION",
              "externalRefs": [
                {
                  "referenceCategory": "PACKAGE-MANAGER",
                  "referenceType": "purl",
                  "referenceLocator": "pkg:oci/api@sha256:e0f1a497a93630605f20f99b839c253e526b5eeac63ec567913167dbb6861719?arch=amd64&repository_url=registry.example:5000%2Fshop%2Fapi&tag=1.4.2"
                }
              ],
              "primaryPackagePurpose": "CONTAINER",
              "builtDate": "2026-07-11T10:16:37Z"
            },
            {
              "name": "Shop.Api",
              "SPDXID": "SPDXRef-App",
              "versionInfo": "1.4.2",
              "supplier": "NOASSERTION",
              "downloadLocation": "NOASSERTION",
              "filesAnalyzed": false,
              "licenseConcluded": "NOASSERTION",
              "licenseDeclared": "NOASSERTION",
              "copyrightText": "NOASSERTION",
              "primaryPackagePurpose": "APPLICATION"
            },
            {
              "name": "Microsoft.NETCore.App",
              "SPDXID": "SPDXRef-Runtime-Microsoft.NETCore.App",
              "versionInfo": "10.0.0",
              "supplier": "NOASSERTION",
              "downloadLocation": "NOASSERTION",
              "filesAnalyzed": false,
              "licenseConcluded": "NOASSERTION",
              "licenseDeclared": "NOASSERTION",
              "copyrightText": "NOASSERTION",
              "comment": "A dotnet root built from the runtime pack Microsoft.NETCore.App.Runtime.linux-x64.",
              "externalRefs": [
                {
                  "referenceCategory": "SECURITY",
                  "referenceType": "cpe23Type",
                  "referenceLocator": "cpe:2.3:a:microsoft:.net:10.0.0:*:*:*:*:*:*:*"
                },
                {
                  "referenceCategory": "PACKAGE-MANAGER",
                  "referenceType": "purl",
                  "referenceLocator": "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.0"
                }
              ],
              "primaryPackagePurpose": "FRAMEWORK"
            },
            {
              "name": "libstdc++6",
              "SPDXID": "SPDXRef-Deb-libstdc--6-amd64",
              "versionInfo": "12.2.0-14+deb12u1",
              "packageFileName": "pool/main/g/gcc-12/libstdc++6_12.2.0-14+deb12u1_amd64.deb",
              "supplier": "Organization: Debian",
              "downloadLocation": "NOASSERTION",
              "filesAnalyzed": false,
              "checksums": [
                {
                  "algorithm": "SHA256",
                  "checksumValue": "ac4a34a8ddaf7b600777ce889e8c9882ce0fddb7286331c5a4d768080729476c"
                }
              ],
              "sourceInfo": "built from the Debian source package gcc-12 12.2.0-14",
              "licenseConcluded": "NOASSERTION",
              "licenseDeclared": "NOASSERTION",
              "copyrightText": "NOASSERTION",
              "externalRefs": [
                {
                  "referenceCategory": "PACKAGE-MANAGER",
                  "referenceType": "purl",
                  "referenceLocator": "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14"
                }
              ],
              "primaryPackagePurpose": "LIBRARY"
            },
            {
              "name": "tzdata",
              "SPDXID": "SPDXRef-Deb-tzdata-all",
              "versionInfo": "2025b-0+deb12u1",
              "packageFileName": "pool/main/t/tzdata/tzdata_2025b-0+deb12u1_all.deb",
              "supplier": "Organization: Debian",
              "downloadLocation": "NOASSERTION",
              "filesAnalyzed": false,
              "checksums": [
                {
                  "algorithm": "SHA256",
                  "checksumValue": "abab752e16ed624b9bba84c2e333bfdb61464d6c37ab27bd917d2d03e18a23ce"
                }
              ],
              "sourceInfo": "built from the Debian source package tzdata 2025b-0+deb12u1",
              "licenseConcluded": "NOASSERTION",
              "licenseDeclared": "LicenseRef-public-domain",
              "copyrightText": "NOASSERTION",
              "externalRefs": [
                {
                  "referenceCategory": "PACKAGE-MANAGER",
                  "referenceType": "purl",
                  "referenceLocator": "pkg:deb/debian/tzdata@2025b-0%2Bdeb12u1?arch=all&distro=debian-12"
                }
              ],
              "primaryPackagePurpose": "LIBRARY"
            },
            {
              "name": "Newtonsoft.Json",
              "SPDXID": "SPDXRef-NuGet-Newtonsoft.Json",
              "versionInfo": "13.0.3",
              "supplier": "NOASSERTION",
              "downloadLocation": "NOASSERTION",
              "filesAnalyzed": false,
              "checksums": [
                {
                  "algorithm": "SHA512",
                  "checksumValue": "1eb0b9057765d3420ff73795fb467ce3c4163c0a02afd3f76c311982e23e8242dc04a00ec62c7fb4b1000070be52f0cd3efe1ad9dd7c94c45e1cc3a70b2bbd77"
                }
              ],
              "licenseConcluded": "NOASSERTION",
              "licenseDeclared": "MIT",
              "copyrightText": "NOASSERTION",
              "externalRefs": [
                {
                  "referenceCategory": "PACKAGE-MANAGER",
                  "referenceType": "purl",
                  "referenceLocator": "pkg:nuget/Newtonsoft.Json@13.0.3"
                }
              ],
              "primaryPackagePurpose": "LIBRARY"
            }
          ],
          "relationships": [
            {
              "spdxElementId": "SPDXRef-DOCUMENT",
              "relationshipType": "DESCRIBES",
              "relatedSpdxElement": "SPDXRef-Image"
            },
            {
              "spdxElementId": "SPDXRef-Image",
              "relationshipType": "CONTAINS",
              "relatedSpdxElement": "SPDXRef-App"
            },
            {
              "spdxElementId": "SPDXRef-Image",
              "relationshipType": "CONTAINS",
              "relatedSpdxElement": "SPDXRef-Runtime-Microsoft.NETCore.App"
            },
            {
              "spdxElementId": "SPDXRef-Image",
              "relationshipType": "CONTAINS",
              "relatedSpdxElement": "SPDXRef-Deb-libstdc--6-amd64"
            },
            {
              "spdxElementId": "SPDXRef-Image",
              "relationshipType": "CONTAINS",
              "relatedSpdxElement": "SPDXRef-Deb-tzdata-all"
            },
            {
              "spdxElementId": "SPDXRef-Image",
              "relationshipType": "CONTAINS",
              "relatedSpdxElement": "SPDXRef-NuGet-Newtonsoft.Json"
            }
          ],
          "hasExtractedLicensingInfos": [
            {
              "licenseId": "LicenseRef-public-domain",
              "extractedText": "A licence without an SPDX identifier, declared by: tzdata. A Debian package has its text in /usr/share/doc/<package>/copyright.",
              "name": "public-domain"
            }
          ]
        }
        """;

    private static readonly SoftwareInventory[] Inventories = [SbomSamples.Small, SbomSamples.Inventory, SbomSamples.Minimal];

    private static JsonElement Parse(SoftwareInventory inventory) => JsonDocument.Parse(SpdxWriter.Write(inventory)).RootElement;

    private static IEnumerable<JsonElement> Packages(JsonElement document) => document.GetProperty("packages").EnumerateArray();

    [Test]
    public void A_small_inventory_gives_the_pinned_document()
    {
        var json = SpdxWriter.Write(SbomSamples.Small);

        Assert.That(SbomSamples.Pretty(json).ReplaceLineEndings("\n"), Is.EqualTo(Golden.ReplaceLineEndings("\n")));
        Assert.That(json, Is.EqualTo(SbomSamples.Compact(Golden)), "the same document, byte for byte, compact");
    }

    [TestCaseSource(nameof(Inventories))]
    public void The_document_is_valid_against_the_SPDX_2_3_schema(SoftwareInventory inventory)
        => Assert.That(SbomSchemas.Errors(SbomSchemas.Spdx, SpdxWriter.Write(inventory)), Is.Empty);

    [Test]
    public void The_same_inventory_gives_the_same_bytes_whatever_its_order()
    {
        var first = SpdxWriter.Write(SbomSamples.Inventory);
        var second = SpdxWriter.Write(SbomSamples.Inventory);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(SpdxWriter.Write(SbomSamples.Reversed), Is.EqualTo(first));
        });
    }

    [Test]
    public void The_namespace_is_a_version_5_UUID_URN_of_the_image_digest_and_the_tool_version()
    {
        static string Namespace(SoftwareInventory inventory) => Parse(inventory).GetProperty("documentNamespace").GetString()!;
        var inventory = SbomSamples.Inventory;
        var value = Namespace(inventory);

        Assert.Multiple(() =>
        {
            Assert.That(value, Does.Match("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
            Assert.That(Uri.TryCreate(value, UriKind.Absolute, out _), Is.True, "SPDX requires an absolute URI");
            Assert.That(Namespace(inventory with { DebianPackages = [] }), Is.EqualTo(value), "the same image");
            Assert.That(Namespace(inventory with { Image = inventory.Image with { ManifestDigest = Digest.Compute("other"u8) } }), Is.Not.EqualTo(value));
            Assert.That(Namespace(inventory with { ToolVersion = "0.2.0" }), Is.Not.EqualTo(value));
        });
    }

    [Test]
    public void The_creation_time_is_the_image_created_time_in_whole_UTC_seconds()
    {
        var document = Parse(SbomSamples.Inventory);

        Assert.Multiple(() =>
        {
            Assert.That(document.GetProperty("creationInfo").GetProperty("created").GetString(), Is.EqualTo("2026-07-11T10:16:37Z"));
            Assert.That(document.GetProperty("creationInfo").GetProperty("creators")[0].GetString(), Is.EqualTo("Tool: Distroless.Sdk-0.1.0"));
        });
    }

    [TestCaseSource(nameof(Inventories))]
    public void Ids_are_unique_and_the_image_contains_every_other_package(SoftwareInventory inventory)
    {
        var document = Parse(inventory);
        var ids = Packages(document).Select(p => p.GetProperty("SPDXID").GetString()!).ToList();
        var relationships = document.GetProperty("relationships").EnumerateArray()
            .Select(r => (From: r.GetProperty("spdxElementId").GetString(), Type: r.GetProperty("relationshipType").GetString(), To: r.GetProperty("relatedSpdxElement").GetString()))
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.Unique);
            Assert.That(ids, Has.All.Match("^SPDXRef-[A-Za-z0-9.-]+$"));
            Assert.That(ids[0], Is.EqualTo("SPDXRef-Image"));
            Assert.That(Packages(document).First().GetProperty("primaryPackagePurpose").GetString(), Is.EqualTo("CONTAINER"));
            Assert.That(relationships[0], Is.EqualTo(("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image")));
            Assert.That(relationships.Skip(1), Is.EqualTo(ids.Skip(1).Select(id => ("SPDXRef-Image", "CONTAINS", id))));
        });
    }

    [Test]
    public void Every_LicenseRef_in_use_is_defined_once()
    {
        var document = Parse(SbomSamples.Inventory);
        var used = Packages(document).Select(p => p.GetProperty("licenseDeclared").GetString()!)
            .SelectMany(l => LicenseRef().Matches(l).Select(m => m.Value)).Distinct().Order(StringComparer.Ordinal);
        var defined = document.GetProperty("hasExtractedLicensingInfos").EnumerateArray().Select(i => i.GetProperty("licenseId").GetString()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(defined, Is.EqualTo(used));
            Assert.That(defined, Is.EqualTo(new[] { "LicenseRef-ad-hoc", "LicenseRef-public-domain" }));
            Assert.That(Parse(SbomSamples.Minimal).TryGetProperty("hasExtractedLicensingInfos", out _), Is.False);
        });
    }

    [Test]
    public void A_package_with_an_unknown_licence_declares_NOASSERTION_and_one_from_its_copyright_file_the_expression()
    {
        var packages = Packages(Parse(SbomSamples.Inventory)).ToDictionary(p => p.GetProperty("name").GetString()!);

        Assert.Multiple(() =>
        {
            Assert.That(packages["libc6"].GetProperty("licenseDeclared").GetString(), Is.EqualTo("NOASSERTION"));
            Assert.That(packages["libssl3"].GetProperty("licenseDeclared").GetString(), Is.EqualTo("Apache-2.0 AND (Artistic-1.0-Perl OR GPL-1.0-or-later)"));
            Assert.That(packages["libssl3"].GetProperty("licenseConcluded").GetString(), Is.EqualTo("NOASSERTION"));
            Assert.That(packages["humanizer.core"].GetProperty("licenseDeclared").GetString(), Is.EqualTo("NOASSERTION"));
        });
    }

    [Test]
    public void A_package_listed_twice_is_an_error()
    {
        var inventory = SbomSamples.Inventory;

        Assert.Multiple(() =>
        {
            Assert.That(() => SpdxWriter.Write(inventory with { DebianPackages = inventory.DebianPackages.Add(inventory.DebianPackages[1]) }),
                Throws.ArgumentException.With.Message.Contains("libc6:amd64"));
            Assert.That(() => SpdxWriter.Write(inventory with { NuGetPackages = inventory.NuGetPackages.Add(new NuGetPackage("NEWTONSOFT.JSON", "12.0.1")) }),
                Throws.ArgumentException.With.Message.Contains("listed 2 times"));
        });
    }

    [Test]
    public void Malformed_values_are_refused_before_anything_is_written()
    {
        var inventory = SbomSamples.Minimal;

        Assert.Multiple(() =>
        {
            Assert.That(() => SpdxWriter.Write(inventory with { NuGetPackages = [new NuGetPackage("A", "1.0.0") { Sha512 = "sha512-abc" }] }),
                Throws.ArgumentException.With.Message.Contains("SHA-512"));
            Assert.That(() => SpdxWriter.Write(inventory with { NuGetPackages = [new NuGetPackage("A", "1.0.0") { License = "MIT; GPL" }] }),
                Throws.ArgumentException.With.Message.Contains("SPDX license expression"));
            Assert.That(() => SpdxWriter.Write(inventory with { Image = inventory.Image with { ManifestDigest = default } }),
                Throws.ArgumentException.With.Message.Contains("digest"));
            Assert.That(() => SpdxWriter.Write(inventory with { ToolVersion = " " }),
                Throws.ArgumentException.With.Message.Contains("tool version"));
        });
    }

    [GeneratedRegex("LicenseRef-[A-Za-z0-9.-]+")]
    private static partial Regex LicenseRef();
}
