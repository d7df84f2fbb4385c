using System.Diagnostics;
using System.Net;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Registry;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Time.Testing;
using static Distroless.Core.Tests.Registry.RegistryTestKit;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// How a registry is reached: HTTPS, plain HTTP only for loopback and listed registries, and
/// transient failures (5xx, 429 with Retry-After) retried a bounded number of times.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class RegistryTransportTests
{
    private static readonly Digest Probe = Digest.Compute("probe"u8);

    private static Task<bool> HeadAsync(RegistryTransport transport)
    {
        var client = new RepositoryClient(transport, "shop/api");
        return client.BlobExistsAsync(Probe, client.PullScope, CancellationToken.None);
    }

    [Test]
    public async Task HTTPS_is_used_when_the_registry_speaks_it()
    {
        var registry = NewRegistry();
        registry.Serves = RegistrySchemes.Both;
        using var transport = Transport(registry);

        await transport.EnsureReadyAsync();

        Assert.That(transport.BaseUri, Is.EqualTo(new Uri("https://registry.test/")));
        Assert.That(registry.Exchanges.Select(e => e.Scheme), Is.EqualTo(new[] { "https" }));
    }

    [TestCase("127.0.0.1:5000")]
    [TestCase("localhost:5000")]
    [TestCase("[::1]:5000")]
    public async Task Plain_HTTP_is_used_for_a_loopback_registry_that_has_no_HTTPS(string host)
    {
        var registry = NewRegistry(host: host);
        registry.Serves = RegistrySchemes.Http;
        using var transport = Transport(registry);

        Assert.That(await HeadAsync(transport), Is.False);
        Assert.That(transport.BaseUri.Scheme, Is.EqualTo("http"));
        Assert.That(registry.Exchanges.Select(e => (e.Kind, e.Scheme)), Is.EqualTo(new[]
        {
            (RegistryRequestKind.Ping, "http"), (RegistryRequestKind.BlobHead, "http"),
        }));
    }

    [Test]
    public void Plain_HTTP_is_refused_for_any_other_registry_with_DSTL5007()
    {
        var registry = NewRegistry();
        registry.Serves = RegistrySchemes.Http;
        using var transport = Transport(registry);

        var error = Fails(() => HeadAsync(transport));

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.InsecureRegistryRefused));
            Assert.That(error.Message, Does.Contain("registry.test"));
            Assert.That(registry.Exchanges.Where(e => e.Kind != RegistryRequestKind.Ping), Is.Empty, "nothing but the ping went over HTTP");
            Assert.That(registry.Count(RegistryRequestKind.Ping), Is.EqualTo(1), "a refusal is not retried");
        });
    }

    [TestCase("registry.test")]
    [TestCase(" REGISTRY.test ")]
    public async Task Plain_HTTP_is_allowed_for_a_registry_listed_as_insecure(string listed)
    {
        var registry = NewRegistry();
        registry.Serves = RegistrySchemes.Http;
        using var transport = Transport(registry, Options(registry) with { InsecureRegistries = [listed] });

        Assert.That(await HeadAsync(transport), Is.False);
        Assert.That(transport.BaseUri, Is.EqualTo(new Uri("http://registry.test/")));
    }

    [Test]
    public async Task A_transient_error_on_the_HTTPS_ping_is_retried_over_HTTPS_not_downgraded()
    {
        var registry = NewRegistry();
        registry.Serves = RegistrySchemes.Both; // e.g. an http:// port that redirects to https://
        registry.FailNext(1, HttpStatusCode.ServiceUnavailable, RegistryRequestKind.Ping);
        using var transport = Transport(registry);

        Assert.That(await HeadAsync(transport), Is.False);
        Assert.That(transport.BaseUri.Scheme, Is.EqualTo("https"));
        Assert.That(registry.Exchanges.Select(e => e.Scheme), Has.All.EqualTo("https"));
    }

    [Test]
    public void An_untrusted_certificate_is_reported_with_the_TLS_error_after_the_attempts()
    {
        // A fake handler cannot run RegistryTransport's certificate callback (which makes this
        // DSTL5003 with a real socket handler); what the fake can show is that the TLS failure
        // is named, bounded, and not silently replaced by plain HTTP.
        var registry = NewRegistry();
        registry.UntrustedCertificate = true;
        using var transport = Transport(registry);

        var error = Fails(() => HeadAsync(transport));

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryUnavailable));
            Assert.That(error.Message, Does.Contain("SSL").And.Contain("certificate").And.Contain($"after {FastRetry.MaxAttempts} attempts"));
            Assert.That(registry.Exchanges, Is.Empty);
        });
    }

    [Test]
    public void An_unknown_host_is_DSTL5002_naming_the_resolution_failure()
    {
        var registry = NewRegistry();
        using var transport = new RegistryTransport("elsewhere.test", Options(registry), Login(), push: false, new CapturingLogger());

        var error = Fails(() => transport.EnsureReadyAsync());

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryUnavailable));
        Assert.That(error.Message, Does.Contain("elsewhere.test").And.Contain("Name or service not known"));
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.ServiceUnavailable)]
    [TestCase(HttpStatusCode.TooManyRequests)]
    [TestCase(HttpStatusCode.RequestTimeout)]
    public async Task Transient_statuses_are_retried(HttpStatusCode status)
    {
        var registry = NewRegistry();
        registry.FailNext(2, status, RegistryRequestKind.BlobHead);
        using var transport = Transport(registry);

        Assert.That(await HeadAsync(transport), Is.False);
        Assert.That(registry.Exchanges.Where(e => e.Kind == RegistryRequestKind.BlobHead).Select(e => e.Status),
            Is.EqualTo(new[] { (int)status, (int)status, 404 }));
    }

    [TestCase(HttpStatusCode.BadRequest, DiagnosticCodes.RegistryRejected)]
    [TestCase(HttpStatusCode.Forbidden, DiagnosticCodes.RegistryAuthenticationFailed)]
    [TestCase(HttpStatusCode.NotImplemented, DiagnosticCodes.RegistryUnavailable)]
    public void Other_statuses_are_not_retried_but_reported(HttpStatusCode status, string code)
    {
        var registry = NewRegistry();
        registry.FailShare(1.0, status, kind: RegistryRequestKind.BlobHead);
        using var transport = Transport(registry);

        var error = Fails(() => HeadAsync(transport));

        Assert.That(error.Code, Is.EqualTo(code));
        Assert.That(registry.Count(RegistryRequestKind.BlobHead), Is.EqualTo(code == DiagnosticCodes.RegistryUnavailable ? FastRetry.MaxAttempts : 1));
    }

    [Test]
    public void After_MaxAttempts_it_is_DSTL5002_with_the_attempts_and_the_last_status()
    {
        var registry = NewRegistry();
        registry.FailShare(1.0, HttpStatusCode.ServiceUnavailable, kind: RegistryRequestKind.BlobHead);
        using var transport = Transport(registry);

        var error = Fails(() => HeadAsync(transport));

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryUnavailable));
            Assert.That(error.Message, Does.Contain($"after {FastRetry.MaxAttempts} attempts"));
            Assert.That(error.Message, Does.Contain("HTTP 503 Service Unavailable"));
            Assert.That(error.Message, Does.Contain("registry.test"));
            Assert.That(registry.Count(RegistryRequestKind.BlobHead), Is.EqualTo(FastRetry.MaxAttempts));
        });
    }

    [Test]
    public async Task A_Retry_After_in_seconds_is_honoured_up_to_MaxDelay()
    {
        var registry = NewRegistry();
        registry.FailNext(1, HttpStatusCode.TooManyRequests, RegistryRequestKind.BlobHead, retryAfter: TimeSpan.FromSeconds(30));
        var options = Options(registry) with { Retry = FastRetry with { MaxDelay = TimeSpan.FromMilliseconds(150) } };
        using var transport = Transport(registry, options);
        await transport.EnsureReadyAsync();

        var clock = Stopwatch.StartNew();
        await HeadAsync(transport);

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(140)).And.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task A_Retry_After_date_is_honoured_against_the_injected_clock()
    {
        // Now is 0.8 s past a whole second; the registry asks to wait until the next one.
        var start = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start.AddMilliseconds(800));
        var registry = NewRegistry(time: time);
        registry.FailNext(1, HttpStatusCode.ServiceUnavailable, RegistryRequestKind.BlobHead, retryAt: start.AddSeconds(1));
        var options = Options(registry) with { Retry = FastRetry with { MaxDelay = TimeSpan.FromSeconds(5) } };
        using var transport = Transport(registry, options);
        await transport.EnsureReadyAsync();

        var clock = Stopwatch.StartNew();
        await HeadAsync(transport);

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(180)).And.LessThan(TimeSpan.FromSeconds(4)));
    }

    [Test]
    public async Task A_Retry_After_date_in_the_past_retries_at_once()
    {
        // The registry's clock is behind ours (or the answer was slow): the date has passed.
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var registry = NewRegistry(time: new FakeTimeProvider(now));
        registry.FailNext(1, HttpStatusCode.ServiceUnavailable, RegistryRequestKind.BlobHead, retryAt: now.AddSeconds(-5));
        using var transport = Transport(registry);

        Assert.That(await HeadAsync(transport), Is.False);
        Assert.That(registry.Count(RegistryRequestKind.BlobHead), Is.EqualTo(2));
    }

    [Test]
    public async Task RequestCount_counts_every_request_sent_retries_included()
    {
        var registry = NewRegistry();
        registry.FailNext(1, HttpStatusCode.ServiceUnavailable, RegistryRequestKind.BlobHead);
        using var transport = Transport(registry);

        await HeadAsync(transport);

        Assert.That(transport.RequestCount, Is.EqualTo(registry.Exchanges.Count).And.EqualTo(3));
    }

    [TestCase(1, 10, TestName = "Delay grows from FirstDelay (attempt 1)")]
    [TestCase(3, 40, TestName = "Delay grows from FirstDelay (attempt 3)")]
    [TestCase(20, 1000, TestName = "Delay is capped by MaxDelay")]
    public void Delay_is_exponential_with_jitter_and_capped(int attempt, int fullMilliseconds)
    {
        var policy = new RetryPolicy { FirstDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(1) };

        var delays = Enumerable.Range(0, 50).Select(_ => policy.Delay(attempt, null).TotalMilliseconds).ToList();

        Assert.That(delays, Has.All.InRange(fullMilliseconds / 2.0, fullMilliseconds));
    }

    [TestCase(300, 300, TestName = "Delay takes Retry-After as is")]
    [TestCase(5000, 1000, TestName = "Delay caps Retry-After at MaxDelay")]
    [TestCase(-2000, 0, TestName = "Delay treats a Retry-After in the past as now")]
    public void Delay_follows_Retry_After(int requested, int expected)
    {
        var policy = new RetryPolicy { FirstDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(1) };

        Assert.That(policy.Delay(1, TimeSpan.FromMilliseconds(requested)), Is.EqualTo(TimeSpan.FromMilliseconds(expected)));
    }
}
