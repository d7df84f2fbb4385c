using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Distroless.RegistryTests.Infrastructure;

/// <summary>A server certificate and its private key, both PEM, as a Go server loads them.</summary>
public sealed record PemKeyPair(string CertificatePem, string PrivateKeyPem);

/// <summary>
/// A throw-away certificate authority (ECDSA P-256, valid from yesterday for a year) made with
/// System.Security.Cryptography, that issues loopback server certificates, and the HTTP handlers
/// and CA bundles that trust it.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    /// <summary>The system CA bundle on Debian (package ca-certificates).</summary>
    public const string SystemBundlePath = "/etc/ssl/certs/ca-certificates.crt";

    private readonly ECDsa _key;

    private TestCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Certificate.ExportCertificatePem() + "\n";

    public static TestCertificateAuthority Create(string commonName = "Distroless Test CA")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}, O=Distroless.Sdk tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var withKey = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        return new TestCertificateAuthority(publicOnly, key);
    }

    /// <summary>
    /// A server certificate for <paramref name="names"/> (IP addresses become IP SANs, anything
    /// else DNS SANs; 127.0.0.1 and localhost when none are given), signed by this CA.
    /// </summary>
    public PemKeyPair IssueServerCertificate(params string[] names)
    {
        if (names.Length == 0)
        {
            names = ["127.0.0.1", "localhost"];
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var signer = X509SignatureGenerator.CreateForECDsa(_key);
        using var certificate = request.Create(Certificate.SubjectName, signer, now.AddDays(-1), now.AddDays(30), serial);
        return new PemKeyPair(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>Writes the CA certificate as PEM to <paramref name="path"/> and returns the path.</summary>
    public string WriteCertificate(string path)
    {
        File.WriteAllText(path, CertificatePem);
        return path;
    }

    /// <summary>
    /// Writes the system CA bundle followed by this CA to <paramref name="path"/>: a file for
    /// SSL_CERT_FILE of child processes that must trust both public registries and this CA.
    /// </summary>
    public string WriteBundleWithSystemCertificates(string path)
    {
        var system = File.Exists(SystemBundlePath) ? File.ReadAllText(SystemBundlePath) : "";
        if (system.Length > 0 && !system.EndsWith('\n'))
        {
            system += "\n";
        }

        File.WriteAllText(path, system + CertificatePem);
        return path;
    }

    /// <summary>A handler that trusts this CA and nothing else (not the system store).</summary>
    public SocketsHttpHandler CreateHttpHandler()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(Certificate);
        return new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy },
        };
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }
}
