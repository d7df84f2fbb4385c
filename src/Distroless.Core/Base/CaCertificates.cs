using System.Formats.Tar;
using Distroless.Layers;

namespace Distroless.Base;

/// <summary>
/// Builds <c>/etc/ssl/certs/ca-certificates.crt</c> from the Mozilla certificates the
/// ca-certificates package ships, as its postinst (update-ca-certificates) would: every
/// <c>usr/share/ca-certificates/**.crt</c> concatenated in path order. The individual
/// certificates and the update machinery are left out of the layer; the bundle is what
/// OpenSSL and .NET read.
/// </summary>
internal sealed class CaCertificates
{
    public const string PackageName = "ca-certificates";
    public const string BundlePath = "etc/ssl/certs/ca-certificates.crt";

    private readonly SortedDictionary<string, byte[]> _certificates = new(StringComparer.Ordinal);

    public int Count => _certificates.Count;

    /// <summary>True when the entry belongs to the certificate machinery (and is not written as is).</summary>
    public bool Consume(string path, TarEntry entry)
    {
        if (path.StartsWith("usr/share/ca-certificates", StringComparison.Ordinal))
        {
            if (path.EndsWith(".crt", StringComparison.Ordinal) && entry.DataStream is { } data)
            {
                var buffer = new MemoryStream();
                data.CopyTo(buffer);
                _certificates[path] = buffer.ToArray();
            }

            return true;
        }

        return path.StartsWith("usr/sbin/update-ca-certificates", StringComparison.Ordinal)
            || path.StartsWith("etc/ca-certificates", StringComparison.Ordinal)
            || path.StartsWith("usr/share/ca-certificates", StringComparison.Ordinal);
    }

    public void WriteBundle(LayerWriter layer)
    {
        var bundle = new MemoryStream();
        foreach (var certificate in _certificates.Values)
        {
            bundle.Write(certificate);
            if (certificate.Length > 0 && certificate[^1] != (byte)'\n')
            {
                bundle.WriteByte((byte)'\n');
            }
        }

        layer.AddDirectory("etc/ssl", 0x1ed, 0);
        layer.AddDirectory("etc/ssl/certs", 0x1ed, 0);
        layer.AddFile(BundlePath, 0x1a4, 0, bundle.ToArray());
    }
}
