using Distroless.Core.Tests.Oci;
using NJsonSchema;

namespace Distroless.Core.Tests.Signing;

/// <summary>
/// The JSON schema of an in-toto Statement v1 with an SLSA Provenance v1 predicate, written from
/// the two specifications into Schemas/intoto/ (neither project publishes one).
/// </summary>
internal static class ProvenanceSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFileAsync(
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Schemas", "intoto", "slsa-provenance-v1-statement.schema.json")).GetAwaiter().GetResult());

    public static IReadOnlyList<string> Errors(byte[] statement) => OciSchemas.Errors(Schema.Value, statement);
}
