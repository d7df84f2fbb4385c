using Distroless.Building;
using Distroless.Caching;
using Distroless.Core.Tests.Registry;
using Distroless.Core.Tests.TestSupport;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Testing;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Kind = Distroless.Testing.Registry.RegistryRequestKind;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// A cached layer damaged on disk (a flipped byte, a truncation) is caught while the image is
/// written or pushed: the build rebuilds it and succeeds with the same digest, says so
/// (DSTL4010), and leaves a healed cache. Nothing damaged reaches the archive or the registry,
/// not even a registry that stores whatever it is sent.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class CacheRepairTests
{
    private sealed class Setup : IDisposable
    {
        public Setup()
        {
            Plan = ContainerizerTests.Plan(Temp, FakePublishOutput.Write(Temp), Temp.Combine("cache"));
            Cache = new BlobCache(Plan.CacheDirectory);
        }

        public TempDirectory Temp { get; } = new();

        public FakeBookworm Archive { get; } = FakeBookworm.Create();

        public InMemoryRegistry Registry { get; } = RegistryTestKit.NewRegistry();

        public ImagePlan Plan { get; }

        public BlobCache Cache { get; }

        public CapturingLogger Log { get; } = new();

        public Containerizer Containerizer() => new(new HttpClient(Archive.Handler, disposeHandler: false), Log,
            new FakeTimeProvider(FakeBookworm.Now), FakeBookworm.Keyring(), RegistryTestKit.Login(), () => Registry);

        /// <summary>Changes the cached blob of <paramref name="layer"/> on disk.</summary>
        public void Damage(Digest layer, bool truncate)
        {
            var path = Cache.BlobPath(layer);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x10;
            File.WriteAllBytes(path, truncate ? bytes[..^100] : bytes);
        }

        public void Dispose() => Temp.Dispose();
    }

    [TestCase(false, TestName = "A cached layer with a flipped byte is rebuilt while the archive is written")]
    [TestCase(true, TestName = "A truncated cached layer is rebuilt while the archive is written")]
    public async Task Archive(bool truncate)
    {
        using var setup = new Setup();
        var first = await setup.Containerizer().BuildAsync(setup.Plan);
        var archive = File.ReadAllBytes(first.ArchivePath!);
        var damaged = first.Image.Layers.MaxBy(l => l.Size)!.Digest;
        setup.Damage(damaged, truncate);

        var second = await setup.Containerizer().BuildAsync(setup.Plan);

        var warnings = setup.Log.Entries.Where(l => l.Level == LogLevel.Warning).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(second.Digest, Is.EqualTo(first.Digest));
            Assert.That(File.ReadAllBytes(second.ArchivePath!), Is.EqualTo(archive), "the same archive, byte for byte");
            Assert.That(second.RepairedCacheEntries, Is.EqualTo(new[] { damaged.ToString() }));
            Assert.That(warnings.Select(w => w.Code), Is.EqualTo(new[] { DiagnosticCodes.CacheRepaired }));
            Assert.That(warnings[0].Text, Does.Contain(setup.Cache.BlobPath(damaged))
                .And.Contain(truncate ? "truncated: " : "its content hashes to").And.Contain("rebuilt"));
            Assert.That(Digest.Compute(File.ReadAllBytes(setup.Cache.BlobPath(damaged))), Is.EqualTo(damaged), "the cache is healed");
            Assert.That(Directory.GetFiles(setup.Temp.Combine("out")).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty);
        });
    }

    [TestCase(false, TestName = "Damaged cached layers never reach a registry that trusts digests; they are rebuilt and pushed whole")]
    [TestCase(true, TestName = "Damaged cached layers sent in chunks never complete; they are rebuilt and pushed whole")]
    public async Task Push(bool chunked)
    {
        using var setup = new Setup();
        var built = await setup.Containerizer().BuildAsync(setup.Plan);
        // Two at once: parallel uploads find both, and both are repaired and reported.
        var damaged = built.Image.Layers.MaxBy(l => l.Size)!.Digest;
        var alsoDamaged = built.Image.Layers.MinBy(l => l.Size)!.Digest;
        setup.Damage(damaged, truncate: false);
        setup.Damage(alsoDamaged, truncate: true);
        setup.Registry.TrustsDigests = true;
        var plan = setup.Plan with
        {
            ArchivePath = null,
            Registry = setup.Registry.Host,
            RegistrySettings = chunked ? new RegistrySettings { ChunkedUploadThreshold = 1024, ChunkSize = 1024 } : new RegistrySettings(),
        };

        var pushed = await setup.Containerizer().BuildAsync(plan);

        Assert.Multiple(() =>
        {
            Assert.That(pushed.Digest, Is.EqualTo(built.Digest));
            Assert.That(pushed.RepairedCacheEntries, Is.EquivalentTo(new[] { damaged.ToString(), alsoDamaged.ToString() }));
            foreach (var layer in built.Image.Layers)
            {
                Assert.That(Digest.Compute(setup.Registry.BlobContent(layer.Digest)!), Is.EqualTo(layer.Digest), "the registry holds every layer whole");
            }

            Assert.That(setup.Registry.Resolve("shop/api", "1.0"), Is.EqualTo(built.Digest));
            // The damaged upload was cut short: the only completed PUT for that blob carried the rebuilt bytes.
            foreach (var digest in new[] { damaged, alsoDamaged })
            {
                Assert.That(setup.Registry.Exchanges.Count(e => e.Kind == Kind.UploadPut && e.Status == 201 && e.PathAndQuery.Contains(digest.Hex)), Is.EqualTo(1));
            }
        });
    }

    [Test]
    public async Task A_damaged_cached_deb_and_index_are_fetched_again_instead_of_being_built_on()
    {
        using var setup = new Setup();
        var first = await setup.Containerizer().BuildAsync(setup.Plan);
        var deb = setup.Archive.Security.Paths.Single(p => p.Contains("/libc6_", StringComparison.Ordinal));
        var index = "dists/bookworm/main/binary-amd64/Packages.gz";
        var debDigest = Digest.Compute(setup.Archive.Security.Get(deb));
        var indexDigest = Digest.Compute(setup.Archive.Main.Get(index));
        setup.Damage(debDigest, truncate: false);
        setup.Damage(indexDigest, truncate: false);
        // Without their records, the layers are built from the .debs and the packages resolved from the indexes again.
        Directory.Delete(setup.Temp.Combine("cache", "records", "deb-layers"), recursive: true);
        Directory.Delete(setup.Temp.Combine("cache", "records", "resolved"), recursive: true);
        var before = setup.Archive.RequestCounts;

        var second = await setup.Containerizer().BuildAsync(setup.Plan);

        var after = setup.Archive.RequestCounts;
        Assert.Multiple(() =>
        {
            Assert.That(second.Digest, Is.EqualTo(first.Digest), "the same image: nothing was built on the damaged files");
            Assert.That(after["security:" + deb] - before["security:" + deb], Is.EqualTo(1), "the .deb was downloaded again");
            Assert.That(after.Where(kv => kv.Key.StartsWith("main:dists/bookworm/main/binary-amd64/", StringComparison.Ordinal))
                .Sum(kv => kv.Value - before.GetValueOrDefault(kv.Key)), Is.EqualTo(1), "and the index");
            Assert.That(Digest.Compute(File.ReadAllBytes(setup.Cache.BlobPath(debDigest))), Is.EqualTo(debDigest));
        });
    }
}
