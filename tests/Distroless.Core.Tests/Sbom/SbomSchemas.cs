using Distroless.Core.Tests.Oci;
using NJsonSchema;

namespace Distroless.Core.Tests.Sbom;

/// <summary>
/// The official SBOM schemas, copied into Schemas/ with their licences: SPDX 2.3 (spdx/, CC-BY-3.0)
/// and CycloneDX 1.6 (cyclonedx/, Apache-2.0, with the SPDX licence list and JSF schemas it refers
/// to by file name). Loaded once with NJsonSchema, which resolves those references from the files.
/// </summary>
internal static class SbomSchemas
{
    private static readonly Lazy<JsonSchema> LazySpdx = new(() => Load("spdx", "spdx-2.3-schema.json"));
    private static readonly Lazy<JsonSchema> LazyCycloneDx = new(() => Load("cyclonedx", "bom-1.6.schema.json"));
    private static readonly Lazy<HashSet<string>> LazySpdxIds = new(() =>
    {
        using var stream = File.OpenRead(PathOf("cyclonedx", "spdx.schema.json"));
        using var document = System.Text.Json.JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
    });

    public static JsonSchema Spdx => LazySpdx.Value;

    public static JsonSchema CycloneDx => LazyCycloneDx.Value;

    /// <summary>The SPDX licence and exception identifiers, from the list CycloneDX's schema enumerates.</summary>
    public static IReadOnlySet<string> SpdxLicenseIds => LazySpdxIds.Value;

    /// <summary>Every violation, nested ones included; empty when the document is valid.</summary>
    public static IReadOnlyList<string> Errors(JsonSchema schema, byte[] json) => OciSchemas.Errors(schema, json);

    private static string PathOf(string folder, string name)
        => Path.Combine(TestContext.CurrentContext.TestDirectory, "Schemas", folder, name);

    private static JsonSchema Load(string folder, string name)
        => JsonSchema.FromFileAsync(PathOf(folder, name)).GetAwaiter().GetResult();
}
