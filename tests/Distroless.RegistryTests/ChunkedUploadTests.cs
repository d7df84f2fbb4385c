using Distroless.Registry;
using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// The chunked upload of a large blob (the sample's .NET runtime layer, ~36 MB, in 4 MiB chunks)
/// through a proxy that fails PATCH requests with 503: an upload that moves forward after every
/// failure finishes, however many failures it meets on the way; the retry limit is for failures
/// in a row. Only that blob sends PATCH requests, one at a time, so the seeded faults fall the
/// same way on every run.
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class ChunkedUploadTests
{
    private const int ChunkSize = 4 * 1024 * 1024;

    [Test]
    public async Task A_chunked_upload_survives_more_failures_than_the_retry_limit_when_it_progresses_between_them()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        var sample = await SharedSample.OriginalAsync();
        var plan = sample.PushPlan(proxy.Host, "shop/api", "1");
        plan = plan with { RegistrySettings = plan.RegistrySettings with { ChunkSize = ChunkSize } };
        var large = ImageArchive.Open(sample.ArchivePath).Manifest.GetProperty("layers").EnumerateArray()
            .Select(l => l.GetProperty("size").GetInt64()).Where(s => s >= plan.RegistrySettings.ChunkedUploadThreshold).ToList();
        Assert.That(large, Has.Count.EqualTo(1), "the sample has one layer large enough for a chunked upload");
        var chunks = (int)Math.Ceiling(large[0] / (double)ChunkSize);
        var limit = RetryPolicy.Default.MaxAttempts;
        var (policy, failures) = FindPolicy(chunks, limit);
        proxy.Faults = policy;

        var result = await CoreBuild.RunAsync(plan, temp.Path);

        var patches = proxy.Requests.Where(r => r.Kind == RequestKind.UploadPatch).ToList();
        TestContext.Out.WriteLine($"seed {policy.Seed}: {chunks} chunks, {failures} failed PATCHes (limit {limit}):\n" +
            string.Join("\n", patches.Select(p => $"  PATCH {p.RequestBodyBytes,9} → {p.Status}")));
        Assert.Multiple(() =>
        {
            Assert.That(result.Image.Digest.ToString(), Is.EqualTo(sample.Digest));
            Assert.That(proxy.InjectedErrors, Is.EqualTo(failures), "the faults fell as simulated");
            Assert.That(proxy.InjectedErrors, Is.GreaterThanOrEqualTo(limit));
            Assert.That(patches.Count(p => p.Status == 202), Is.EqualTo(chunks), "every chunk went up once: the upload resumed where it stood");
            Assert.That(new PushTraffic(proxy.Requests, sample.BlobDigests, ["1"]).Count(RequestKind.UploadStart), Is.EqualTo(sample.LayerDigests.Count + 1),
                "no upload was started over");
        });
    }

    /// <summary>
    /// A seeded policy failing half of the PATCH requests whose failures, for an upload of
    /// <paramref name="chunks"/> chunks, add up to at least <paramref name="limit"/>, never more
    /// than two in a row: found by drawing exactly as the proxy will.
    /// </summary>
    private static (FaultPolicy Policy, int Failures) FindPolicy(int chunks, int limit)
    {
        for (var seed = 1; seed < 10_000; seed++)
        {
            var policy = new FaultPolicy
            {
                ErrorRate = 0.5,
                ErrorStatuses = [503],
                Kinds = new HashSet<RequestKind> { RequestKind.UploadPatch },
                Seed = seed,
            };
            var random = new Random(seed);
            int done = 0, failures = 0, run = 0, longest = 0;
            while (done < chunks)
            {
                if (policy.Draw(random, RequestKind.UploadPatch, hasBody: true) is null)
                {
                    done++;
                    run = 0;
                }
                else
                {
                    failures++;
                    longest = Math.Max(longest, ++run);
                }
            }

            if (failures >= limit && longest <= 2)
            {
                return (policy, failures);
            }
        }

        throw new InvalidOperationException("no seed found");
    }
}
