using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using Distroless.Oci;
using Distroless.Testing.Registry;
using Kind = Distroless.Testing.Registry.RegistryRequestKind;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// The fake keeps the distribution API's rules, so a client bug cannot hide behind a lenient
/// fake: chunks in order, digests checked, manifests only over blobs it has, challenges named.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class InMemoryRegistryTests
{
    private static readonly byte[] Data = Encoding.ASCII.GetBytes("0123456789");

    private static (InMemoryRegistry Registry, HttpClient Http) Create(RegistryAuthMode auth = RegistryAuthMode.None)
    {
        var registry = new InMemoryRegistry { Auth = auth }.WithUser("u", "p");
        return (registry, new HttpClient(registry) { BaseAddress = new Uri("https://registry.test/") });
    }

    private static async Task<Uri> StartAsync(HttpClient http)
    {
        using var response = await http.PostAsync("v2/shop/api/blobs/uploads/", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        return new Uri(http.BaseAddress!, response.Headers.Location!);
    }

    private static HttpRequestMessage Patch(Uri upload, byte[] bytes, string? range)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, upload) { Content = new ByteArrayContent(bytes) };
        if (range is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Range", range);
        }

        return request;
    }

    [Test]
    public async Task Chunks_must_continue_where_the_upload_stands()
    {
        var (registry, http) = Create();
        var upload = await StartAsync(http);

        using var first = await http.SendAsync(Patch(upload, Data[..4], "0-3"));
        using var gap = await http.SendAsync(Patch(new Uri(http.BaseAddress!, first.Headers.Location!), Data[5..], "5-9"));
        using var lying = await http.SendAsync(Patch(new Uri(http.BaseAddress!, first.Headers.Location!), Data[4..], "4-5"));
        using var status = await http.GetAsync(upload);

        Assert.Multiple(() =>
        {
            Assert.That((first.StatusCode, first.Headers.GetValues("Range").Single()), Is.EqualTo((HttpStatusCode.Accepted, "0-3")));
            Assert.That((gap.StatusCode, gap.Headers.GetValues("Range").Single()), Is.EqualTo((HttpStatusCode.RequestedRangeNotSatisfiable, "0-3")));
            Assert.That(lying.StatusCode, Is.EqualTo(HttpStatusCode.RequestedRangeNotSatisfiable), "the range announces 2 bytes, the body has 6");
            Assert.That((status.StatusCode, status.Headers.GetValues("Range").Single()), Is.EqualTo((HttpStatusCode.NoContent, "0-3")));
            Assert.That(registry.ContentRanges, Is.EqualTo(new[] { "0-3" }));
        });
    }

    [Test]
    public async Task A_PUT_must_name_the_digest_of_everything_received()
    {
        var (registry, http) = Create();
        var wrong = await StartAsync(http);
        var right = await StartAsync(http);

        using var rejected = await http.PutAsync(wrong + "&digest=" + Uri.EscapeDataString(Digest.Compute("other"u8).ToString()), new ByteArrayContent(Data));
        using var accepted = await http.PutAsync(right + "&digest=" + Uri.EscapeDataString(Digest.Compute(Data).ToString()), new ByteArrayContent(Data));

        Assert.Multiple(async () =>
        {
            Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await rejected.Content.ReadAsStringAsync(), Does.Contain("DIGEST_INVALID"));
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(accepted.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(Digest.Compute(Data).ToString()));
            Assert.That(registry.HasBlob("shop/api", Digest.Compute(Data)), Is.True);
            Assert.That(registry.BlobBytesReceived, Is.EqualTo(20));
        });
    }

    [Test]
    public async Task A_manifest_over_a_missing_blob_is_refused()
    {
        var (_, http) = Create();
        var image = TestImage.Create();
        using var content = new ByteArrayContent(image.Manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(image.MediaType);

        using var response = await http.PutAsync("v2/shop/api/manifests/1.0", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("MANIFEST_BLOB_UNKNOWN"));
    }

    [Test]
    public async Task A_mount_succeeds_only_from_a_repository_that_has_the_blob()
    {
        var (registry, http) = Create();
        var digest = registry.AddBlob("shop/base", Data);

        using var mounted = await http.PostAsync($"v2/shop/api/blobs/uploads/?mount={digest}&from=shop%2Fbase", null);
        using var notThere = await http.PostAsync($"v2/shop/web/blobs/uploads/?mount={digest}&from=shop%2Fnothing", null);

        Assert.That(mounted.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(notThere.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(notThere.Headers.Location!.OriginalString, Does.StartWith("/v2/shop/web/blobs/uploads/"));
        Assert.That((registry.HasBlob("shop/api", digest), registry.HasBlob("shop/web", digest)), Is.EqualTo((true, false)));
    }

    [Test]
    public async Task A_Bearer_registry_challenges_with_realm_service_and_scope()
    {
        var (registry, http) = Create(RegistryAuthMode.Bearer);

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/shop/api/blobs/{Digest.Compute(Data)}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.Single().ToString(),
            Is.EqualTo("Bearer realm=\"http://auth.test/token\",service=\"registry.test\",scope=\"repository:shop/api:pull\""));
        Assert.That(registry.Count(Kind.BlobHead), Is.EqualTo(1));
    }

    [Test]
    public async Task The_token_service_refuses_a_wrong_password_and_counts_every_request()
    {
        var (registry, http) = Create(RegistryAuthMode.Bearer);
        var request = new HttpRequestMessage(HttpMethod.Get, "http://auth.test/token?service=registry.test&scope=repository%3Ashop%2Fapi%3Apull");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("u:wrong"u8.ToArray()));

        using var refused = await http.SendAsync(request);
        using var anonymous = await http.GetAsync("http://auth.test/token?service=registry.test");

        Assert.That((refused.StatusCode, anonymous.StatusCode), Is.EqualTo((HttpStatusCode.Unauthorized, HttpStatusCode.OK)));
        Assert.That(registry.Count(Kind.Token), Is.EqualTo(2));
    }

    [Test]
    public void Schemes_it_does_not_serve_fail_like_a_closed_port_and_bad_certificates_like_TLS()
    {
        var (registry, http) = Create();
        registry.Serves = RegistrySchemes.Http;

        var refused = Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("https://registry.test/v2/"))!;
        registry.Serves = RegistrySchemes.Https;
        registry.UntrustedCertificate = true;
        var untrusted = Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("https://registry.test/v2/"))!;

        Assert.That(refused.HttpRequestError, Is.EqualTo(HttpRequestError.ConnectionError));
        Assert.That(untrusted.InnerException, Is.TypeOf<AuthenticationException>());
        Assert.That(registry.Exchanges, Is.Empty, "nothing reached the registry");
    }

    [Test]
    public async Task FailNth_fails_exactly_that_request()
    {
        var (registry, http) = Create();
        registry.FailNth(2, HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(3));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync("v2/");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(3)));
            }
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK }));
    }
}
