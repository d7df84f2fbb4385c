using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json.Nodes;
using Distroless.RegistryTests.Infrastructure;

namespace Distroless.RegistryTests;

/// <summary>
/// Proves the registry test infrastructure with independent clients (skopeo, plain HttpClient,
/// bash), not with the product's registry client: each registry mode takes a push and serves it
/// back, the token issuer's tokens are what docker-registry 2.8 accepts, the proxy counts and
/// injects faults, and the credential files and helper are read by skopeo.
/// </summary>
[TestFixture]
public sealed class InfrastructureTests
{
    private const string User = "tester";
    private const string Password = "pa55-word";
    private const string Repository = "smoke";

    [Test]
    public async Task Open_registry_starts_quickly_takes_a_push_and_serves_it_back()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        var clock = Stopwatch.StartNew();
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        var started = clock.Elapsed;
        TestContext.Out.WriteLine($"registry ready in {started.TotalMilliseconds:0} ms");
        var image = OciTestImage.Create("open registry");
        var skopeo = new Skopeo(temp.Path);

        var copy = await skopeo.CopyAsync(Archive(temp, image), "docker://" + registry.Reference(Repository, "1"), "--dest-tls-verify=false");
        var inspect = await skopeo.InspectAsync("docker://" + registry.Reference(Repository, "1"), "--tls-verify=false", "--raw");

