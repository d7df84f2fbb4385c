using System.Text;
using Distroless.Caching;
using Distroless.Layers;

namespace Distroless.Base;

/// <summary>
/// What maintainer scripts and image tooling would otherwise create, written explicitly:
/// users and groups (root, nobody, nonroot 65532), name-service switch, the writable
/// <c>/tmp</c> and home directories, and the OpenSSL default certificate paths. os-release is
/// base-files' own, untouched: scanners read it, and dpkg's md5sums for it stay true.
/// Every entry is root-owned unless stated, with mtime 0, so the layer is the same for
/// every app and shared by digest.
/// </summary>
public static class SyntheticLayer
{
    public const int NonRootUid = 65532;

    public const string Passwd =
        "root:x:0:0:root:/root:/sbin/nologin\n" +
        "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n" +
        "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";

    public const string Group =
        "root:x:0:\n" +
        "nobody:x:65534:\n" +
        "tty:x:5:\n" +
        "staff:x:50:\n" +
        "nonroot:x:65532:\n";

    // distroless's nsswitch.conf: files first, DNS for hosts.
    public const string NsSwitch =
        "# /etc/nsswitch.conf\n" +
        "#\n" +
        "# Example configuration of GNU Name Service Switch functionality.\n" +
        "# If you have the `glibc-doc-reference' and `info' packages installed, try:\n" +
        "# `info libc \"Name Service Switch\"' for information about this file.\n" +
        "\n" +
        "passwd:         compat\n" +
        "group:          compat\n" +
        "shadow:         compat\n" +
        "gshadow:        files\n" +
        "\n" +
        "hosts:          files dns\n" +
        "networks:       files\n" +
        "\n" +
        "protocols:      db files\n" +
        "services:       db files\n" +
        "ethers:         db files\n" +
        "rpc:            db files\n" +
        "\n" +
        "netgroup:       nis\n";

    public static LayerBlob Build(BlobCache cache)
        => LayerBuilder.Build(cache, "distroless: users, groups, /tmp, home, certificate paths", layer =>
        {
            const long mtime = 0;
            // Sorted by path, parents first.
            layer.AddDirectory("etc", 0x1ed, mtime);
            layer.AddFile("etc/group", 0x1a4, mtime, Encoding.UTF8.GetBytes(Group));
            layer.AddFile("etc/nsswitch.conf", 0x1a4, mtime, Encoding.UTF8.GetBytes(NsSwitch));
            layer.AddFile("etc/passwd", 0x1a4, mtime, Encoding.UTF8.GetBytes(Passwd));
            layer.AddDirectory("etc/ssl", 0x1ed, mtime);
            layer.AddDirectory("etc/ssl/certs", 0x1ed, mtime);
            layer.AddDirectory("home", 0x1ed, mtime);
            layer.AddDirectory("home/nonroot", 0x1c0, mtime, NonRootUid, NonRootUid);
            layer.AddDirectory("root", 0x1c0, mtime);
            layer.AddDirectory("tmp", 0x3ff, mtime);
            layer.AddDirectory("usr", 0x1ed, mtime);
            layer.AddDirectory("usr/lib", 0x1ed, mtime);
            // OpenSSL's compiled-in defaults (X509_get_default_cert_file/dir), which .NET falls
            // back to without SSL_CERT_FILE; Debian's openssl package would ship these links.
            layer.AddDirectory("usr/lib/ssl", 0x1ed, mtime);
            layer.AddSymlink("usr/lib/ssl/cert.pem", "/" + CaCertificates.BundlePath, mtime);
            layer.AddSymlink("usr/lib/ssl/certs", "/etc/ssl/certs", mtime);
        });
}
