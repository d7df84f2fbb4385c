using System.Text;
using Distroless.Diagnostics;
using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// What a registry base image is checked for, against docker-registry: a manifest whose bytes in
/// the registry's storage were changed under its tag is refused (DSTL5005: its content does not
/// hash to the Docker-Content-Digest the registry sends with it), and a ContainerUser name must be
/// in the base's own /etc/passwd (DSTL1007 lists the users it has).
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class RegistryBaseChecksTests
{
    /// <summary>The shared sample, pushed as base/app:1 to <paramref name="registry"/> to serve as a registry base.</summary>
    private static async Task<(PublishedImage Sample, Oci.Digest Digest)> PushBaseAsync(DistributionRegistry registry, string home)
    {
        var sample = await SharedSample.OriginalAsync();
        var pushed = await CoreBuild.RunAsync(sample.PushPlan(registry.Host, "base/app", "1"), home);
        return (sample, pushed.Image.Digest);
    }

    [Test]
    public async Task A_manifest_tampered_with_in_the_registrys_storage_is_refused_by_tag_with_DSTL5005()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        var (sample, digest) = await PushBaseAsync(registry, temp.Path);

        // The registry keeps the manifest as a blob; one letter of an annotation changed, the size kept.
        var data = Path.Combine(registry.StorageDirectory, "docker", "registry", "v2", "blobs", "sha256", digest.Hex[..2], digest.Hex, "data");
        var manifest = File.ReadAllText(data);
        Assert.That(manifest, Does.Contain("bookworm"));
        File.WriteAllText(data, manifest.Replace("bookworm", "bookwork", StringComparison.Ordinal));

        // Pulls go into a copy of the cache: the others' tests must find the base uncached.
        var plan = sample.PushPlan(registry.Host, "shop/api", "1") with { CacheDirectory = await CacheCopy.OfSharedCacheAsync(temp.Combine("cache")) };
        plan = plan with { Base = plan.Base with { Image = $"{registry.Host}/base/app:1" } };
        var error = Assert.ThrowsAsync<DistrolessException>(() => CoreBuild.RunAsync(plan, temp.Path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryDigestMismatch), error.Message);
            Assert.That(error.Diagnostic.Message, Does.Contain($"sent the manifest base/app:1 as {digest} (Docker-Content-Digest), but its content hashes to sha256:"));
        });
    }

    [Test]
    public async Task A_ContainerUser_name_is_checked_against_the_registry_bases_passwd()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        var (sample, digest) = await PushBaseAsync(registry, temp.Path);
        var plan = sample.PushPlan(registry.Host, "shop/api", "1") with { CacheDirectory = await CacheCopy.OfSharedCacheAsync(temp.Combine("cache")) };
        plan = plan with { Base = plan.Base with { Image = $"{registry.Host}/base/app@{digest}" } };

        var unknown = Assert.ThrowsAsync<DistrolessException>(() =>
            CoreBuild.RunAsync(plan with { Container = plan.Container with { User = "nosuchuser" } }, temp.Path))!;
        var named = await CoreBuild.RunAsync(plan with { Container = plan.Container with { User = "nonroot:nonroot" } }, temp.Path);

        Assert.Multiple(() =>
        {
            Assert.That(unknown.Code, Is.EqualTo(DiagnosticCodes.UnknownContainerUser));
            Assert.That(unknown.Diagnostic.Message, Is.EqualTo(
                $"ContainerUser \"nosuchuser\" names the user \"nosuchuser\", which the base image {registry.Host}/base/app@{digest} " +
                "does not have in /etc/passwd (it has: root, nobody, nonroot)."));
            Assert.That(named.Image.Config.User, Is.EqualTo("nonroot:nonroot"));
        });
    }
}
