using System.Text.Json;

namespace Distroless.Sbom;

/// <summary>
/// Writes an image's SBOM as an SPDX 2.3 JSON document: one package for the image (purpose
/// CONTAINER), one per Debian package, NuGet package and .NET runtime, one for the app; the
/// document DESCRIBES the image and the image CONTAINS every other package.
/// </summary>
/// <remarks>
/// The bytes are a function of the inventory alone: packages in one canonical order, members in a
/// fixed order, the creation time taken from the image (the build's time input), and the document
/// namespace a name-based UUID URN of the image digest and the tool version
/// (<c>urn:uuid:…</c>: an absolute URI without '#', as SPDX requires, and no host that could be
/// mistaken for a real one). Nothing is asserted that was not determined: concluded licences,
/// copyright texts and download locations are NOASSERTION (the mirror a build used is the
/// machine's business; purl and <c>packageFileName</c> locate a Debian package on any mirror).
/// </remarks>
public static class SpdxWriter
{
    private const string NoAssertion = "NOASSERTION";

    /// <summary>The SPDX JSON document, UTF-8, without insignificant whitespace.</summary>
    /// <exception cref="ArgumentException">The inventory lacks a required value, holds a malformed one, or lists a package twice.</exception>
    public static byte[] Write(SoftwareInventory inventory)
    {
        var content = SbomContent.From(inventory);
        var image = content.Image;
        return SbomContent.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("spdxVersion", "SPDX-2.3");
            w.WriteString("dataLicense", "CC0-1.0");
            w.WriteString("SPDXID", "SPDXRef-DOCUMENT");
            w.WriteString("name", DocumentName(image));
            w.WriteString("documentNamespace", "urn:uuid:" + content.DocumentUuid("spdx"));
            w.WriteStartObject("creationInfo");
            w.WriteString("created", content.Created);
            w.WriteStartArray("creators");
            w.WriteStringValue("Tool: Distroless.Sdk-" + inventory.ToolVersion);
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartArray("packages");
            WriteImage(w, content);
            foreach (var component in content.Components)
            {
                WritePackage(w, component);
            }

            w.WriteEndArray();

            w.WriteStartArray("relationships");
            WriteRelationship(w, "SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image");
            foreach (var component in content.Components)
            {
                WriteRelationship(w, "SPDXRef-Image", "CONTAINS", component.SpdxId);
            }

            w.WriteEndArray();

            // SPDX requires every LicenseRef- an expression uses to be defined in the document.
            var refs = content.LicenseRefs();
            if (refs.Count > 0)
            {
                w.WriteStartArray("hasExtractedLicensingInfos");
                foreach (var (id, users) in refs)
                {
                    w.WriteStartObject();
                    w.WriteString("licenseId", id);
                    w.WriteString("extractedText", ExtractedText(users));
                    w.WriteString("name", id[DebianCopyright.LicenseRefPrefix.Length..]);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        });
    }

    private static string DocumentName(ImageInfo image)
        => image.Name + (string.IsNullOrEmpty(image.Tag) ? "" : ":" + image.Tag) + "@" + image.ManifestDigest;

    private static void WriteImage(Utf8JsonWriter w, SbomContent content)
    {
        var image = content.Image;
        w.WriteStartObject();
        w.WriteString("name", image.Name);
        w.WriteString("SPDXID", "SPDXRef-Image");
        w.WriteString("versionInfo", image.ManifestDigest.ToString());
        w.WriteString("supplier", NoAssertion);
        w.WriteString("downloadLocation", NoAssertion);
        w.WriteBoolean("filesAnalyzed", false);
        WriteChecksums(w, [new ComponentHash(256, image.ManifestDigest.Hex)]);
        w.WriteString("licenseConcluded", NoAssertion);
        w.WriteString("licenseDeclared", NoAssertion);
        w.WriteString("copyrightText", NoAssertion);
        WriteExternalRefs(w, content.ImagePurl, cpe: null);
        w.WriteString("primaryPackagePurpose", "CONTAINER");
        w.WriteString("builtDate", content.Created);
        w.WriteEndObject();
    }

    private static void WritePackage(Utf8JsonWriter w, SbomComponent component)
    {
        w.WriteStartObject();
        w.WriteString("name", component.Name);
        w.WriteString("SPDXID", component.SpdxId);
        w.WriteString("versionInfo", component.Version);
        if (component.Debian is { } deb)
        {
            w.WriteString("packageFileName", deb.Filename);
        }

        w.WriteString("supplier", component.Supplier is { } supplier ? "Organization: " + supplier : NoAssertion);
        w.WriteString("downloadLocation", NoAssertion);
        w.WriteBoolean("filesAnalyzed", false);
        WriteChecksums(w, component.Hashes);
        if (component.Debian is { } source)
        {
            w.WriteString("sourceInfo", $"built from the Debian source package {source.SourceName} {source.SourceVersion}");
        }

        w.WriteString("licenseConcluded", NoAssertion);
        w.WriteString("licenseDeclared", component.License ?? NoAssertion);
        w.WriteString("copyrightText", NoAssertion);
        if (component.Runtime is { } runtime)
        {
            w.WriteString("comment", runtime.Delivery == RuntimeDelivery.SelfContained
                ? $"Carried by the self-contained app, from the runtime pack {runtime.PackId}."
                : $"A dotnet root built from the runtime pack {runtime.PackId}.");
        }

        WriteExternalRefs(w, component.Purl, component.Cpe);
        w.WriteString("primaryPackagePurpose", component.Kind switch
        {
            ComponentKind.App => "APPLICATION",
            ComponentKind.Runtime => "FRAMEWORK",
            _ => "LIBRARY",
        });
        w.WriteEndObject();
    }

    private static void WriteChecksums(Utf8JsonWriter w, IReadOnlyCollection<ComponentHash> hashes)
    {
        if (hashes.Count == 0)
        {
            return;
        }

        w.WriteStartArray("checksums");
        foreach (var hash in hashes)
        {
            w.WriteStartObject();
            w.WriteString("algorithm", hash.Bits == 512 ? "SHA512" : "SHA256");
            w.WriteString("checksumValue", hash.Hex);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteExternalRefs(Utf8JsonWriter w, string? purl, string? cpe)
    {
        if (purl is null && cpe is null)
        {
            return;
        }

        w.WriteStartArray("externalRefs");
        if (cpe is not null)
        {
            WriteExternalRef(w, "SECURITY", "cpe23Type", cpe);
        }

        if (purl is not null)
        {
            WriteExternalRef(w, "PACKAGE-MANAGER", "purl", purl);
        }

        w.WriteEndArray();
    }

    private static void WriteExternalRef(Utf8JsonWriter w, string category, string type, string locator)
    {
        w.WriteStartObject();
        w.WriteString("referenceCategory", category);
        w.WriteString("referenceType", type);
        w.WriteString("referenceLocator", locator);
        w.WriteEndObject();
    }

    private static void WriteRelationship(Utf8JsonWriter w, string from, string type, string to)
    {
        w.WriteStartObject();
        w.WriteString("spdxElementId", from);
        w.WriteString("relationshipType", type);
        w.WriteString("relatedSpdxElement", to);
        w.WriteEndObject();
    }

    // The inventory carries licence names, not texts; say where the text is instead.
    private static string ExtractedText(IReadOnlyList<SbomComponent> users)
    {
        var text = "A licence without an SPDX identifier, declared by: " + string.Join(", ", users.Select(u => u.Name)) + ".";
        return users.Any(u => u.Kind == ComponentKind.Debian)
            ? text + " A Debian package has its text in /usr/share/doc/<package>/copyright."
            : text;
    }
}
