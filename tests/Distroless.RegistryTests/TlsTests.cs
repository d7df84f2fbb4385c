using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// `dotnet publish` to a registry that speaks only HTTPS, with a certificate from a test CA:
/// trusted through SSL_CERT_FILE, the push works; untrusted, it fails with DSTL5003 and does not
/// try plain HTTP instead, although the registry is on loopback (where plain HTTP is allowed).
/// The client reaches the registry through a <see cref="TcpForwarder"/>, which sees how every
/// connection opens: a TLS ClientHello, or plain HTTP.
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class TlsTests
{
    [Test]
    public async Task A_registry_whose_ca_is_in_SSL_CERT_FILE_takes_the_push()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartTlsAsync(temp.Path);
        await using var forwarder = TcpForwarder.Start(registry.Port);

        var publish = await SharedSample.PublishAsync(temp.Path, registry.ChildEnvironment,
            "-p:ContainerRegistry=" + forwarder.Host, "-p:ContainerRepository=shop/api", "-p:ContainerImageTag=1.0", "-v:normal");

        Assert.That(publish.ExitCode, Is.Zero, publish.All + registry.Log);
        Assert.Multiple(() =>
        {
            Assert.That(publish.Output, Does.Not.Contain("plain HTTP"));
            Assert.That(forwarder.Openings, Is.Not.Empty.And.All.Matches<byte[]>(TcpForwarder.IsTlsHandshake), "every connection was TLS");
            Assert.That(forwarder.BytesSent, Is.GreaterThan(50_000_000), "the image went through");
        });
        var inspect = await new Skopeo(temp.Path).InspectAsync("docker://" + registry.Reference("shop/api", "1.0"), "--cert-dir", registry.CertDirectory!);
        Assert.That(inspect.ExitCode, Is.Zero, inspect.All);
        using var json = System.Text.Json.JsonDocument.Parse(inspect.Output);
        Assert.That(json.RootElement.GetProperty("Digest").GetString(), Is.EqualTo(SharedSample.DigestOf(publish)));
    }

    [Test]
    public async Task An_untrusted_certificate_fails_with_DSTL5003_without_falling_back_to_plain_HTTP()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartTlsAsync(temp.Path);
        await using var forwarder = TcpForwarder.Start(registry.Port);
        var logBefore = registry.Log.Length;

        var publish = await SharedSample.PublishAsync(temp.Path, null,
            "-p:ContainerRegistry=" + forwarder.Host, "-p:ContainerRepository=shop/api", "-p:ContainerImageTag=1.0");

        var error = publish.Output.Split('\n').FirstOrDefault(l => l.Contains("error DSTL", StringComparison.Ordinal)) ?? "";
        var openings = forwarder.Openings;
        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Not.Zero);
            Assert.That(SharedSample.ErrorCodes(publish), Is.EqualTo(new[] { "DSTL5003" }), publish.All);
            Assert.That(error, Does.Contain(forwarder.Host).And.Contain("not trusted"));
            Assert.That(openings, Is.Not.Empty);
            Assert.That(openings, Is.All.Matches<byte[]>(TcpForwarder.IsTlsHandshake),
                "no connection spoke plain HTTP: " + string.Join(", ", openings.Select(Convert.ToHexString)));
            Assert.That(registry.Log[logBefore..].Split('\n').Where(l => l.Contains("response completed", StringComparison.Ordinal)
                && !l.Contains(DistributionRegistry.ReadinessUserAgent, StringComparison.Ordinal)), Is.Empty, "no request got through");
        });
    }
}
