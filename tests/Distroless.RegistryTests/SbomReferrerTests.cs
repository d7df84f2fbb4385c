using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// SBOMs as OCI 1.1 referrers on the real CNCF registry. distribution 2.8 has no referrers API,
/// so this is the referrers tag schema: after a publish, the tag sha256-&lt;image digest&gt;
/// holds an index of the SPDX and CycloneDX artifact manifests, whose subject is the image and
/// whose blobs download, hash to their digests and are the SBOMs of this image. (The
/// referrers-API path is covered against the in-process registry fake in Distroless.Core.Tests.)
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class SbomReferrerTests
{
    [Test]
    public async Task The_fallback_tag_lists_both_SBOMs_whose_blobs_download_and_describe_the_image()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        var publish = await SharedSample.PublishAsync(temp.Path, null,
            "-p:ContainerRegistry=" + registry.Host, "-p:ContainerRepository=shop/api", "-p:ContainerImageTag=1.0");
        Assert.That(publish.ExitCode, Is.Zero, publish.All);
        var digest = SharedSample.DigestOf(publish);
        using var http = registry.CreateHttpClient();

        var index = await GetManifestAsync(http, "shop/api", "sha256-" + digest["sha256:".Length..]);
        var entries = index.GetProperty("manifests").EnumerateArray().ToList();
        Assert.That(entries.Select(e => e.GetProperty("artifactType").GetString()),
            Is.EquivalentTo(new[] { "application/spdx+json", "application/vnd.cyclonedx+json" }));

        foreach (var entry in entries)
        {
            var artifact = await GetManifestAsync(http, "shop/api", entry.GetProperty("digest").GetString()!);
            var layer = artifact.GetProperty("layers")[0];
            var blobDigest = layer.GetProperty("digest").GetString()!;
            var blob = await http.GetByteArrayAsync($"v2/shop/api/blobs/{blobDigest}");
            var sbom = JsonDocument.Parse(blob).RootElement;

            Assert.Multiple(() =>
            {
                Assert.That(artifact.GetProperty("subject").GetProperty("digest").GetString(), Is.EqualTo(digest));
                Assert.That(artifact.GetProperty("artifactType").GetString(), Is.EqualTo(entry.GetProperty("artifactType").GetString()));
                Assert.That("sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob)), Is.EqualTo(blobDigest));
                Assert.That(sbom.GetRawText(), Does.Contain(digest["sha256:".Length..]), "the SBOM names the image it describes");
                Assert.That(sbom.GetRawText(), Does.Contain("pkg:deb/debian/libc6@").And.Contain("pkg:nuget/Newtonsoft.Json@"));
            });
        }
    }

    private static async Task<JsonElement> GetManifestAsync(HttpClient http, string repository, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.index.v1+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var response = await http.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, $"GET {reference}: {(int)response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync()).RootElement.Clone();
    }
}
