using System.Net;
using Distroless.Diagnostics;
using Distroless.Testing.Registry;
using static Distroless.Core.Tests.Registry.RegistryTestKit;
using Kind = Distroless.Testing.Registry.RegistryRequestKind;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// Blobs at or above ChunkedUploadThreshold go up in PATCHes of ChunkSize with Content-Range,
/// and a broken chunk resumes from the offset the registry reports instead of starting over.
/// (The kit's options: threshold 64 KiB, chunks of 16 KiB.)
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ChunkedUploadTests
{
    private const int Chunk = 16 * 1024;
    private const int Size = (6 * Chunk) + 1000; // 7 chunks, the last one short
    private static readonly PushableImage Big = PushableImage.Of(Bytes(Size, 77));

    private static IEnumerable<string> Ranges(long size, long from = 0)
    {
        for (var start = from; start < size; start += Chunk)
        {
            yield return $"{start}-{Math.Min(start + Chunk, size) - 1}";
        }
    }

    private static PushSetup Setup(bool absoluteLocations = false)
    {
        var setup = new PushSetup();
        setup.Registry.AbsoluteLocations = absoluteLocations;
        setup.Options = setup.Options with { Parallelism = 1 };
        return setup;
    }

    [TestCase(false, TestName = "Chunks follow relative Location headers")]
    [TestCase(true, TestName = "Chunks follow absolute Location headers")]
    public async Task A_large_blob_goes_up_in_PATCHes_with_consecutive_Content_Ranges(bool absolute)
    {
        using var setup = Setup(absolute);

        var result = await setup.PushAsync(Big, "shop/api", "1.0");

        Assert.Multiple(() =>
        {
            Assert.That(setup.Registry.ContentRanges, Is.EqualTo(Ranges(Size)));
            Assert.That(setup.Registry.BlobContent(Big.Layers[0].Descriptor.Digest), Is.EqualTo(Big.Layers[0].Content()));
            Assert.That(setup.Registry.Exchanges.Where(e => e.Kind is Kind.UploadStart or Kind.UploadPatch or Kind.UploadPut).Select(e => e.Kind),
                Is.EqualTo(new[] { Kind.UploadStart }.Concat(Enumerable.Repeat(Kind.UploadPatch, 7)).Append(Kind.UploadPut)
                    .Append(Kind.UploadStart).Append(Kind.UploadPut)), "the big blob in chunks, then the config whole");
            Assert.That(setup.Registry.BlobBytesReceived, Is.EqualTo(result.BytesUploaded));
            Assert.That(result.BlobsUploaded, Is.EqualTo(2));
        });
    }

    [TestCase(64 * 1024, true, TestName = "A blob of exactly the threshold is chunked")]
    [TestCase((64 * 1024) - 1, false, TestName = "A blob just under the threshold goes up whole")]
    public async Task The_threshold_decides(int size, bool chunked)
    {
        using var setup = Setup();

        await setup.PushAsync(PushableImage.Of(Bytes(size, 5)), "shop/api", "1.0");

        Assert.That(setup.Registry.Count(Kind.UploadPatch), Is.EqualTo(chunked ? 4 : 0));
    }

    [Test]
    public async Task A_PATCH_broken_mid_body_resumes_from_the_registry_Range_without_resending()
    {
        using var setup = Setup();
        setup.Registry.BreakUpload(Kind.UploadPatch, afterBytes: 5000); // the first chunk, at byte 5000

        var result = await setup.PushAsync(Big, "shop/api", "1.0");

        Assert.Multiple(() =>
        {
            Assert.That(setup.Registry.Count(Kind.UploadStatus), Is.EqualTo(1));
            Assert.That(setup.Registry.ContentRanges, Is.EqualTo(Ranges(Size, from: 5000)), "the next chunk starts where the registry stood");
            Assert.That(setup.Registry.BlobContent(Big.Layers[0].Descriptor.Digest), Is.EqualTo(Big.Layers[0].Content()));
            Assert.That(setup.Registry.BlobBytesReceived, Is.EqualTo(result.BytesUploaded), "no byte travelled twice");
        });
    }

    [Test]
    public async Task A_PATCH_broken_later_whose_bytes_the_registry_dropped_resends_at_most_one_chunk()
    {
        using var setup = Setup();
        setup.Registry.BreakUpload(Kind.UploadPatch, afterBytes: Chunk - 100, times: 1, keepPartial: false);

        var result = await setup.PushAsync(Big, "shop/api", "1.0");

        Assert.Multiple(() =>
        {
            Assert.That(setup.Registry.ContentRanges, Is.EqualTo(Ranges(Size)));
            Assert.That(setup.Registry.BlobBytesReceived, Is.InRange(result.BytesUploaded, result.BytesUploaded + Chunk));
            Assert.That(setup.Registry.Count(Kind.UploadStart), Is.EqualTo(2), "the same session went on (plus the config's)");
        });
    }

    [Test]
    public async Task Several_broken_PATCHes_each_resume()
    {
        using var setup = Setup();
        setup.Options = setup.Options with { Retry = FastRetry with { MaxAttempts = 6 } };
        setup.Registry.BreakUpload(Kind.UploadPatch, afterBytes: 3000, times: 3);

        var result = await setup.PushAsync(Big, "shop/api", "1.0");

        Assert.That(setup.Registry.Count(Kind.UploadStatus), Is.EqualTo(3));
        Assert.That(setup.Registry.BlobBytesReceived, Is.EqualTo(result.BytesUploaded));
        Assert.That(setup.Registry.BlobContent(Big.Layers[0].Descriptor.Digest), Is.EqualTo(Big.Layers[0].Content()));
    }

    [TestCase(HttpStatusCode.ServiceUnavailable)]
    [TestCase(HttpStatusCode.TooManyRequests)]
    public async Task A_PATCH_answered_with_a_transient_status_resumes(HttpStatusCode status)
    {
        using var setup = Setup();
        setup.Registry.FailNext(1, status, Kind.UploadPatch);

        var result = await setup.PushAsync(Big, "shop/api", "1.0");

        Assert.That(setup.Registry.Count(Kind.UploadStatus), Is.EqualTo(1));
        Assert.That(setup.Registry.ContentRanges, Is.EqualTo(Ranges(Size)));
        Assert.That(setup.Registry.BlobBytesReceived, Is.EqualTo(result.BytesUploaded));
    }

    [Test]
    public async Task A_final_PUT_that_fails_checks_the_status_and_only_repeats_the_PUT()
    {
        using var setup = Setup();
        setup.Registry.FailNext(1, HttpStatusCode.BadGateway, Kind.UploadPut);

        var result = await setup.PushAsync(Big, "shop/api", "1.0");

        Assert.That(setup.Registry.Count(Kind.UploadPatch), Is.EqualTo(7));
        Assert.That(setup.Registry.Count(Kind.UploadStatus), Is.EqualTo(1));
        Assert.That(setup.Registry.BlobBytesReceived, Is.EqualTo(result.BytesUploaded));
    }

    [Test]
    public async Task A_session_the_registry_forgot_starts_over()
    {
        using var setup = Setup();
        setup.Registry.BreakUpload(Kind.UploadPatch, afterBytes: 1000);
        setup.Registry.FailNext(1, HttpStatusCode.NotFound, Kind.UploadStatus);

        await setup.PushAsync(Big, "shop/api", "1.0");

        Assert.That(setup.Registry.Count(Kind.UploadStart), Is.EqualTo(3), "the lost session, a new one, the config's");
        Assert.That(setup.Registry.ContentRanges, Is.EqualTo(Ranges(Size)));
        Assert.That(setup.Registry.BlobContent(Big.Layers[0].Descriptor.Digest), Is.EqualTo(Big.Layers[0].Content()));
    }

    [Test]
    public void A_chunk_that_keeps_failing_is_DSTL5002_after_MaxAttempts()
    {
        using var setup = Setup();
        setup.Registry.FailShare(1.0, HttpStatusCode.ServiceUnavailable, kind: Kind.UploadPatch);

        var error = Fails(() => setup.PushAsync(Big, "shop/api", "1.0"));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryUnavailable));
        Assert.That(error.Message, Does.Contain(Big.Layers[0].Descriptor.Digest.Short).And.Contain("HTTP 503"));
        Assert.That(setup.Registry.Count(Kind.UploadPatch), Is.EqualTo(FastRetry.MaxAttempts));
    }

    [Test]
    public async Task Chunked_blobs_upload_in_parallel_with_small_ones()
    {
        using var setup = new PushSetup();
        var image = PushableImage.Of(Bytes(Size, 1), Bytes(Size + 10, 2), Bytes(100, 3));
        setup.Registry.BreakUpload(Kind.UploadPatch, afterBytes: 2000, times: 2);

        var result = await setup.PushAsync(image, "shop/api", "1.0");

        Assert.That(result.BlobsUploaded, Is.EqualTo(4));
        Assert.That(image.Blobs.Select(b => setup.Registry.BlobContent(b.Descriptor.Digest)), Is.EqualTo(image.Blobs.Select(b => b.Content())));
        Assert.That(setup.Registry.BlobBytesReceived, Is.EqualTo(result.BytesUploaded));
    }
}
