using System.Net;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Registry;
using Distroless.Testing.Registry;
using static Distroless.Core.Tests.Registry.RegistryTestKit;
using Kind = Distroless.Testing.Registry.RegistryRequestKind;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// A push sends only what the registry lacks: every blob of a first push (HEAD, POST, PUT), only
/// the tags of an unchanged republish, only the changed blobs of a new version, mounts within
/// the registry; manifests last, for the tags that need them.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ImagePusherTests
{
    private static readonly PushableImage V1 = PushableImage.Of(Bytes(3000, 1), Bytes(2000, 2), Bytes(1000, 3));
    private static readonly PushableImage V2 = PushableImage.Of(Bytes(3000, 1), Bytes(2000, 2), Bytes(1500, 4));

    [Test]
    public async Task A_first_push_uploads_every_blob_with_exactly_HEAD_POST_PUT_then_the_manifest_per_tag()
    {
        using var setup = new PushSetup();

        var result = await setup.PushAsync(V1, "shop/api", "1.0", "latest");

        var kinds = setup.Kinds();
        Assert.Multiple(() =>
        {
            Assert.That(kinds.Take(2), Is.EqualTo(new[] { Kind.ManifestHead, Kind.ManifestHead }), "tags first");
            Assert.That(kinds.Skip(2).Take(12).GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count()), Is.EquivalentTo(new Dictionary<Kind, int>
            {
                [Kind.BlobHead] = 4, [Kind.UploadStart] = 4, [Kind.UploadPut] = 4,
            }), "3 requests per blob");
            Assert.That(kinds.Skip(14), Is.EqualTo(new[] { Kind.ManifestPut, Kind.ManifestPut }), "manifests last");
            Assert.That((result.BlobsUploaded, result.BlobsMounted, result.BlobsPresent, result.ManifestsPut), Is.EqualTo((4, 0, 0, 2)));
            Assert.That(result.BytesUploaded, Is.EqualTo(V1.Blobs.Sum(b => b.Descriptor.Size)));
            Assert.That(result.Requests, Is.EqualTo(kinds.Count).And.EqualTo(16));
            Assert.That(result.Digest, Is.EqualTo(V1.Digest));
            Assert.That(setup.Registry.Resolve("shop/api", "1.0"), Is.EqualTo(V1.Digest));
            Assert.That(setup.Registry.Resolve("shop/api", "latest"), Is.EqualTo(V1.Digest));
            Assert.That(setup.Registry.Manifest(V1.Digest)?.Content, Is.EqualTo(V1.Manifest));
            Assert.That(V1.Blobs.Select(b => setup.Registry.BlobContent(b.Descriptor.Digest)), Is.EqualTo(V1.Blobs.Select(b => b.Content())));
        });
    }

    [Test]
    public async Task Each_blob_is_HEAD_then_POST_then_PUT_with_its_digest_largest_first()
    {
        using var setup = new PushSetup();
        setup.Options = setup.Options with { Parallelism = 1 };

        await setup.PushAsync(V1, "shop/api", "1.0");

        var actual = setup.Registry.Exchanges.Where(e => e.Kind is Kind.BlobHead or Kind.UploadStart or Kind.UploadPut)
            .Select(e => (e.Kind, e.Kind == Kind.UploadPut ? e.PathAndQuery[e.PathAndQuery.IndexOf("digest=", StringComparison.Ordinal)..] : e.PathAndQuery, e.Status));
        var expected = V1.Blobs.OrderByDescending(b => b.Descriptor.Size).SelectMany(b => new[]
        {
            (Kind.BlobHead, $"/v2/shop/api/blobs/{b.Descriptor.Digest}", 404),
            (Kind.UploadStart, "/v2/shop/api/blobs/uploads/", 202),
            (Kind.UploadPut, $"digest={Uri.EscapeDataString(b.Descriptor.Digest.ToString())}", 201),
        });
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public async Task An_unchanged_republish_checks_only_the_tags()
    {
        using var setup = new PushSetup();
        await setup.PushAsync(V1, "shop/api", "1.0", "latest");
        setup.Registry.ResetCounters();

        var result = await setup.PushAsync(V1, "shop/api", "1.0", "latest");

        Assert.Multiple(() =>
        {
            Assert.That(setup.Kinds(), Is.EqualTo(new[] { Kind.ManifestHead, Kind.ManifestHead }));
            Assert.That(setup.Registry.BlobRequests, Is.Zero);
            Assert.That((result.BlobsUploaded, result.BlobsMounted, result.BlobsPresent, result.ManifestsPut, result.Requests), Is.EqualTo((0, 0, 4, 0, 2)));
        });
    }

    [Test]
    public async Task A_changed_image_uploads_only_the_changed_blobs()
    {
        using var setup = new PushSetup();
        await setup.PushAsync(V1, "shop/api", "1.0");
        setup.Registry.ResetCounters();

        var result = await setup.PushAsync(V2, "shop/api", "1.1");

        var uploaded = setup.Registry.Exchanges.Where(e => e.Kind == Kind.UploadPut).Select(e => e.PathAndQuery).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(setup.Registry.Count(Kind.BlobHead), Is.EqualTo(4));
            Assert.That(uploaded, Has.Count.EqualTo(2));
            Assert.That(uploaded, Has.One.Contains(V2.Layers[2].Descriptor.Digest.Hex).And.One.Contains(V2.Config.Descriptor.Digest.Hex));
            Assert.That((result.BlobsUploaded, result.BlobsPresent, result.ManifestsPut), Is.EqualTo((2, 2, 1)));
            Assert.That(setup.Registry.Resolve("shop/api", "1.0"), Is.EqualTo(V1.Digest));
            Assert.That(setup.Registry.Resolve("shop/api", "1.1"), Is.EqualTo(V2.Digest));
        });
    }

    [Test]
    public async Task Manifests_are_put_only_for_tags_that_do_not_point_at_the_image()
    {
        using var setup = new PushSetup();
        await setup.PushAsync(V1, "shop/api", "1.0");
        setup.Registry.ResetCounters();

        var result = await setup.PushAsync(V1, "shop/api", "1.0", "latest");

        Assert.Multiple(() =>
        {
            Assert.That(setup.Kinds(), Is.EqualTo(new[] { Kind.ManifestHead, Kind.ManifestHead, Kind.ManifestPut }));
            Assert.That(setup.Registry.Exchanges.Single(e => e.Kind == Kind.ManifestPut).PathAndQuery, Is.EqualTo("/v2/shop/api/manifests/latest"));
            Assert.That(result.ManifestsPut, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_tag_that_points_elsewhere_is_moved()
    {
        using var setup = new PushSetup();
        await setup.PushAsync(V1, "shop/api", "1.0", "latest");

        var result = await setup.PushAsync(V2, "shop/api", "1.1", "latest");

        Assert.That(result.ManifestsPut, Is.EqualTo(2));
        Assert.That(setup.Registry.Resolve("shop/api", "latest"), Is.EqualTo(V2.Digest));
    }

    [TestCase(RegistryAuthMode.None)]
    [TestCase(RegistryAuthMode.Basic)]
    [TestCase(RegistryAuthMode.Bearer)]
    public async Task A_second_repository_gets_the_blobs_by_mount(RegistryAuthMode auth)
    {
        using var setup = new PushSetup(auth);
        await setup.PushAsync(V1, "shop/first", "1.0");
        setup.Registry.ResetCounters();

        var result = await setup.PushAsync(V1, "shop/second", "1.0");

        Assert.Multiple(() =>
        {
            Assert.That(setup.Registry.Exchanges.Where(e => e.Kind == Kind.Mount).Select(e => (e.Status, e.PathAndQuery.Contains("from=shop%2Ffirst"))),
                Is.EqualTo(Enumerable.Repeat((201, true), 4)));
            Assert.That(setup.Registry.Count(Kind.UploadPut) + setup.Registry.Count(Kind.UploadStart), Is.Zero);
            Assert.That((result.BlobsMounted, result.BlobsUploaded, result.BytesUploaded), Is.EqualTo((4, 0, 0L)));
            Assert.That(V1.Blobs.All(b => setup.Registry.HasBlob("shop/second", b.Descriptor.Digest)), Is.True);
        });
        if (auth == RegistryAuthMode.Bearer)
        {
            Assert.That(setup.Registry.TokenScopes, Is.EqualTo(new[] { "repository:shop/second:pull,push repository:shop/first:pull" }),
                "one token covers the push and every mount source");
        }
    }

    [Test]
    public async Task A_mount_the_registry_cannot_do_falls_back_to_uploading_into_the_session_it_opened()
    {
        using var setup = new PushSetup();
        await setup.PushAsync(V1, "shop/first", "1.0");
        setup.Registry.RemoveBlob("shop/first", V1.Layers[0].Descriptor.Digest);
        setup.Registry.ResetCounters();

        var result = await setup.PushAsync(V1, "shop/second", "1.0");

        Assert.Multiple(() =>
        {
            Assert.That(setup.Registry.Exchanges.Where(e => e.Kind == Kind.Mount).Select(e => e.Status).Order(), Is.EqualTo(new[] { 201, 201, 201, 202 }));
            Assert.That(setup.Registry.Count(Kind.UploadStart), Is.Zero, "the 202 opened the session");
            Assert.That(setup.Registry.Count(Kind.UploadPut), Is.EqualTo(1));
            Assert.That((result.BlobsMounted, result.BlobsUploaded), Is.EqualTo((3, 1)));
        });
    }

    [Test]
    public async Task A_mount_from_a_repository_the_token_may_not_read_falls_back_to_uploading()
    {
        using var setup = new PushSetup(RegistryAuthMode.Bearer);
        await setup.PushAsync(V1, "shop/first", "1.0");
        setup.Registry.Allow = (user, repository, action) => repository != "shop/first";
        setup.Registry.ResetCounters();

        var result = await setup.PushAsync(V1, "shop/second", "1.0");

        Assert.That(setup.Registry.Exchanges.Where(e => e.Kind == Kind.Mount).Select(e => e.Status), Is.EqualTo(new[] { 202, 202, 202, 202 }));
        Assert.That((result.BlobsMounted, result.BlobsUploaded), Is.EqualTo((0, 4)));
    }

    [Test]
    public void A_manifest_answered_with_another_digest_is_DSTL5005()
    {
        using var setup = new PushSetup();
        setup.Registry.ManifestDigestOverride = Digest.Compute("something else"u8);

        var error = Fails(() => setup.PushAsync(V1, "shop/api", "1.0"));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryDigestMismatch));
        Assert.That(error.Message, Does.Contain(V1.Digest.ToString()).And.Contain(Digest.Compute("something else"u8).ToString()));
    }

    [Test]
    public void A_blob_the_registry_finds_not_matching_its_digest_is_DSTL5005()
    {
        using var setup = new PushSetup();
        var good = Bytes(500, 9);
        var lying = BlobSource.FromBytes(new Descriptor(MediaTypes.LayerGzip, Digest.Compute(good), good.Length), Bytes(500, 10));
        var image = V1 with { Layers = [lying] };

        var error = Fails(() => setup.PushAsync(image, "shop/api", "1.0"));

        // The registry's DIGEST_INVALID: the content was altered, not the name or the permissions wrong (DSTL5004's fix).
        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryDigestMismatch));
        Assert.That(error.Message, Does.Contain("DIGEST_INVALID").And.Contain("does not match the digest"));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(4)]
    public async Task Uploads_run_at_most_Parallelism_at_a_time(int parallelism)
    {
        using var setup = new PushSetup();
        setup.Registry.UploadLatency = TimeSpan.FromMilliseconds(15);
        setup.Options = setup.Options with { Parallelism = parallelism };
        var image = PushableImage.Of([.. Enumerable.Range(0, 7).Select(i => Bytes(100 + i, 100 + i))]);

        var result = await setup.PushAsync(image, "shop/api", "1.0");

        Assert.That(result.BlobsUploaded, Is.EqualTo(8));
        Assert.That(setup.Registry.MaxConcurrentUploads, Is.InRange(Math.Min(parallelism, 2), parallelism));
    }

    [Test]
    public async Task A_broken_PUT_is_retried_in_a_fresh_session()
    {
        using var setup = new PushSetup();
        setup.Registry.BreakUpload(Kind.UploadPut, afterBytes: 1000);

        var result = await setup.PushAsync(V1, "shop/api", "1.0");

        Assert.Multiple(() =>
        {
            Assert.That(result.BlobsUploaded, Is.EqualTo(4));
            Assert.That(setup.Registry.Count(Kind.UploadStart), Is.EqualTo(5));
            Assert.That(setup.Registry.Exchanges.Where(e => e.Kind == Kind.UploadPut).Select(e => e.Status).Order(), Is.EqualTo(new[] { 0, 201, 201, 201, 201 }));
            Assert.That(setup.Registry.BlobBytesReceived, Is.EqualTo(result.BytesUploaded + 1000));
        });
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.ServiceUnavailable)]
    [TestCase(HttpStatusCode.TooManyRequests)]
    public async Task A_PUT_answered_with_a_transient_status_is_retried(HttpStatusCode status)
    {
        using var setup = new PushSetup();
        setup.Registry.FailNext(2, status, Kind.UploadPut, retryAfter: TimeSpan.Zero);

        var result = await setup.PushAsync(V1, "shop/api", "1.0");

        Assert.That(result.BlobsUploaded, Is.EqualTo(4));
        Assert.That(setup.Registry.Count(Kind.UploadPut), Is.EqualTo(6));
    }

    [Test]
    public async Task A_flaky_registry_that_fails_a_fifth_of_all_requests_still_gets_the_image()
    {
        using var setup = new PushSetup(RegistryAuthMode.Bearer);
        setup.Options = setup.Options with { Retry = FastRetry with { MaxAttempts = 10 } };
        setup.Registry.FailShare(0.2, HttpStatusCode.ServiceUnavailable, seed: 42);

        var result = await setup.PushAsync(V1, "shop/api", "1.0", "latest");

        Assert.That(setup.Registry.Exchanges.Count(e => e.Status == 503), Is.Positive);
        Assert.That(result.BlobsUploaded, Is.EqualTo(4));
        Assert.That(setup.Registry.Resolve("shop/api", "latest"), Is.EqualTo(V1.Digest));
    }

    [Test]
    public void A_blob_upload_that_always_fails_is_DSTL5002_naming_the_blob()
    {
        using var setup = new PushSetup();
        setup.Registry.FailShare(1.0, HttpStatusCode.BadGateway, kind: Kind.UploadPut);

        var error = Fails(() => setup.PushAsync(V1, "shop/api", "1.0"));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryUnavailable));
        Assert.That(error.Message, Does.Contain("the upload of blob").And.Contain("HTTP 502 Bad Gateway").And.Contain($"after {FastRetry.MaxAttempts} attempts"));
        Assert.That(setup.Registry.Resolve("shop/api", "1.0"), Is.Null, "no manifest without its blobs");
    }

    [Test]
    public async Task Pushing_by_digest_alone_puts_the_manifest_under_its_digest()
    {
        using var setup = new PushSetup();
        using var transport = Transport(setup.Registry, setup.Options);
        var pusher = new ImagePusher(transport, setup.Cache, setup.Options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var result = await pusher.PushAsync([ImageReference.Parse("registry.test/shop/api")], V1.Blobs, V1.Manifest, MediaTypes.ImageManifest);

        Assert.That(result.ManifestsPut, Is.EqualTo(1));
        Assert.That(setup.Registry.Exchanges.Single(e => e.Kind == Kind.ManifestPut).PathAndQuery, Is.EqualTo($"/v2/shop/api/manifests/{V1.Digest}"));
        Assert.That(setup.Registry.Tags("shop/api"), Is.Empty);
    }
}
