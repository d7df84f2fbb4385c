using Distroless.Diagnostics;
using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// Pushes to a registry with token auth (the Docker token spec, tokens from the issuer hosted in
/// the test process): the whole push, parallel uploads included, runs on one token; a wrong
/// password ends in DSTL5001. Core <see cref="Building.Containerizer"/> pushes with the
/// credentials in the SDK's environment variables.
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class TokenAuthTests
{
    private const string User = "token-user";
    private const string Password = "Token-Pa55word-9902";

    [Test]
    public async Task A_push_runs_on_one_token_shared_by_the_parallel_uploads()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartTokenAuthAsync(User, Password, temp.Path);
        await using var proxy = await RegistryProxy.StartAsync(registry);
        var issuer = registry.TokenIssuer!;
        var sample = await SharedSample.OriginalAsync();

        var result = await CoreBuild.RunAsync(sample.PushPlan(proxy.Host, "shop/api", "1.4.2", "latest"), temp.Path, Credentials(Password));

        Assert.Multiple(() =>
        {
            Assert.That(result.Push!.BlobsUploaded, Is.EqualTo(sample.LayerDigests.Count + 1));
            Assert.That(proxy.MaxConcurrentRequests, Is.GreaterThan(1), "the uploads ran in parallel");
            Assert.That(issuer.TokenRequestCount, Is.EqualTo(1), string.Join("\n", issuer.Requests));
            Assert.That(issuer.Requests, Has.Count.EqualTo(1), "no refused token request either");
            Assert.That(issuer.Requests[0].GrantType, Is.EqualTo("basic"));
            Assert.That(issuer.Requests[0].Scopes, Is.EqualTo(new[] { "repository:shop/api:pull,push" }));
            Assert.That(proxy.Requests.Count(r => r.Status == 401), Is.EqualTo(1), "only the version check is challenged");
        });

        // The image is there, for a client with the same credentials.
        var inspect = await new Skopeo(temp.Path).InspectAsync("docker://" + registry.Reference("shop/api", "latest"), "--tls-verify=false",
            "--creds", $"{User}:{Password}");
        Assert.That(inspect.ExitCode, Is.Zero, inspect.All);
        using var json = System.Text.Json.JsonDocument.Parse(inspect.Output);
        Assert.That(json.RootElement.GetProperty("Digest").GetString(), Is.EqualTo(sample.Digest));
    }

    [Test]
    public async Task A_wrong_password_fails_with_DSTL5001_naming_the_registry()
    {
        const string wrong = "Not-The-Token-Password";
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartTokenAuthAsync(User, Password, temp.Path);
        var sample = await SharedSample.OriginalAsync();

        var error = Assert.ThrowsAsync<DistrolessException>(() =>
            CoreBuild.RunAsync(sample.PushPlan(registry.Host, "shop/api", "1"), temp.Path, Credentials(wrong)));

        TestContext.Out.WriteLine(error!.Message);
        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.RegistryAuthenticationFailed));
            Assert.That(error.Message, Does.Contain(registry.Host));
            Assert.That(error.Message, Does.Contain("token service"));
            Assert.That(error.Message, Does.Not.Contain(wrong));
            Assert.That(registry.TokenIssuer!.TokenRequestCount, Is.Zero);
            Assert.That(registry.TokenIssuer.Requests.Select(r => r.Status), Is.All.EqualTo(401));
        });
    }

    private static Dictionary<string, string> Credentials(string password) => new()
    {
        ["DOTNET_CONTAINER_REGISTRY_UNAME"] = User,
        ["DOTNET_CONTAINER_REGISTRY_PWORD"] = password,
    };
}
