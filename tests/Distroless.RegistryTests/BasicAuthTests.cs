using System.Text;
using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>
/// `dotnet publish` to a registry with htpasswd basic auth, with the credentials where users
/// keep them: the .NET SDK's environment variables, docker's config.json (auths, found through
/// DOCKER_CONFIG), and a credential helper named in credHelpers. A wrong password fails with
/// DSTL5001 naming the registry, and the password is printed nowhere.
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class BasicAuthTests
{
    private const string User = "pusher";
    private const string Password = "Basic-Pa55word-7731";

    [Test]
    public async Task Credentials_from_the_sdk_environment_variables_push()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartBasicAuthAsync(User, Password, temp.Path);

        var publish = await SharedSample.PublishAsync(temp.Path, new Dictionary<string, string>
        {
            ["DOTNET_CONTAINER_REGISTRY_UNAME"] = User,
            ["DOTNET_CONTAINER_REGISTRY_PWORD"] = Password,
        }, "-p:ContainerRegistry=" + registry.Host, "-p:ContainerRepository=shop/api", "-p:ContainerImageTag=1.0");

        Assert.That(publish.ExitCode, Is.Zero, publish.All + registry.Log);
        await AssertPushedAsync(temp, registry, SharedSample.DigestOf(publish));
    }

    [Test]
    public async Task A_wrong_password_fails_with_DSTL5001_naming_the_registry_and_the_password_is_printed_nowhere()
    {
        const string wrong = "Wr0ng-Secret-Value-4242";
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartBasicAuthAsync(User, Password, temp.Path);

        // -v:detailed shows the task's debug lines too: nothing there may carry the secret either.
        var publish = await SharedSample.PublishAsync(temp.Path, new Dictionary<string, string>
        {
            ["DOTNET_CONTAINER_REGISTRY_UNAME"] = User,
            ["DOTNET_CONTAINER_REGISTRY_PWORD"] = wrong,
        }, "-p:ContainerRegistry=" + registry.Host, "-p:ContainerRepository=shop/api", "-v:detailed");
        var plan = await File.ReadAllTextAsync(await SharedSample.PlanFileAsync());

        var error = publish.Output.Split('\n').FirstOrDefault(l => l.Contains("error DSTL", StringComparison.Ordinal)) ?? "";
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{wrong}"));
        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Not.Zero);
            Assert.That(SharedSample.ErrorCodes(publish), Is.EqualTo(new[] { "DSTL5001" }), publish.All);
            Assert.That(error, Does.Contain(registry.Host));
            Assert.That(error, Does.Contain("DOTNET_CONTAINER_REGISTRY_UNAME"), "the message says where the credentials came from");
            Assert.That(plan, Does.Contain(registry.Host), "the plan file is the one of this publish");
            foreach (var (what, text) in new[] { ("stdout", publish.Output), ("stderr", publish.Error), ("plan file", plan) })
            {
                Assert.That(text, Does.Not.Contain(wrong), what);
                Assert.That(text, Does.Not.Contain(encoded), what + " (base64)");
            }
        });
    }

    [Test]
    public async Task Credentials_from_the_auths_of_a_docker_config_push()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartBasicAuthAsync(User, Password, temp.Path);
        var dockerConfig = new ContainerAuthFile().WithAuth(registry.Host, User, Password).WriteDockerConfig(temp.Combine("docker"));

        var publish = await SharedSample.PublishAsync(temp.Path, new Dictionary<string, string> { ["DOCKER_CONFIG"] = dockerConfig },
            "-p:ContainerRegistry=" + registry.Host, "-p:ContainerRepository=shop/api", "-p:ContainerImageTag=1.0", "-v:normal");

        Assert.That(publish.ExitCode, Is.Zero, publish.All + registry.Log);
        Assert.That(publish.Output, Does.Contain($"Using credentials for {User} from {Path.Combine(dockerConfig, "config.json")}"));
        await AssertPushedAsync(temp, registry, SharedSample.DigestOf(publish));
    }

    [Test]
    public async Task Credentials_from_a_credential_helper_in_cred_helpers_push()
    {
        using var temp = new TempDirectory("distroless-registry-test-");
        await using var registry = await DistributionRegistry.StartBasicAuthAsync(User, Password, temp.Path);
        var helper = CredentialHelperScript.Create(temp.Path, new Dictionary<string, (string, string)> { [registry.Host] = (User, Password) });
        var dockerConfig = new ContainerAuthFile().WithCredHelper(registry.Host, helper.Name).WriteDockerConfig(temp.Combine("docker"));

        var publish = await SharedSample.PublishAsync(temp.Path, new Dictionary<string, string>
        {
            ["DOCKER_CONFIG"] = dockerConfig,
            ["PATH"] = helper.PathWithHelper(),
        }, "-p:ContainerRegistry=" + registry.Host, "-p:ContainerRepository=shop/api", "-p:ContainerImageTag=1.0");

        Assert.That(publish.ExitCode, Is.Zero, publish.All + registry.Log);
        Assert.That(helper.Calls(), Is.EqualTo(new[] { new CredentialHelperCall("get", registry.Host) }),
            "one `get` for the registry, with its host as the server URL");
        await AssertPushedAsync(temp, registry, SharedSample.DigestOf(publish));
    }

    private static async Task AssertPushedAsync(TempDirectory temp, DistributionRegistry registry, string digest)
    {
        var inspect = await new Skopeo(temp.Path).InspectAsync("docker://" + registry.Reference("shop/api", "1.0"), "--tls-verify=false",
            "--creds", $"{User}:{Password}");
        Assert.That(inspect.ExitCode, Is.Zero, inspect.All);
        using var json = System.Text.Json.JsonDocument.Parse(inspect.Output);
        Assert.That(json.RootElement.GetProperty("Digest").GetString(), Is.EqualTo(digest));
    }
}
