using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Distroless.Oci;

namespace Distroless.Testing.Registry;

public sealed partial class InMemoryRegistry
{
    /// <summary>
    /// The referrers API's answer: an image index of every manifest in the repository whose
    /// subject is <paramref name="reference"/>, each with its artifactType (else its config's
    /// media type) and annotations, as the distribution specification describes it.
    /// </summary>
    private HttpResponseMessage Referrers(string repository, string reference)
    {
        if (!Digest.TryParse(reference, out var subject))
        {
            return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", $"\"{reference}\" is not a digest");
        }

        List<(Digest Digest, byte[] Content, string MediaType)> manifests;
        lock (_lock)
        {
            manifests = _references.TryGetValue(repository, out var references)
                ? [.. references.Values.Distinct().OrderBy(d => d.Hex, StringComparer.Ordinal).Select(d => (d, _manifests[d].Content, _manifests[d].MediaType))]
                : [];
        }

        var entries = new List<Descriptor>();
        foreach (var (digest, content, mediaType) in manifests.Where(m => m.MediaType == MediaTypes.ImageManifest))
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.TryGetProperty("subject", out var s) && s.GetProperty("digest").GetString() == subject.ToString())
            {
                var manifest = ManifestReader.ReadManifest(content);
                entries.Add(new Descriptor(mediaType, digest, content.Length)
                {
                    ArtifactType = manifest.ArtifactType ?? manifest.Config.MediaType,
                    Annotations = manifest.Annotations,
                });
            }
        }

        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(OciJson.Serialize(new ImageIndex([.. entries]))) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.ImageIndex);
        return response;
    }
}
