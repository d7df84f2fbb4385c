using System.Net;
using System.Text.Json;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Registry;
using Distroless.Testing;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Time.Testing;
using static Distroless.Core.Tests.Registry.RegistryTestKit;
using Kind = Distroless.Testing.Registry.RegistryRequestKind;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// How requests are authorized: Basic after a Basic challenge; Bearer tokens fetched once per
/// scope and shared by parallel requests, renewed before expiry and after a 401; credentials
/// that do not work are DSTL5001, which never shows the secret.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class RegistryAuthTests
{
    private static readonly Digest Probe = Digest.Compute("probe"u8);

    private static Task<bool> HeadAsync(RegistryTransport transport, string repository = "shop/api", bool push = false)
    {
        var client = new RepositoryClient(transport, repository);
        return client.BlobExistsAsync(Probe, push ? client.PushScope : client.PullScope, CancellationToken.None);
    }

    [Test]
    public async Task Basic_credentials_are_sent_once_the_registry_asks_for_them()
    {
        var registry = NewRegistry(RegistryAuthMode.Basic);
        using var transport = Transport(registry);

        Assert.That(await HeadAsync(transport), Is.False);
        Assert.That(registry.Exchanges.Select(e => (e.Kind, e.Authorization, e.Status)), Is.EqualTo(new (Kind, string?, int)[]
        {
            (Kind.Ping, null, 401), (Kind.BlobHead, "Basic", 404),
        }));
    }

    [Test]
    public async Task No_credentials_are_sent_to_a_registry_that_does_not_ask()
    {
        var registry = NewRegistry();
        using var transport = Transport(registry);

        await HeadAsync(transport);

        Assert.That(registry.Exchanges.Select(e => e.Authorization), Has.All.Null);
    }

    [TestCase(RegistryAuthMode.Basic)]
    [TestCase(RegistryAuthMode.Bearer)]
    public void A_wrong_password_is_DSTL5001_naming_the_registry_and_never_the_password(RegistryAuthMode mode)
    {
        const string wrong = "wr0ng-Passw0rd-xyzzy";
        var registry = NewRegistry(mode);
        using var transport = Transport(registry, credentials: Login(wrong));

        var error = Fails(() => HeadAsync(transport));

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryAuthenticationFailed));
            Assert.That(error.Message, Does.Contain("registry.test").And.Contain(User));
            Assert.That(error.ToString(), Does.Not.Contain(wrong), "message, inner exceptions and stack");
            Assert.That(error.Message, Does.Not.Contain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{User}:{wrong}"))));
        });
    }

    [TestCase(RegistryAuthMode.Basic)]
    [TestCase(RegistryAuthMode.Bearer)]
    public void No_credentials_for_a_private_registry_is_DSTL5001_saying_so(RegistryAuthMode mode)
    {
        var registry = NewRegistry(mode);
        using var transport = Transport(registry, credentials: Anonymous());

        var error = Fails(() => HeadAsync(transport));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryAuthenticationFailed));
        Assert.That(error.Message, Does.Contain("no credentials were found"));
    }

    [Test]
    public async Task Bearer_one_token_request_serves_twenty_parallel_requests_of_the_same_scope()
    {
        var registry = NewRegistry(RegistryAuthMode.Bearer);
        using var transport = Transport(registry);

        var found = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => HeadAsync(transport)));

        Assert.Multiple(() =>
        {
            Assert.That(found, Has.All.False);
            Assert.That(registry.Count(Kind.Token), Is.EqualTo(1));
            Assert.That(registry.Count(Kind.Ping), Is.EqualTo(1));
            Assert.That(registry.Exchanges.Where(e => e.Kind == Kind.BlobHead).Select(e => (e.Authorization, e.Status)),
                Is.EqualTo(Enumerable.Repeat(("Bearer", 404), 20)));
        });
    }

    [Test]
    public async Task Bearer_the_token_request_names_service_and_scope_and_carries_the_credentials()
    {
        var registry = NewRegistry(RegistryAuthMode.Bearer);
        using var transport = Transport(registry);

        await HeadAsync(transport, "shop/api");

        var token = registry.Exchanges.Single(e => e.Kind == Kind.Token);
        Assert.Multiple(() =>
        {
            Assert.That(token.Authorization, Is.EqualTo("Basic"));
            Assert.That(token.PathAndQuery, Is.EqualTo("/token?service=registry.test&scope=repository%3Ashop%2Fapi%3Apull"));
            Assert.That(registry.TokenScopes, Is.EqualTo(new[] { "repository:shop/api:pull" }));
        });
    }

    [Test]
    public async Task Bearer_each_scope_gets_its_own_token()
    {
        var registry = NewRegistry(RegistryAuthMode.Bearer);
        using var transport = Transport(registry);

        await HeadAsync(transport, "shop/api");
        await HeadAsync(transport, "shop/api", push: true);
        await HeadAsync(transport, "shop/web");
        await HeadAsync(transport, "shop/api");

        Assert.That(registry.TokenScopes, Is.EqualTo(new[]
        {
            "repository:shop/api:pull", "repository:shop/api:pull,push", "repository:shop/web:pull",
        }));
    }

    [Test]
    public async Task Bearer_a_token_is_renewed_before_it_expires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var registry = NewRegistry(RegistryAuthMode.Bearer, time);
        registry.TokenLifetime = TimeSpan.FromSeconds(60);
        using var transport = Transport(registry);

        await HeadAsync(transport);
        time.Advance(TimeSpan.FromSeconds(30));
        await HeadAsync(transport);
        Assert.That(registry.Count(Kind.Token), Is.EqualTo(1), "still valid after 30 s");

        time.Advance(TimeSpan.FromSeconds(25));
        await HeadAsync(transport);
        Assert.That(registry.Count(Kind.Token), Is.EqualTo(2), "renewed 10 s before the 60 s are up");
        Assert.That(registry.Exchanges.Where(e => e.Kind == Kind.BlobHead).Select(e => e.Status), Has.All.EqualTo(404), "no request was refused");
    }

    [Test]
    public async Task Bearer_a_401_on_a_cached_token_fetches_a_new_one_and_repeats_the_request()
    {
        var registry = NewRegistry(RegistryAuthMode.Bearer);
        using var transport = Transport(registry);
        await HeadAsync(transport);

        registry.RevokeTokens();
        var found = await HeadAsync(transport);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.False);
            Assert.That(registry.Count(Kind.Token), Is.EqualTo(2));
            Assert.That(registry.Exchanges.Where(e => e.Kind == Kind.BlobHead).Select(e => e.Status), Is.EqualTo(new[] { 404, 401, 404 }));
        });
    }

    [Test]
    public async Task Bearer_anonymous_pulls_get_a_token_without_credentials()
    {
        var registry = NewRegistry(RegistryAuthMode.Bearer);
        registry.AnonymousPull = true;
        using var transport = Transport(registry, credentials: Anonymous());

        Assert.That(await HeadAsync(transport), Is.False);
        Assert.That(registry.Exchanges.Single(e => e.Kind == Kind.Token).Authorization, Is.Null);
    }

    [Test]
    public void Bearer_a_scope_the_token_service_does_not_grant_is_DSTL5001()
    {
        var registry = NewRegistry(RegistryAuthMode.Bearer);
        registry.Allow = (user, repository, action) => repository != "secret/app";
        using var transport = Transport(registry);

        var error = Fails(() => HeadAsync(transport, "secret/app"));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryAuthenticationFailed));
        Assert.That(registry.Count(Kind.Token), Is.EqualTo(2), "one retry with a fresh token, then it gives up");
    }

    [Test]
    public async Task Bearer_an_identity_token_is_exchanged_with_an_OAuth_refresh_grant()
    {
        using var home = new TempDirectory();
        Directory.CreateDirectory(home.Combine(".docker"));
        File.WriteAllText(home.Combine(".docker", "config.json"), JsonSerializer.Serialize(new
        {
            auths = new Dictionary<string, object> { ["registry.test"] = new { identitytoken = "refresh-123" } },
        }));
        var registry = NewRegistry(RegistryAuthMode.Bearer).WithRefreshToken("refresh-123", "oauth-user");
        using var transport = Transport(registry, credentials: Credentials(new Dictionary<string, string>(), home.Path));

        Assert.That(await HeadAsync(transport), Is.False);
        var token = registry.Exchanges.Single(e => e.Kind == Kind.Token);
        Assert.That((token.Method, token.Authorization, token.Status), Is.EqualTo(("POST", (string?)null, 200)));
    }

    [Test]
    public void Bearer_a_challenge_without_a_realm_is_DSTL5004()
    {
        using var transport = new RegistryTransport("registry.test", new RegistryOptions { HandlerFactory = () => new RealmlessRegistry() },
            Login(), push: false, new CapturingLogger());

        var error = Fails(() => HeadAsync(transport));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryRejected));
        Assert.That(error.Message, Does.Contain("realm"));
    }

    [Test]
    public async Task Bearer_a_token_service_that_fails_once_is_retried()
    {
        var registry = NewRegistry(RegistryAuthMode.Bearer);
        registry.FailNext(1, HttpStatusCode.ServiceUnavailable, Kind.Token);
        using var transport = Transport(registry);

        Assert.That(await HeadAsync(transport), Is.False);
        Assert.That(registry.Exchanges.Where(e => e.Kind == Kind.Token).Select(e => e.Status), Is.EqualTo(new[] { 503, 200 }));
    }

    [Test]
    public void Bearer_a_token_service_that_keeps_failing_is_DSTL5002()
    {
        var registry = NewRegistry(RegistryAuthMode.Bearer);
        registry.FailShare(1.0, HttpStatusCode.ServiceUnavailable, kind: Kind.Token);
        using var transport = Transport(registry);

        var error = Fails(() => HeadAsync(transport));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryUnavailable));
        Assert.That(error.Message, Does.Contain("HTTP 503"));
        Assert.That(registry.Count(Kind.Token), Is.EqualTo(FastRetry.MaxAttempts));
    }

    /// <summary>A registry whose Bearer challenge has no realm (a broken proxy).</summary>
    private sealed class RealmlessRegistry : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.Unauthorized) { RequestMessage = request };
            response.Headers.WwwAuthenticate.Add(new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "service=\"registry.test\""));
            return Task.FromResult(response);
        }
    }
}
