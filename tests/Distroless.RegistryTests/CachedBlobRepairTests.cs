using System.Security.Cryptography;
using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// Bytes flipped in two cached layers (the runtime layer, sent in chunks, and the app layer, sent
/// whole), then `dotnet publish` to an empty docker-registry: the publish notices while sending,
/// rebuilds both, succeeds with the image's usual digest and says what it repaired (DSTL4010);
/// the registry holds the right bytes (skopeo copies them out, checking every digest; podman
/// pulls and runs the image) and the cache is healed.
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class CachedBlobRepairTests
{
    [Test]
    public async Task A_push_with_damaged_cached_layers_repairs_them_and_the_registry_gets_the_built_image()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        var sample = await SharedSample.OriginalAsync();
        var cache = await CacheCopy.OfSharedCacheAsync(temp.Combine("cache"));
        var layers = ImageArchive.Open(sample.ArchivePath).Manifest.GetProperty("layers").EnumerateArray()
            .Select(l => (Digest: l.GetProperty("digest").GetString()!, Size: l.GetProperty("size").GetInt64())).ToList();
        var runtime = layers.MaxBy(l => l.Size).Digest; // above the 16 MiB chunked-upload threshold
        var app = layers[^1].Digest;
        Assert.That(layers.Max(l => l.Size), Is.GreaterThan(16L << 20), "one layer goes up in chunks");
        foreach (var digest in new[] { runtime, app })
        {
            Damage(BlobPath(cache, digest));
        }

        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        var publish = await SharedSample.PublishAsync(temp.Path, new Dictionary<string, string> { ["DISTROLESS_CACHE"] = cache },
            "-p:ContainerRegistry=" + registry.Host, "-p:ContainerRepository=shop/repaired");

        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Zero, publish.All);
            Assert.That(SharedSample.DigestOf(publish), Is.EqualTo(sample.Digest), "the image that was built, not the damaged one");
            foreach (var digest in new[] { runtime, app })
            {
                Assert.That(publish.Output, Does.Contain($"warning DSTL4010: the cache entry \"{BlobPath(cache, digest)}\" was damaged (its content hashes to sha256:"));
                Assert.That(Hash(BlobPath(cache, digest)), Is.EqualTo(digest), "the cache is healed");
            }

            Assert.That(SharedSample.LastLine(publish), Does.Contain("repaired 2 damaged cache entries (DSTL4010)"));
            Assert.That(publish.Output, Does.Not.Contain("error DSTL"));
        });

        // skopeo checks every blob against its digest as it copies.
        var copy = await new Skopeo(temp.Path).CopyAsync("docker://" + registry.Reference("shop/repaired", "latest"), "oci:" + temp.Combine("pulled"),
            "--src-tls-verify=false");
        Assert.That(copy.ExitCode, Is.Zero, copy.All);

        await PulledImage.RunsAsync(registry, "shop/repaired", "latest");
    }

    private static string BlobPath(string cache, string digest) => Path.Combine(cache, "blobs", "sha256", digest["sha256:".Length..]);

    private static string Hash(string path) => "sha256:" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    /// <summary>Flips a byte of a cached blob, in a file of its own (the copy's other entries share the original's inodes).</summary>
    private static void Damage(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 3] ^= 0x20;
        File.Delete(path);
        File.WriteAllBytes(path, bytes);
    }
}
