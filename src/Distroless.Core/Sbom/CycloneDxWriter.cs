using System.Text.Json;

namespace Distroless.Sbom;

/// <summary>
/// Writes an image's SBOM as a CycloneDX 1.6 JSON BOM: the image is the metadata component
/// (type container), the app, runtimes (type framework), Debian and NuGet packages (type library)
/// are components whose bom-ref is their package URL, and the image depends on all of them.
/// </summary>
/// <remarks>
/// Deterministic like <see cref="SpdxWriter"/>: the serial number is a name-based UUID of the
/// image digest and the tool version, the timestamp is the image's created time, components come
/// in one canonical order and members in a fixed order. Licences are always written as one SPDX
/// expression (the form that holds any Debian declaration, <c>LicenseRef-</c>s included), and
/// only when known. What CycloneDX has no field for (a Debian package's source package and pool
/// path, how a runtime was delivered) goes into properties named <c>distroless-sdk:…</c>.
/// </remarks>
public static class CycloneDxWriter
{
    /// <summary>The CycloneDX JSON document, UTF-8, without insignificant whitespace.</summary>
    /// <exception cref="ArgumentException">The inventory lacks a required value, holds a malformed one, or lists a package twice.</exception>
    public static byte[] Write(SoftwareInventory inventory)
    {
        var content = SbomContent.From(inventory);
        var image = content.Image;
        return SbomContent.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
            w.WriteString("bomFormat", "CycloneDX");
            w.WriteString("specVersion", "1.6");
            w.WriteString("serialNumber", "urn:uuid:" + content.DocumentUuid("cyclonedx"));
            w.WriteNumber("version", 1);

            w.WriteStartObject("metadata");
            w.WriteString("timestamp", content.Created);
            w.WriteStartObject("tools");
            w.WriteStartArray("components");
            w.WriteStartObject();
            w.WriteString("type", "application");
            w.WriteString("name", "Distroless.Sdk");
            w.WriteString("version", inventory.ToolVersion);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("component");
            w.WriteString("type", "container");
            w.WriteString("bom-ref", content.ImagePurl);
            w.WriteString("name", image.Name);
            w.WriteString("version", image.ManifestDigest.ToString());
            WriteHashes(w, [new ComponentHash(256, image.ManifestDigest.Hex)]);
            w.WriteString("purl", content.ImagePurl);
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartArray("components");
            foreach (var component in content.Components)
            {
                WriteComponent(w, component);
            }

            w.WriteEndArray();

            w.WriteStartArray("dependencies");
            w.WriteStartObject();
            w.WriteString("ref", content.ImagePurl);
            w.WriteStartArray("dependsOn");
            foreach (var component in content.Components)
            {
                w.WriteStringValue(component.BomRef);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteComponent(Utf8JsonWriter w, SbomComponent component)
    {
        w.WriteStartObject();
        w.WriteString("type", component.Kind switch
        {
            ComponentKind.App => "application",
            ComponentKind.Runtime => "framework",
            _ => "library",
        });
        w.WriteString("bom-ref", component.BomRef);
        if (component.Supplier is { } supplier)
        {
            w.WriteStartObject("supplier");
            w.WriteString("name", supplier);
            w.WriteEndObject();
        }

        w.WriteString("name", component.Name);
        w.WriteString("version", component.Version);
        WriteHashes(w, component.Hashes);
        if (component.License is { } license)
        {
            w.WriteStartArray("licenses");
            w.WriteStartObject();
            w.WriteString("expression", license);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        if (component.Cpe is { } cpe)
        {
            w.WriteString("cpe", cpe);
        }

        if (component.Purl is { } purl)
        {
            w.WriteString("purl", purl);
        }

        var properties = Properties(component);
        if (properties.Count > 0)
        {
            w.WriteStartArray("properties");
            foreach (var (name, value) in properties)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("value", value);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static List<(string Name, string Value)> Properties(SbomComponent component)
    {
        var properties = new List<(string, string)>();
        if (component.Debian is { } deb)
        {
            properties.Add(("distroless-sdk:debian:filename", deb.Filename));
            properties.Add(("distroless-sdk:debian:source", $"{deb.SourceName} {deb.SourceVersion}"));
        }

        if (component.Runtime is { } runtime)
        {
            properties.Add(("distroless-sdk:dotnet:delivery", runtime.Delivery == RuntimeDelivery.SelfContained ? "self-contained" : "runtime-pack"));
        }

        return properties;
    }

    private static void WriteHashes(Utf8JsonWriter w, IReadOnlyCollection<ComponentHash> hashes)
    {
        if (hashes.Count == 0)
        {
            return;
        }

        w.WriteStartArray("hashes");
        foreach (var hash in hashes)
        {
            w.WriteStartObject();
            w.WriteString("alg", hash.Bits == 512 ? "SHA-512" : "SHA-256");
            w.WriteString("content", hash.Hex);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
