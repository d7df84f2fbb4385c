using System.Net;

namespace Distroless.Testing;

/// <summary>
/// Serves one or more <see cref="FakeDebianArchive"/>s by base URI (a main archive and a
/// security archive on other roots, as Debian has them); 404 for anything outside them.
/// </summary>
public sealed class FakeArchiveHandler : HttpMessageHandler
{
    private readonly IReadOnlyList<FakeDebianArchive> _archives;

    public FakeArchiveHandler(IReadOnlyList<FakeDebianArchive> archives) => _archives = archives;

    /// <summary>One handler for several archives (e.g. debian/ and debian-security/).</summary>
    public static FakeArchiveHandler Combine(params FakeDebianArchive[] archives) => new(archives);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Send(request, cancellationToken));
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));
        var target = uri.GetLeftPart(UriPartial.Path);
        foreach (var archive in _archives)
        {
            var root = archive.BaseUri.AbsoluteUri;
            if (target.StartsWith(root, StringComparison.Ordinal))
            {
                return archive.Respond(request, Uri.UnescapeDataString(target[root.Length..]));
            }
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
    }
}
