using System.Text.RegularExpressions;

namespace Distroless.RegistryTests.Infrastructure;

/// <summary>What a request to a registry (or its token server) does, from its method and path.</summary>
public enum RequestKind
{
    /// <summary>GET /v2/ (version check, auth challenge).</summary>
    Ping,
    BlobHead,
    BlobGet,
    BlobDelete,

    /// <summary>POST /v2/NAME/blobs/uploads/ without mount (with or without a monolithic body).</summary>
    UploadStart,

    /// <summary>POST /v2/NAME/blobs/uploads/?mount=DIGEST&amp;from=OTHER (cross-repository mount).</summary>
    BlobMount,
    UploadPatch,
    UploadPut,

    /// <summary>GET /v2/NAME/blobs/uploads/UUID: upload status, answered with Range.</summary>
    UploadStatus,
    UploadCancel,
    ManifestHead,
    ManifestGet,
    ManifestPut,
    ManifestDelete,
    TagsList,
    Catalog,

    /// <summary>Anything outside /v2/ that the proxy sends to the token server.</summary>
    Token,
    Other,
}

/// <summary>Classifies registry requests into <see cref="RequestKind"/>s.</summary>
public static partial class RequestKinds
{
    /// <summary>The kinds that carry blob bytes to the registry.</summary>
    public static IReadOnlySet<RequestKind> Uploads { get; } =
        new HashSet<RequestKind> { RequestKind.UploadStart, RequestKind.UploadPatch, RequestKind.UploadPut };

    /// <summary>
    /// Classifies <paramref name="method"/> on <paramref name="path"/> (no query);
    /// <paramref name="query"/> tells a mount from an upload start.
    /// </summary>
    public static RequestKind Classify(string method, string path, string query = "")
    {
        method = method.ToUpperInvariant();
        if (!path.StartsWith("/v2", StringComparison.Ordinal))
        {
            return RequestKind.Token;
        }

        if (path is "/v2" or "/v2/")
        {
            return RequestKind.Ping;
        }

        if (path == "/v2/_catalog")
        {
            return RequestKind.Catalog;
        }

        if (TagsPattern().IsMatch(path))
        {
            return RequestKind.TagsList;
        }

        var upload = UploadPattern().Match(path);
        if (upload.Success)
        {
            var hasSession = upload.Groups["uuid"].Value.Length > 0;
            return (method, hasSession) switch
            {
                ("POST", false) => query.Contains("mount=", StringComparison.Ordinal) ? RequestKind.BlobMount : RequestKind.UploadStart,
                ("PATCH", true) => RequestKind.UploadPatch,
                ("PUT", true) => RequestKind.UploadPut,
                ("GET", true) => RequestKind.UploadStatus,
                ("DELETE", true) => RequestKind.UploadCancel,
                _ => RequestKind.Other,
            };
        }

        if (BlobPattern().IsMatch(path))
        {
            return method switch
            {
                "HEAD" => RequestKind.BlobHead,
                "GET" => RequestKind.BlobGet,
                "DELETE" => RequestKind.BlobDelete,
                _ => RequestKind.Other,
            };
        }

        if (ManifestPattern().IsMatch(path))
        {
            return method switch
            {
                "HEAD" => RequestKind.ManifestHead,
                "GET" => RequestKind.ManifestGet,
                "PUT" => RequestKind.ManifestPut,
                "DELETE" => RequestKind.ManifestDelete,
                _ => RequestKind.Other,
            };
        }

        return RequestKind.Other;
    }

    [GeneratedRegex("^/v2/.+/tags/list$")]
    private static partial Regex TagsPattern();

    [GeneratedRegex("^/v2/.+/blobs/uploads/(?<uuid>[^/]*)$")]
    private static partial Regex UploadPattern();

    [GeneratedRegex("^/v2/.+/blobs/[^/]+$")]
    private static partial Regex BlobPattern();

    [GeneratedRegex("^/v2/.+/manifests/[^/]+$")]
    private static partial Regex ManifestPattern();
}
