using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// Bad registry input through `dotnet publish`: a host that does not resolve, names that are not
/// image references (refused before any request), and a base image the registry does not have.
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class RegistryBadInputTests
{
    [Test]
    public async Task An_unknown_registry_host_fails_with_DSTL5002_naming_the_host_and_the_resolver_error()
    {
        using var temp = new TempDirectory("distroless-registry-test-");

        var publish = await SharedSample.PublishAsync(temp.Path, null,
            "-p:ContainerRegistry=nonexistent.invalid:5000", "-p:ContainerRepository=shop/api");

        var error = publish.Output.Split('\n').FirstOrDefault(l => l.Contains("error DSTL", StringComparison.Ordinal)) ?? "";
        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Not.Zero);
            Assert.That(SharedSample.ErrorCodes(publish), Is.EqualTo(new[] { "DSTL5002" }), publish.All);
            Assert.That(error, Does.Contain("the registry nonexistent.invalid:5000 did not complete the connection check"));
            Assert.That(error, Does.Match(@"after \d+ attempts"));
            Assert.That(error, Does.Contain("Name or service not known").Or.Contain("No such host").IgnoreCase
                .Or.Contain("Resource temporarily unavailable"), "the resolver's answer is in the message");
        });
    }

    [TestCase("-p:ContainerRepository=Shop/API", "DSTL1004", "ContainerRepository")]
    [TestCase("-p:ContainerImageTags=\"1.0;-bad\"", "DSTL1004", "ContainerImageTags")]
    [TestCase("-p:ContainerImageTag=has:colon", "DSTL1004", "ContainerImageTags")]
    [TestCase("-p:ContainerBaseImage=REGISTRY/Base:1", "DSTL1006", "ContainerBaseImage")]
    [TestCase("-p:ContainerBaseImage=REGISTRY/base@sha256:1234", "DSTL1006", "ContainerBaseImage")]
    public async Task An_invalid_name_is_refused_before_any_request(string argument, string code, string property)
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);

        var publish = await SharedSample.PublishAsync(temp.Path, null,
            "-p:ContainerRegistry=" + proxy.Host, argument.Replace("REGISTRY", proxy.Host, StringComparison.Ordinal));

        var error = publish.Output.Split('\n').FirstOrDefault(l => l.Contains("error DSTL", StringComparison.Ordinal)) ?? "";
        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Not.Zero);
            Assert.That(SharedSample.ErrorCodes(publish), Is.EqualTo(new[] { code }), publish.All);
            Assert.That(error, Does.Contain(property));
            Assert.That(proxy.Requests, Is.Empty, "nothing was sent to the registry");
        });
    }

    [Test]
    public async Task An_invalid_registry_is_refused_with_DSTL1006()
    {
        using var temp = new TempDirectory("distroless-registry-test-");

        var publish = await SharedSample.PublishAsync(temp.Path, null, "-p:ContainerRegistry=https://127.0.0.1:5000/", "-p:ContainerRepository=shop/api");

        var error = publish.Output.Split('\n').FirstOrDefault(l => l.Contains("error DSTL", StringComparison.Ordinal)) ?? "";
        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Not.Zero);
            Assert.That(SharedSample.ErrorCodes(publish), Is.EqualTo(new[] { "DSTL1006" }), publish.All);
            Assert.That(error, Does.Contain("ContainerRegistry"));
        });
    }

    [Test]
    public async Task A_base_image_the_registry_does_not_have_fails_with_DSTL5006()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        var archive = temp.Combine("out", "image.tar");

        var publish = await SharedSample.PublishAsync(temp.Path, null,
            $"-p:ContainerBaseImage={registry.Host}/nope:1", "-p:ContainerArchiveOutputPath=" + archive);

        var error = publish.Output.Split('\n').FirstOrDefault(l => l.Contains("error DSTL", StringComparison.Ordinal)) ?? "";
        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Not.Zero);
            Assert.That(SharedSample.ErrorCodes(publish), Is.EqualTo(new[] { "DSTL5006" }), publish.All);
            Assert.That(error, Does.Contain($"{registry.Host}/nope:1"));
            Assert.That(File.Exists(archive), Is.False, "no archive is written");
        });
    }
}
