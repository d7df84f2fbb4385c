using System.Text;
using System.Text.Json.Nodes;
using Distroless.Sbom;

namespace Distroless.Core.Tests.Sbom;

/// <summary>The schema checks are not vacuous: the copied schemas, references included, reject broken documents.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class SbomSchemaTests
{
    private static byte[] Edit(byte[] json, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(json)!;
        edit(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    [Test]
    public void The_SPDX_schema_rejects_an_unknown_member_and_a_wrong_type()
    {
        var json = SpdxWriter.Write(SbomSamples.Small);

        Assert.Multiple(() =>
        {
            Assert.That(SbomSchemas.Errors(SbomSchemas.Spdx, Edit(json, n => n["packages"]![0]!["filesAnalysed"] = false)), Is.Not.Empty);
            Assert.That(SbomSchemas.Errors(SbomSchemas.Spdx, Edit(json, n => n["packages"]![0]!["filesAnalyzed"] = "no")), Is.Not.Empty);
            Assert.That(SbomSchemas.Errors(SbomSchemas.Spdx, Edit(json, n => n["packages"]![0]!["primaryPackagePurpose"] = "IMAGE")), Is.Not.Empty);
        });
    }

    [Test]
    public void The_CycloneDX_schema_rejects_a_bad_serial_number_and_resolves_the_SPDX_licence_list()
    {
        var json = CycloneDxWriter.Write(SbomSamples.Small);

        Assert.Multiple(() =>
        {
            Assert.That(SbomSchemas.Errors(SbomSchemas.CycloneDx, Edit(json, n => n["serialNumber"] = "urn:uuid:not-a-uuid")), Is.Not.Empty);
            Assert.That(SbomSchemas.Errors(SbomSchemas.CycloneDx, Edit(json, n => n["components"]![0]!["type"] = "image")), Is.Not.Empty);
            Assert.That(SbomSchemas.Errors(SbomSchemas.CycloneDx, Edit(json,
                n => n["components"]![0]!["licenses"] = JsonNode.Parse("""[{"license":{"id":"Not-An-SPDX-Id"}}]"""))), Is.Not.Empty);
            Assert.That(SbomSchemas.Errors(SbomSchemas.CycloneDx, Edit(json,
                n => n["components"]![0]!["licenses"] = JsonNode.Parse("""[{"license":{"id":"MIT"}}]"""))), Is.Empty);
        });
    }
}
