using System.Collections.Immutable;
using Distroless.Debian;
using Distroless.Layers;

namespace Distroless.Base;

/// <summary>A composed base: its layers in order and the Debian packages in them.</summary>
public sealed record DistrolessBase(DebianRelease Release, ImmutableArray<LayerBlob> Layers, ImmutableArray<PackageRecord> Packages)
{
    public const string CertificateBundle = "/" + CaCertificates.BundlePath;

    /// <summary>The environment every image on this base starts from.</summary>
    public static ImmutableArray<string> Environment { get; } =
    [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "SSL_CERT_FILE=" + CertificateBundle,
    ];
}
