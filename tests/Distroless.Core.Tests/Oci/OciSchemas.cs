using NJsonSchema;
using NJsonSchema.Validation;

namespace Distroless.Core.Tests.Oci;

/// <summary>
/// The OCI image-spec JSON schemas (draft-04, copied into Schemas/ with their Apache-2.0
/// LICENSE), loaded once with NJsonSchema, which resolves their relative $refs from the files.
/// </summary>
internal static class OciSchemas
{
    private static readonly Lazy<JsonSchema> LazyConfig = new(() => Load("config-schema.json"));
    private static readonly Lazy<JsonSchema> LazyManifest = new(() => Load("image-manifest-schema.json"));
    private static readonly Lazy<JsonSchema> LazyIndex = new(() => Load("image-index-schema.json"));

    public static JsonSchema Config => LazyConfig.Value;

    public static JsonSchema Manifest => LazyManifest.Value;

    public static JsonSchema Index => LazyIndex.Value;

    /// <summary>Every violation, nested ones included, as "path: kind" lines; empty when the document is valid.</summary>
    public static IReadOnlyList<string> Errors(JsonSchema schema, byte[] json)
        => Flatten(schema.Validate(System.Text.Encoding.UTF8.GetString(json))).Select(e => $"{e.Path}: {e.Kind}").ToList();

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
        => errors.SelectMany(e => e is ChildSchemaValidationError child
            ? child.Errors.Values.SelectMany(Flatten).Prepend(e)
            : [e]);

    private static JsonSchema Load(string name)
        => JsonSchema.FromFileAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Schemas", name)).GetAwaiter().GetResult();
}