        Assert.Multiple(() =>
        {
            Assert.That(started, Is.LessThan(TimeSpan.FromSeconds(5)), "registry start-up");
            Assert.That(copy.ExitCode, Is.Zero, copy.All + registry.Log);
            Assert.That(inspect.ExitCode, Is.Zero, inspect.All);
            Assert.That(inspect.Output.Trim(), Is.EqualTo(Encoding.UTF8.GetString(image.Manifest.Bytes)));
            Assert.That(Path.Combine(registry.StorageDirectory, "docker", "registry", "v2", "repositories", Repository), Does.Exist);
            Assert.That(registry.Log, Does.Contain("listening on 127.0.0.1:" + registry.Port));
        });
        using var client = registry.CreateHttpClient();
        Assert.That(await client.GetByteArrayAsync($"v2/{Repository}/blobs/{image.Layer.Digest}"), Is.EqualTo(image.Layer.Bytes));
    }

    [Test]
    public async Task Basic_auth_registry_takes_the_right_password_and_refuses_a_wrong_one()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartBasicAuthAsync(User, Password, temp.Path);
        var skopeo = new Skopeo(temp.Path);
        var archive = Archive(temp, OciTestImage.Create("basic auth"));
        var reference = "docker://" + registry.Reference(Repository, "1");

        var wrong = await skopeo.CopyAsync(archive, reference, "--dest-tls-verify=false", "--dest-creds", $"{User}:wrong");
        var right = await skopeo.CopyAsync(archive, reference, "--dest-tls-verify=false", "--dest-creds", $"{User}:{Password}");
        var inspect = await skopeo.InspectAsync(reference, "--tls-verify=false", "--creds", $"{User}:{Password}");
        var anonymous = await skopeo.InspectAsync(reference, "--tls-verify=false", "--no-creds");
        using var client = registry.CreateHttpClient();
        using var challenge = await client.GetAsync("v2/");

        Assert.Multiple(() =>
        {
            Assert.That(wrong.ExitCode, Is.Not.Zero);
            Assert.That(wrong.All, Does.Contain("unauthorized").IgnoreCase.Or.Contain("authentication required").IgnoreCase);
            Assert.That(right.ExitCode, Is.Zero, right.All + registry.Log);
            Assert.That(inspect.ExitCode, Is.Zero, inspect.All);
            Assert.That(anonymous.ExitCode, Is.Not.Zero);
            Assert.That(challenge.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(challenge.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic realm="));
        });
    }

    [Test]
    public async Task Token_auth_registry_works_with_skopeo_through_the_issuer()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartTokenAuthAsync(User, Password, temp.Path);
        var issuer = registry.TokenIssuer!;
        var skopeo = new Skopeo(temp.Path);
        var archive = Archive(temp, OciTestImage.Create("token auth"));
        var reference = "docker://" + registry.Reference(Repository, "1");

        var right = await skopeo.CopyAsync(archive, reference, "--dest-tls-verify=false", "--dest-creds", $"{User}:{Password}");
        var issuedForPush = issuer.TokenRequestCount;
        var inspect = await skopeo.InspectAsync(reference, "--tls-verify=false", "--creds", $"{User}:{Password}");
        issuer.Reset();
        var wrong = await skopeo.CopyAsync(archive, "docker://" + registry.Reference("other", "1"), "--dest-tls-verify=false",
            "--dest-creds", $"{User}:wrong");

        Assert.Multiple(() =>
        {
            Assert.That(right.ExitCode, Is.Zero, right.All + registry.Log);
            Assert.That(issuedForPush, Is.GreaterThanOrEqualTo(1));
            Assert.That(inspect.ExitCode, Is.Zero, inspect.All);
            Assert.That(wrong.ExitCode, Is.Not.Zero);
            Assert.That(issuer.TokenRequestCount, Is.Zero);
            Assert.That(issuer.Requests.Select(r => r.Status), Has.Some.EqualTo(401));
        });
        TestContext.Out.WriteLine($"skopeo push: {issuedForPush} token request(s)");
    }

    [Test]
    public async Task Token_issuer_tokens_are_what_the_registry_accepts()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartTokenAuthAsync(User, Password, temp.Path);
        var issuer = registry.TokenIssuer!;
        using var client = registry.CreateHttpClient();

        // The challenge names the issuer and the service.
        using var challenge = await client.GetAsync("v2/");
        Assert.That(challenge.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(challenge.Headers.WwwAuthenticate.ToString(),
            Is.EqualTo($"Bearer realm=\"{issuer.Realm}\",service=\"{issuer.Service}\""));

        // GET /token with Basic credentials and repeated scopes.
        var scopes = $"service={issuer.Service}&scope=repository:{Repository}:pull,push&scope=repository:base:pull";
        using var wrongRequest = new HttpRequestMessage(HttpMethod.Get, $"{issuer.Realm}?{scopes}");
        wrongRequest.Headers.Authorization = Basic(User, "wrong");
        using var wrong = await client.SendAsync(wrongRequest);
        using var rightRequest = new HttpRequestMessage(HttpMethod.Get, $"{issuer.Realm}?{scopes}&offline_token=true");
        rightRequest.Headers.Authorization = Basic(User, Password);
        using var right = await client.SendAsync(rightRequest);
        var body = JsonNode.Parse(await right.Content.ReadAsStringAsync())!;
        var token = body["token"]!.GetValue<string>();
        var header = DecodeJwtPart(token, 0);
        var claims = DecodeJwtPart(token, 1);

        Assert.Multiple(() =>
        {
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body["access_token"]!.GetValue<string>(), Is.EqualTo(token));
            Assert.That(body["expires_in"]!.GetValue<long>(), Is.EqualTo(300));
            Assert.That(body["issued_at"], Is.Not.Null);
            Assert.That(body["refresh_token"]!.GetValue<string>(), Is.EqualTo(issuer.RefreshToken));
            Assert.That(header["alg"]!.GetValue<string>(), Is.EqualTo("RS256"));
            Assert.That(header["x5c"]!.AsArray(), Has.Count.EqualTo(1));
            Assert.That(claims["aud"]!.GetValue<string>(), Is.EqualTo(issuer.Service));
            Assert.That(claims["iss"]!.GetValue<string>(), Is.EqualTo(issuer.IssuerName));
            Assert.That(claims["sub"]!.GetValue<string>(), Is.EqualTo(User));
            Assert.That(claims["access"]!.ToJsonString(), Is.EqualTo(
                $"[{{\"type\":\"repository\",\"name\":\"{Repository}\",\"actions\":[\"pull\",\"push\"]}}," +
                "{\"type\":\"repository\",\"name\":\"base\",\"actions\":[\"pull\"]}]"));
            Assert.That(issuer.TokenRequestCount, Is.EqualTo(1));
            Assert.That(issuer.Requests, Has.Count.EqualTo(2));
        });

        // The registry accepts it: an upload may start.
        Assert.That(await StartUploadAsync(client, token), Is.EqualTo(HttpStatusCode.Accepted), registry.Log);

        // The OAuth2 refresh-token flow (identity tokens) gives a token the registry accepts too.
        using var refresh = await client.PostAsync(issuer.Realm, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = issuer.RefreshToken,
            ["service"] = issuer.Service,
            ["client_id"] = "distroless-tests",
            ["scope"] = $"repository:{Repository}:pull,push",
        }));
        var refreshed = JsonNode.Parse(await refresh.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        Assert.That(await StartUploadAsync(client, refreshed), Is.EqualTo(HttpStatusCode.Accepted), registry.Log);

        // A token whose exp is past the registry's 60 s leeway is refused; so is a token without the push grant.
        issuer.ExpClaimOffset = TimeSpan.FromMinutes(-2);
        Assert.That(await StartUploadAsync(client, issuer.CreateToken($"repository:{Repository}:pull,push")), Is.EqualTo(HttpStatusCode.Unauthorized));
        issuer.ExpClaimOffset = null;
        Assert.That(await StartUploadAsync(client, issuer.CreateToken($"repository:{Repository}:pull")), Is.EqualTo(HttpStatusCode.Unauthorized));

        // Short-lived tokens for renewal tests: expires_in and exp follow TokenLifetime.
        issuer.TokenLifetime = TimeSpan.FromSeconds(2);
        using var shortRequest = new HttpRequestMessage(HttpMethod.Get, $"{issuer.Realm}?{scopes}");
        shortRequest.Headers.Authorization = Basic(User, Password);
        using var shortLived = await client.SendAsync(shortRequest);
        var shortBody = JsonNode.Parse(await shortLived.Content.ReadAsStringAsync())!;
        var shortClaims = DecodeJwtPart(shortBody["token"]!.GetValue<string>(), 1);
        Assert.Multiple(() =>
        {
            Assert.That(shortBody["expires_in"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(shortClaims["exp"]!.GetValue<long>() - shortClaims["iat"]!.GetValue<long>(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Tls_registry_is_trusted_through_the_test_ca_only()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartTlsAsync(temp.Path);
        var skopeo = new Skopeo(temp.Path);
        var reference = "docker://" + registry.Reference(Repository, "1");

        var archive = Archive(temp, OciTestImage.Create("tls"));
        var untrusted = await skopeo.CopyAsync(archive, reference);
        var copy = await skopeo.CopyAsync(archive, reference, "--dest-cert-dir", registry.CertDirectory!);
        var inspectWithoutCa = await skopeo.InspectAsync(reference);
        foreach (var (key, value) in registry.ChildEnvironment)
        {
            skopeo.Environment[key] = value;
        }

        var inspectWithBundle = await skopeo.InspectAsync(reference);

        Assert.Multiple(() =>
        {
            Assert.That(registry.Uri.Scheme, Is.EqualTo("https"));
            Assert.That(untrusted.ExitCode, Is.Not.Zero);
            Assert.That(untrusted.All, Does.Contain("certificate signed by unknown authority"));
            Assert.That(copy.ExitCode, Is.Zero, copy.All + registry.Log);
            Assert.That(inspectWithoutCa.ExitCode, Is.Not.Zero);
            Assert.That(inspectWithBundle.ExitCode, Is.Zero, inspectWithBundle.All);
            Assert.That(File.ReadAllText(registry.CaBundlePath!), Does.EndWith(File.ReadAllText(registry.CaCertificatePath!)));
            Assert.That(File.ReadAllText(registry.CaBundlePath!).Length,
                Is.GreaterThan(File.ReadAllText(registry.CaCertificatePath!).Length * 10), "the system bundle is included");
        });

        using var trusting = registry.CreateHttpClient();
        using var pong = await trusting.GetAsync("v2/");
        Assert.That(pong.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var systemTrust = new HttpClient { BaseAddress = registry.Uri };
        var refused = Assert.ThrowsAsync<HttpRequestException>(() => systemTrust.GetAsync("v2/"));
        Assert.That(refused!.InnerException, Is.InstanceOf<AuthenticationException>());

        // A proxy in front of it speaks plain HTTP and points the registry's https Locations at itself.
        await using var proxy = await RegistryProxy.StartAsync(registry);
        using var viaProxy = new HttpClient { BaseAddress = proxy.Uri };
        using var upload = await viaProxy.PostAsync($"v2/{Repository}/blobs/uploads/", null);
        Assert.That(upload.Headers.Location?.GetLeftPart(UriPartial.Authority), Is.EqualTo($"http://{proxy.Host}"));
    }

    [Test]
    public async Task Skopeo_pushes_through_the_proxy_while_it_injects_faults()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        proxy.Faults = new FaultPolicy { ErrorRate = 0.2, Seed = 3 };
        var skopeo = new Skopeo(temp.Path);
        var image = OciTestImage.Create("through the proxy", extraBytes: 300_000);

        var copy = await skopeo.CopyAsync(Archive(temp, image), "docker://" + proxy.Reference(Repository, "1"),
            "--dest-tls-verify=false", "--retry-times", "10");
        var faulted = proxy.Requests.Where(r => r.Fault is not null).ToList();
        proxy.Faults = FaultPolicy.None;
        var inspect = await skopeo.InspectAsync("docker://" + registry.Reference(Repository, "1"), "--tls-verify=false", "--raw");

        Assert.Multiple(() =>
        {
            Assert.That(copy.ExitCode, Is.Zero, copy.All + registry.Log);
            Assert.That(faulted, Is.Not.Empty, "the seed must hit some requests");
            Assert.That(proxy.InjectedErrors, Is.EqualTo(faulted.Count));
            Assert.That(proxy.Count(RequestKind.ManifestPut), Is.GreaterThanOrEqualTo(1));
            Assert.That(proxy.Count(RequestKind.UploadStart), Is.GreaterThanOrEqualTo(2));
            Assert.That(proxy.UploadedBytes, Is.GreaterThanOrEqualTo(image.Layer.Size + image.Config.Size));
            Assert.That(inspect.Output.Trim(), Is.EqualTo(Encoding.UTF8.GetString(image.Manifest.Bytes)));
        });
        TestContext.Out.WriteLine(string.Join('\n', proxy.Requests.Select(r => $"{r.Sequence} {r.Method} {r.Kind} {r.Status} {r.Fault}")));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Proxy_counts_a_chunked_push_and_points_locations_at_itself(bool relativeUrls)
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartAsync(new RegistryOptions { ParentDirectory = temp.Path, RelativeUrls = relativeUrls });
        await using var proxy = await RegistryProxy.StartAsync(registry);
        using var client = new HttpClient { BaseAddress = proxy.Uri };
        var image = OciTestImage.Create("chunked", extraBytes: 100_000);
        var layer = image.Layer.Bytes;
        var half = layer.Length / 2;

        // Chunked upload: POST, PATCH with Content-Range, status GET, PATCH with a chunked body, PUT.
        using var start = await client.PostAsync($"v2/{Repository}/blobs/uploads/", null);
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var location = start.Headers.Location!;
        Assert.That(location.IsAbsoluteUri, Is.EqualTo(!relativeUrls));
        if (!relativeUrls)
        {
            Assert.That(location.Authority, Is.EqualTo(proxy.Host));
        }

        using var first = await client.PatchAsync(location, Bytes(layer[..half], $"0-{half - 1}"));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(first.Headers.GetValues("Range").Single(), Is.EqualTo($"0-{half - 1}"));

        using var status = await client.GetAsync(first.Headers.Location);
        Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(status.Headers.GetValues("Range").Single(), Is.EqualTo($"0-{half - 1}"));

        var unknownLength = new StreamContent(new NonSeekableStream(layer[half..]));
        unknownLength.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var second = await client.PatchAsync(status.Headers.Location, unknownLength);
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await second.Content.ReadAsStringAsync());
        Assert.That(second.Headers.GetValues("Range").Single(), Is.EqualTo($"0-{layer.Length - 1}"));

        using var put = await client.PutAsync(WithDigest(second.Headers.Location!, image.Layer.Digest), null);
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());

        // distribution 2.8 has no single-POST upload: a POST with ?digest= and a body only opens a
        // session (202) and the body is dropped. The config goes up as POST + one PUT with the body.
        using var singlePost = await client.PostAsync($"v2/{Repository}/blobs/uploads/?digest={image.Config.Digest}", Bytes(image.Config.Bytes));
        Assert.That(singlePost.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        using var notThere = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{Repository}/blobs/{image.Config.Digest}"));
        Assert.That(notThere.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var config = await client.PutAsync(WithDigest(singlePost.Headers.Location!, image.Config.Digest), Bytes(image.Config.Bytes));
        Assert.That(config.StatusCode, Is.EqualTo(HttpStatusCode.Created), await config.Content.ReadAsStringAsync());
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{Repository}/blobs/{image.Layer.Digest}"));
        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(layer.Length));
        var manifest = Bytes(image.Manifest.Bytes);
        manifest.Headers.ContentType = new MediaTypeHeaderValue(OciTestImage.ManifestMediaType);
        using var manifestPut = await client.PutAsync($"v2/{Repository}/manifests/1", manifest);
        Assert.That(manifestPut.StatusCode, Is.EqualTo(HttpStatusCode.Created), await manifestPut.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(manifestPut.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(image.Manifest.Digest));
            Assert.That(proxy.Count(RequestKind.UploadStart), Is.EqualTo(2));
            Assert.That(proxy.Count(RequestKind.UploadPatch), Is.EqualTo(2));
            Assert.That(proxy.Count(RequestKind.UploadStatus), Is.EqualTo(1));
            Assert.That(proxy.Count(RequestKind.UploadPut), Is.EqualTo(2));
            Assert.That(proxy.Count(RequestKind.BlobHead), Is.EqualTo(2));
            Assert.That(proxy.Count(RequestKind.ManifestPut), Is.EqualTo(1));
            Assert.That(proxy.Count("PATCH"), Is.EqualTo(2));
            Assert.That(proxy.Count("POST"), Is.EqualTo(2));
            Assert.That(proxy.Count("PUT"), Is.EqualTo(3));
            // Body bytes of blob uploads as received: the layer once, the config twice (the ignored POST body and the PUT).
            Assert.That(proxy.UploadedBytes, Is.EqualTo(layer.Length + (2 * image.Config.Size)));
            Assert.That(proxy.Requests, Has.Count.EqualTo(10));
        });

        proxy.Reset();
        Assert.That((proxy.Count(RequestKind.UploadPatch), proxy.UploadedBytes, proxy.Requests.Count), Is.EqualTo((0, 0L, 0)));
    }

    [Test]
    public async Task Proxy_answers_injected_statuses_and_drops_uploads_mid_body()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        using var client = new HttpClient { BaseAddress = proxy.Uri };
        var layer = OciTestImage.Create("faults", extraBytes: 200_000).Layer;

        // Random: every eligible request gets 429 with Retry-After; the version check is not eligible.
        proxy.Faults = new FaultPolicy { ErrorRate = 1, ErrorStatuses = [429] };
        using var ping = await client.GetAsync("v2/");
        using var limited = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{Repository}/blobs/{layer.Digest}"));
        Assert.Multiple(() =>
        {
            Assert.That(ping.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((int)limited.StatusCode, Is.EqualTo(429));
            Assert.That(limited.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        });
        proxy.Faults = FaultPolicy.None;

        // Scripted: the next PATCH gets 503 (its body is read and dropped), the one after goes through.
        proxy.EnqueueFault(RequestKind.UploadPatch, ProxyFault.Status(503));
        using var start = await client.PostAsync($"v2/{Repository}/blobs/uploads/", null);
        using var unavailable = await client.PatchAsync(start.Headers.Location, Bytes(layer.Bytes, $"0-{layer.Size - 1}"));
        using var accepted = await client.PatchAsync(start.Headers.Location, Bytes(layer.Bytes, $"0-{layer.Size - 1}"));
        Assert.Multiple(() =>
        {
            Assert.That(unavailable.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        });

        // Dropped mid-body: half the body reaches the registry, then both connections close.
        proxy.EnqueueFault(RequestKind.UploadPatch, ProxyFault.DropUpload(0.5));
        using var again = await client.PostAsync($"v2/{Repository}/blobs/uploads/", null);
        var dropped = Assert.ThrowsAsync<HttpRequestException>(() => client.PatchAsync(again.Headers.Location, Bytes(layer.Bytes)));
        TestContext.Out.WriteLine($"client saw: {dropped!.Message} / {dropped.InnerException?.Message}");
        // distribution 2.8 keeps what arrived of a broken PATCH, so the upload's size no longer
        // matches the offset in the _state of the Location the client holds: the next request with
        // it is refused, and so is every later one (404 BLOB_UPLOAD_INVALID, "upload resumed at
        // wrong offset"; without _state too). A client can only start the blob's upload again.
        using var stale = await client.GetAsync(again.Headers.Location);
        var staleBody = await stale.Content.ReadAsStringAsync();
        using var gone = await client.GetAsync(again.Headers.Location);
        var goneBody = await gone.Content.ReadAsStringAsync();
        using var restart = await client.PostAsync($"v2/{Repository}/blobs/uploads/", null);
        using var completed = await client.PutAsync(WithDigest(restart.Headers.Location!, layer.Digest), Bytes(layer.Bytes));

        Assert.Multiple(() =>
        {
            Assert.That(proxy.DroppedUploads, Is.EqualTo(1));
            Assert.That(proxy.InjectedErrors, Is.EqualTo(2));
            Assert.That(proxy.Requests.Single(r => r.Fault?.DropAfterFraction is not null).Status, Is.Null);
            Assert.That(registry.Log, Does.Contain($"copied={(long)(layer.Size * 0.5)}"), "half the body reached the registry");
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(staleBody, Does.Contain("BLOB_UPLOAD_INVALID"));
            Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(goneBody, Does.Contain("BLOB_UPLOAD_INVALID"));
            Assert.That(completed.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        });

        // Random drops: every upload body is cut, at the configured fraction.
        proxy.Faults = new FaultPolicy { DropUploadRate = 1, DropAfterFraction = 0.25 };
        using var third = await client.PostAsync($"v2/{Repository}/blobs/uploads/", null);
        Assert.ThrowsAsync<HttpRequestException>(() => client.PutAsync(WithDigest(third.Headers.Location!, layer.Digest), Bytes(layer.Bytes)));
        Assert.That(proxy.DroppedUploads, Is.EqualTo(2));
        Assert.That(proxy.Requests.Last().RequestBodyBytes, Is.EqualTo((long)(layer.Size * 0.25)));
    }

    [Test]
    public async Task Proxy_stays_correct_under_parallel_uploads()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartOpenAsync(temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        proxy.Faults = new FaultPolicy { Latency = TimeSpan.FromMilliseconds(50) };
        using var client = new HttpClient { BaseAddress = proxy.Uri };
        var blobs = Enumerable.Range(0, 16).Select(i => OciTestImage.Create($"parallel {i}", extraBytes: 40_000).Layer).ToList();

        var statuses = await Task.WhenAll(blobs.Select(async blob =>
        {
            using var start = await client.PostAsync($"v2/{Repository}/blobs/uploads/", null);
            using var put = await client.PutAsync(WithDigest(start.Headers.Location!, blob.Digest), Bytes(blob.Bytes));
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{Repository}/blobs/{blob.Digest}"));
            return (start.StatusCode, put.StatusCode, head.StatusCode, head.Content.Headers.ContentLength);
        }));

        Assert.Multiple(() =>
        {
            Assert.That(statuses.Select(s => s.Item1), Is.All.EqualTo(HttpStatusCode.Accepted));
            Assert.That(statuses.Select(s => s.Item2), Is.All.EqualTo(HttpStatusCode.Created));
            Assert.That(statuses.Select(s => s.Item3), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(statuses.Select(s => s.Item4), Is.EqualTo(blobs.Select(b => (long?)b.Size)));
            Assert.That(proxy.Count(RequestKind.UploadStart), Is.EqualTo(blobs.Count));
            Assert.That(proxy.Count(RequestKind.UploadPut), Is.EqualTo(blobs.Count));
            Assert.That(proxy.Count(RequestKind.BlobHead), Is.EqualTo(blobs.Count));
            Assert.That(proxy.Requests, Has.Count.EqualTo(3 * blobs.Count));
            Assert.That(proxy.UploadedBytes, Is.EqualTo(blobs.Sum(b => b.Size)));
            Assert.That(proxy.MaxConcurrentRequests, Is.GreaterThan(1));
        });
    }

    [Test]
    public async Task Proxy_fronts_the_token_issuer_and_counts_token_requests()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartTokenAuthAsync(User, Password, temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        var skopeo = new Skopeo(temp.Path);
        using var client = new HttpClient { BaseAddress = proxy.Uri };

        using var challenge = await client.GetAsync("v2/");
        var copy = await skopeo.CopyAsync(Archive(temp, OciTestImage.Create("token via proxy")), "docker://" + proxy.Reference(Repository, "1"),
            "--dest-tls-verify=false", "--dest-creds", $"{User}:{Password}");

        Assert.Multiple(() =>
        {
            Assert.That(challenge.Headers.WwwAuthenticate.ToString(), Does.Contain($"realm=\"http://{proxy.Host}/token\""));
            Assert.That(copy.ExitCode, Is.Zero, copy.All + registry.Log);
            Assert.That(proxy.Count(RequestKind.Token), Is.EqualTo(registry.TokenIssuer!.Requests.Count).And.GreaterThan(0));
            Assert.That(proxy.Count(RequestKind.ManifestPut), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Credential_helper_script_speaks_the_helper_protocol()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        var helper = CredentialHelperScript.Create(temp.Path, new Dictionary<string, (string, string)>
        {
            ["127.0.0.1:5000"] = (User, "it's a \"secret\""),
        });

        var known = await ProcessRunner.RunAsync(helper.ExecutablePath, ["get"], standardInput: "127.0.0.1:5000");
        var withScheme = await ProcessRunner.RunAsync(helper.ExecutablePath, ["get"], standardInput: "https://127.0.0.1:5000/\n");
        var unknown = await ProcessRunner.RunAsync(helper.ExecutablePath, ["get"], standardInput: "127.0.0.1:5001");
        var store = await ProcessRunner.RunAsync(helper.ExecutablePath, ["store"], standardInput: "{\"ServerURL\":\"x\"}");

        Assert.Multiple(() =>
        {
            Assert.That(known.ExitCode, Is.Zero, known.All);
            Assert.That(JsonNode.Parse(known.Output)!["ServerURL"]!.GetValue<string>(), Is.EqualTo("127.0.0.1:5000"));
            Assert.That(JsonNode.Parse(known.Output)!["Username"]!.GetValue<string>(), Is.EqualTo(User));
            Assert.That(JsonNode.Parse(known.Output)!["Secret"]!.GetValue<string>(), Is.EqualTo("it's a \"secret\""));
            Assert.That(withScheme.ExitCode, Is.Zero, withScheme.All);
            Assert.That(unknown.ExitCode, Is.EqualTo(1));
            Assert.That(unknown.Output.Trim(), Is.EqualTo(CredentialHelperScript.NotFoundMessage));
            Assert.That(store.ExitCode, Is.Zero);
            Assert.That(helper.Calls(), Is.EqualTo(new[]
            {
                new CredentialHelperCall("get", "127.0.0.1:5000"),
                new CredentialHelperCall("get", "https://127.0.0.1:5000/"),
                new CredentialHelperCall("get", "127.0.0.1:5001"),
                new CredentialHelperCall("store", "{\"ServerURL\":\"x\"}"),
            }));
        });
    }

    /// <remarks>skopeo 1.9 (containers/image) reads credHelpers but not credsStore.</remarks>
    [Test]
    public async Task Skopeo_reads_cred_helpers_auths_and_identity_tokens_from_the_auth_files()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var basic = await DistributionRegistry.StartBasicAuthAsync(User, Password, temp.Path);
        await using var token = await DistributionRegistry.StartTokenAuthAsync(User, Password, temp.Path);
        var skopeo = new Skopeo(temp.Path);
        var archive = Archive(temp, OciTestImage.Create("auth files"));
        var push = await skopeo.CopyAsync(archive, "docker://" + basic.Reference(Repository, "1"), "--dest-tls-verify=false",
            "--dest-creds", $"{User}:{Password}");
        Assert.That(push.ExitCode, Is.Zero, push.All);
        var pushToken = await skopeo.CopyAsync(archive, "docker://" + token.Reference(Repository, "1"), "--dest-tls-verify=false",
            "--dest-creds", $"{User}:{Password}");
        Assert.That(pushToken.ExitCode, Is.Zero, pushToken.All);

        // credHelpers in an --authfile: skopeo runs docker-credential-test from PATH.
        var helper = CredentialHelperScript.Create(temp.Path, new Dictionary<string, (string, string)> { [basic.Host] = (User, Password) });
        var helperFile = new ContainerAuthFile().WithCredHelper(basic.Host, helper.Name).WriteAuthFile(temp.Combine("helper-auth.json"));
        skopeo.Environment["PATH"] = helper.PathWithHelper();
        var viaHelper = await skopeo.InspectAsync("docker://" + basic.Reference(Repository, "1"), "--tls-verify=false", "--authfile", helperFile);

        // auths with base64 user:password, as podman's auth.json through REGISTRY_AUTH_FILE.
        var authFile = new ContainerAuthFile().WithAuth(basic.Host, User, Password).WriteAuthFile(temp.Combine("podman", "auth.json"));
        skopeo.Environment["REGISTRY_AUTH_FILE"] = authFile;
        var viaAuthFile = await skopeo.InspectAsync("docker://" + basic.Reference(Repository, "1"), "--tls-verify=false");

        // auths in docker's config.json, found through DOCKER_CONFIG.
        skopeo.Environment["REGISTRY_AUTH_FILE"] = temp.Combine("none.json");
        skopeo.Environment["DOCKER_CONFIG"] = new ContainerAuthFile().WithAuth(basic.Host, User, Password)
            .WriteDockerConfig(temp.Combine("docker-config"));
        var viaDockerConfig = await skopeo.InspectAsync("docker://" + basic.Reference(Repository, "1"), "--tls-verify=false");

        // identitytoken: skopeo trades it at the issuer with the OAuth2 refresh-token grant.
        var identityFile = new ContainerAuthFile().WithIdentityToken(token.Host, token.TokenIssuer!.RefreshToken, User)
            .WriteAuthFile(temp.Combine("identity-auth.json"));
        token.TokenIssuer.Reset();
        var viaIdentityToken = await skopeo.InspectAsync("docker://" + token.Reference(Repository, "1"), "--tls-verify=false", "--authfile", identityFile);

        Assert.Multiple(() =>
        {
            Assert.That(viaHelper.ExitCode, Is.Zero, viaHelper.All);
            Assert.That(helper.Calls().Select(c => c.Command), Has.Some.EqualTo("get"));
            Assert.That(helper.Calls().Select(c => c.Input), Has.Some.Contains(basic.Host));
            Assert.That(viaAuthFile.ExitCode, Is.Zero, viaAuthFile.All);
            Assert.That(viaDockerConfig.ExitCode, Is.Zero, viaDockerConfig.All);
            Assert.That(viaIdentityToken.ExitCode, Is.Zero, viaIdentityToken.All + token.Log);
            Assert.That(token.TokenIssuer.Requests.Select(r => r.GrantType), Has.Some.EqualTo("refresh_token"));
        });
    }

    private static string Archive(TempDirectory temp, OciTestImage image)
        => "oci-archive:" + image.WriteArchive(temp.Combine($"image-{image.Manifest.Digest[7..19]}.tar"));

    private static AuthenticationHeaderValue Basic(string user, string password)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static JsonNode DecodeJwtPart(string token, int index)
    {
        var part = token.Split('.')[index].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return JsonNode.Parse(Convert.FromBase64String(part))!;
    }

    private static async Task<HttpStatusCode> StartUploadAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v2/{Repository}/blobs/uploads/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static ByteArrayContent Bytes(byte[] bytes, string? contentRange = null)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (contentRange is not null)
        {
            // The registry's form: "start-end", no unit (not RFC 9110's "bytes start-end/total").
            content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        }

        return content;
    }

    private static Uri WithDigest(Uri location, string digest)
    {
        var text = location.OriginalString;
        return new Uri(text + (text.Contains('?') ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest), UriKind.RelativeOrAbsolute);
    }

    /// <summary>A stream without a length, so HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
