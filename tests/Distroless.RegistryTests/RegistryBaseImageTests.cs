using System.Security.Cryptography;
using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// A registry image as the base (ContainerBaseImage): the sample pushed as base/app:1 is pulled,
/// pinned by digest, under another build of the sample; with the registry stopped, the same
/// digest-pinned build runs from the cache alone and writes the same archive, byte for byte.
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class RegistryBaseImageTests
{
    [Test]
    public async Task A_digest_pinned_base_is_pulled_once_and_then_builds_offline_to_the_same_archive()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        var stopped = false;
        try
        {
            var sample = await SharedSample.OriginalAsync();
            var pushed = await CoreBuild.RunAsync(sample.PushPlan(registry.Host, "base/app", "1"), temp.Path);
            var baseImage = $"{registry.Host}/base/app@{pushed.Image.Digest}";
            var first = temp.Combine("first", "image.tar");
            var second = temp.Combine("second", "image.tar");

            var online = await SharedSample.PublishAsync(temp.Path, null, "-p:ContainerBaseImage=" + baseImage, "-p:ContainerArchiveOutputPath=" + first);
            Assert.That(online.ExitCode, Is.Zero, online.All + registry.Log);
            Assert.That(registry.Log, Does.Contain($"/v2/base/app/manifests/{pushed.Image.Digest}"), "the first build pulled the base");

            await registry.DisposeAsync();
            stopped = true;
            var offline = await SharedSample.PublishAsync(temp.Path, null, "-p:ContainerBaseImage=" + baseImage, "-p:ContainerArchiveOutputPath=" + second);
            Assert.That(offline.ExitCode, Is.Zero, offline.All);

            var image = ImageArchive.Open(first);
            var annotations = image.Manifest.GetProperty("annotations");
            Assert.Multiple(() =>
            {
                Assert.That(SHA256.HashData(File.ReadAllBytes(second)), Is.EqualTo(SHA256.HashData(File.ReadAllBytes(first))),
                    "the offline build wrote the same archive");
                Assert.That(SharedSample.DigestOf(offline), Is.EqualTo(SharedSample.DigestOf(online)));
                Assert.That(image.LayerDigests.Take(sample.LayerDigests.Count), Is.EqualTo(sample.LayerDigests), "the base's layers come first");
                Assert.That(annotations.GetProperty("org.opencontainers.image.base.digest").GetString(), Is.EqualTo(pushed.Image.Digest.ToString()));
                Assert.That(annotations.GetProperty("org.opencontainers.image.base.name").GetString(), Is.EqualTo(baseImage));
            });
        }
        finally
        {
            if (!stopped)
            {
                await registry.DisposeAsync();
            }
        }
    }
}
