using System.Text;
using System.Text.Json.Nodes;
using Distroless.Building;
using Distroless.Caching;
using Distroless.Core.Tests.TestSupport;
using Distroless.IO;
using Distroless.Oci;
using Distroless.Registry;
using Distroless.Testing;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Distroless.Core.Tests.Registry.RegistryTestKit;
using Kind = Distroless.Testing.Registry.RegistryRequestKind;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// Byte progress of registry transfers (RegistryOptions.Progress): per blob, Done only grows
/// and ends at Total, except that a chunked upload resuming after a broken connection reports
/// the registry's offset. The clock is a fake that never moves (so besides the first report and
/// the last only positioning, a chunk or a resume, reports) or one that moves a whole report
/// interval whenever it is read (so every read reports).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class TransferProgressTests
{
    private const int Chunk = 16 * 1024;
    private const int Size = (6 * Chunk) + 1000;
    private static readonly PushableImage Big = PushableImage.Of(Bytes(Size, 77));

    private static (PushSetup Setup, ProgressRecorder Recorder) Pushing(TimeProvider? time = null)
    {
        var recorder = new ProgressRecorder();
        var setup = new PushSetup();
        setup.Options = setup.Options with { Parallelism = 1, Progress = recorder, Time = time ?? new FakeTimeProvider() };
        return (setup, recorder);
    }

    /// <summary>The offsets where the chunks after the first start, counting from <paramref name="from"/>.</summary>
    private static IEnumerable<long> ChunkStarts(long from = 0)
    {
        for (var start = from + Chunk; start < Size; start += Chunk)
        {
            yield return start;
        }
    }

    private static void AssertComplete(ProgressRecorder recorder, string operation, IEnumerable<Descriptor> blobs)
    {
        foreach (var blob in blobs)
        {
            var reports = recorder.Reports.Where(r => r.Item == blob.Digest.ToString()).ToList();
            Assert.That(reports, Is.Not.Empty, $"{blob.Digest.Short} was reported");
            Assert.That(reports.Select(r => (r.Operation, r.Total)).Distinct(), Is.EqualTo(new[] { (operation, blob.Size) }));
            Assert.That(reports.Select(r => r.Done), Is.Ordered.Ascending.And.Unique, $"{blob.Digest.Short} only moves forward");
            Assert.That(reports[^1].Done, Is.EqualTo(blob.Size), $"{blob.Digest.Short} ends at its size");
        }
    }

    [Test]
    public async Task A_whole_upload_reports_each_blob_up_to_its_size()
    {
        var (setup, recorder) = Pushing();
        using var _ = setup;
        var image = PushableImage.Of(Bytes(40_000, 1), Bytes(30_000, 2));

        await setup.PushAsync(image, "shop/api", "1.0");

        Assert.Multiple(() =>
        {
            AssertComplete(recorder, TransferProgress.Upload, image.Blobs.Select(b => b.Descriptor));
            Assert.That(recorder.Done(image.Layers[0].Descriptor.Digest.ToString()), Has.Count.LessThanOrEqualTo(2),
                "the start and the end, not one report per 8 KiB the registry reads");
        });
    }

    [Test]
    public async Task Blobs_the_registry_has_are_not_reported()
    {
        var (setup, recorder) = Pushing();
        using var _ = setup;
        var image = PushableImage.Of(Bytes(40_000, 1));
        await setup.PushAsync(image, "shop/api", "1.0");
        var before = recorder.Reports.Count;

        await setup.PushAsync(image, "shop/api", "2.0");

        Assert.That(recorder.Reports, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task A_chunked_upload_reports_every_chunk_start_up_to_its_size()
    {
        var (setup, recorder) = Pushing();
        using var _ = setup;

        await setup.PushAsync(Big, "shop/api", "1.0");

        Assert.Multiple(() =>
        {
            AssertComplete(recorder, TransferProgress.Upload, Big.Blobs.Select(b => b.Descriptor));
            Assert.That(recorder.Done(Big.Layers[0].Descriptor.Digest.ToString()), Is.SupersetOf(ChunkStarts()));
        });
    }

    [Test]
    public async Task A_chunk_broken_after_the_registry_kept_part_of_it_resumes_counting_from_the_registry_offset()
    {
        var (setup, recorder) = Pushing();
        using var _ = setup;
        setup.Registry.BreakUpload(Kind.UploadPatch, afterBytes: 5000);

        await setup.PushAsync(Big, "shop/api", "1.0");

        Assert.Multiple(() =>
        {
            AssertComplete(recorder, TransferProgress.Upload, Big.Blobs.Select(b => b.Descriptor));
            var done = recorder.Done(Big.Layers[0].Descriptor.Digest.ToString());
            Assert.That(done, Is.SupersetOf(ChunkStarts(from: 5000)), "the chunks after the break start at 5000, where the registry stood");
            Assert.That(done, Has.None.EqualTo(Chunk), "nothing was counted as sent from byte 0 again");
        });
    }

    [Test]
    public async Task A_chunk_broken_whose_bytes_the_registry_dropped_reports_going_back_to_the_registry_offset()
    {
        var (setup, recorder) = Pushing(new SteppingTime());
        using var _ = setup;
        setup.Registry.BreakUpload(Kind.UploadPatch, afterBytes: Chunk - 100, keepPartial: false);

        await setup.PushAsync(Big, "shop/api", "1.0");

        var done = recorder.Done(Big.Layers[0].Descriptor.Digest.ToString()).ToList();
        var drop = Enumerable.Range(1, done.Count - 1).Where(i => done[i] < done[i - 1]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(setup.Registry.Count(Kind.UploadStatus), Is.EqualTo(1));
            Assert.That(drop, Has.Count.EqualTo(1), $"one step back in {string.Join(", ", done)}");
            Assert.That(done[drop[0] - 1], Is.EqualTo(Chunk - 100), "the bytes read when the connection broke");
            Assert.That(done[drop[0]], Is.EqualTo(0), "the registry held nothing, so counting starts again at its offset, 0");
            Assert.That(done.Skip(drop[0]), Is.Ordered.Ascending.And.Unique, "after the resume it only moves forward");
            Assert.That(done[^1], Is.EqualTo(Size));
        });
    }

    [Test]
    public async Task A_download_into_the_cache_reports_each_blob_up_to_its_size()
    {
        using var temp = new TempDirectory();
        var registry = NewRegistry();
        var (layer, config) = AddBigImage(registry, "base/app", "1.0");
        var recorder = new ProgressRecorder();
        var options = Options(registry) with { Progress = recorder, Time = new FakeTimeProvider() };
        using var transport = new RegistryTransport(registry.Host, options, Anonymous(), push: false, NullLogger.Instance);
        var puller = new RegistryImagePuller(new BlobCache(temp.Combine("cache")), _ => transport, NullLogger.Instance);

        await puller.PullAsync(ImageReference.Parse("registry.test/base/app:1.0"), Platform.LinuxAmd64);
        var afterFirst = recorder.Reports.Count;
        await puller.PullAsync(ImageReference.Parse("registry.test/base/app:1.0"), Platform.LinuxAmd64);

        Assert.Multiple(() =>
        {
            AssertComplete(recorder, TransferProgress.Download, [layer, config]);
            Assert.That(recorder.Done(layer.Digest.ToString()), Has.Count.GreaterThan(1), "a 300 kB layer is reported before its end");
            Assert.That(recorder.Reports, Has.Count.EqualTo(afterFirst), "a cached blob is not downloaded, so not reported");
        });
    }

    [Test]
    public async Task The_containerizer_passes_its_progress_sink_to_pulls_and_pushes()
    {
        using var temp = new TempDirectory();
        var registry = NewRegistry();
        var baseImage = TestImage.Create("runtime-deps", "amd64", layers: 2);
        registry.AddImage("base/runtime-deps", baseImage, "1.0");
        var files = FakePublishOutput.Write(temp);
        var recorder = new ProgressRecorder();
        var containerizer = new Containerizer(new HttpClient(new NoNetwork()), NullLogger.Instance, credentials: Login(),
            registryHandler: () => registry, progress: recorder);

        var result = await containerizer.BuildAsync(new ImagePlan
        {
            Repository = "shop/api",
            Tags = ["1.0"],
            Base = new BasePlan
            {
                Image = "registry.test/base/runtime-deps:1.0",
                RuntimeIdentifier = "linux-x64",
                Mirror = "http://deb.invalid/debian",
                SecurityMirror = "http://deb.invalid/debian-security",
            },
            App = new AppPlan
            {
                Files = files,
                DepsJsonPath = files.Single(f => f.RelativePath == "app.deps.json").SourcePath,
                AppHost = FakePublishOutput.AppHost,
            },
            Registry = "registry.test",
            CacheDirectory = temp.Combine("cache"),
        });

        var downloads = recorder.Reports.Where(r => r.Operation == TransferProgress.Download).Select(r => r.Item).ToHashSet();
        var uploads = recorder.Reports.Where(r => r.Operation == TransferProgress.Upload).Select(r => r.Item).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(downloads, Is.EquivalentTo(baseImage.LayerDigests.Append(baseImage.ConfigDigest).Select(d => d.ToString())));
            Assert.That(uploads, Has.Count.EqualTo(result.Push!.BlobsUploaded), "the base layers were mounted, not uploaded");
            AssertComplete(recorder, TransferProgress.Upload, result.Image.Layers.Skip(2).Select(l => l.Descriptor));
        });
    }

    /// <summary>A one-layer image whose layer is 300 kB of noise (the puller copies layers, it does not unpack them).</summary>
    private static (Descriptor Layer, Descriptor Config) AddBigImage(InMemoryRegistry registry, string repository, string tag)
    {
        var template = TestImage.Create("base", "amd64", layers: 1);
        var layer = Bytes(300_000, 9);
        var manifest = JsonNode.Parse(template.Manifest)!;
        manifest["layers"]![0]!["digest"] = Digest.Compute(layer).ToString();
        manifest["layers"]![0]!["size"] = layer.Length;
        registry.AddBlob(repository, layer);
        registry.AddBlob(repository, template.Config);
        registry.AddManifest(repository, Encoding.UTF8.GetBytes(manifest.ToJsonString()), template.MediaType, tag);
        return (new Descriptor(MediaTypes.LayerGzip, Digest.Compute(layer), layer.Length),
            new Descriptor(MediaTypes.ImageConfig, template.ConfigDigest, template.Config.Length));
    }

    /// <summary>A clock that moves one report interval every time it is read: every read of a transfer reports.</summary>
    private sealed class SteppingTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, TransferReporter.Interval.Ticks);
    }

    private sealed class NoNetwork : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException($"unexpected Debian request {request.RequestUri}");
    }
}
