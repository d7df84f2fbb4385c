using System.Text;
using System.Text.Json;
using Distroless.Diagnostics;
using Distroless.Registry.Auth;
using Distroless.Testing;
using Distroless.Testing.Registry;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// Where credentials come from, in the .NET SDK's order: environment variables, then the auth
/// files podman and docker write. The environment is a dictionary and the home directory a
/// temporary one, so nothing here reads the machine's real credentials.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class CredentialStoreTests
{
    private const string Registry = "registry.example";

    /// <summary>A sandbox: a temporary home, an environment, credential helpers.</summary>
    private sealed class Sandbox : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

        public FakeCredentialHelperRunner Helpers { get; } = new();

        public CapturingLogger Logger { get; } = new();

        public string Home => _temp.Combine("home");

        public string Path(params string[] parts) => _temp.Combine(parts);

        public CredentialStore Store() => new(name => Environment.GetValueOrDefault(name), Home, Helpers, Logger);

        public Task<RegistryCredential?> GetAsync(string registry = Registry, bool push = true) => Store().GetAsync(registry, push);

        public void Variables(string prefix, string user)
        {
            Environment[prefix + "_UNAME"] = user;
            Environment[prefix + "_PWORD"] = "secret-of-" + user;
        }

        /// <summary>Writes an auth file whose entry for <paramref name="key"/> logs in as <paramref name="user"/>.</summary>
        public string AuthFile(string path, string user, string key = Registry) => Write(path, new Dictionary<string, object>
        {
            ["auths"] = new Dictionary<string, object> { [key] = new { auth = Basic(user, "secret-of-" + user) } },
        });

        public string Write(string path, object content)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content as string ?? JsonSerializer.Serialize(content));
            return path;
        }

        public void Dispose() => _temp.Dispose();
    }

    private static string Basic(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static readonly string[] Sources =
        ["push-vars", "generic-vars", "legacy-vars", "registry-auth-file", "xdg-runtime", "xdg-config", "docker-config", "home-docker"];

    /// <summary>Puts credentials for a user named after each listed source where that source is read.</summary>
    private static void Arrange(Sandbox box, IEnumerable<string> sources)
    {
        foreach (var source in sources)
        {
            switch (source)
            {
                case "push-vars": box.Variables("DOTNET_CONTAINER_PUSH_REGISTRY", source); break;
                case "generic-vars": box.Variables("DOTNET_CONTAINER_REGISTRY", source); break;
                case "legacy-vars": box.Variables("SDK_CONTAINER_REGISTRY", source); break;
                case "registry-auth-file": box.Environment["REGISTRY_AUTH_FILE"] = box.AuthFile(box.Path("explicit", "auth.json"), source); break;
                case "xdg-runtime":
                    box.Environment["XDG_RUNTIME_DIR"] = box.Path("run");
                    box.AuthFile(box.Path("run", "containers", "auth.json"), source);
                    break;
                case "xdg-config": box.AuthFile(System.IO.Path.Combine(box.Home, ".config", "containers", "auth.json"), source); break;
                case "docker-config":
                    box.Environment["DOCKER_CONFIG"] = box.Path("docker-config");
                    box.AuthFile(box.Path("docker-config", "config.json"), source);
                    break;
                case "home-docker": box.AuthFile(System.IO.Path.Combine(box.Home, ".docker", "config.json"), source); break;
                default: throw new ArgumentException(source);
            }
        }
    }

    private static IEnumerable<TestCaseData> Precedence()
    {
        for (var i = 0; i < Sources.Length; i++)
        {
            yield return new TestCaseData(Sources[i..], Sources[i]).SetName($"{Sources[i]} wins over everything after it");
        }
    }

    [TestCaseSource(nameof(Precedence))]
    public async Task Sources_are_read_in_the_SDK_order(string[] present, string winner)
    {
        using var box = new Sandbox();
        Arrange(box, present);

        var credential = await box.GetAsync();

        Assert.That(credential?.Username, Is.EqualTo(winner));
        Assert.That(credential!.Secret, Is.EqualTo("secret-of-" + winner));
    }

    [Test]
    public async Task Pulls_use_the_pull_variables_and_never_the_push_ones()
    {
        using var box = new Sandbox();
        Arrange(box, ["push-vars", "generic-vars"]);
        box.Variables("DOTNET_CONTAINER_PULL_REGISTRY", "pull-vars");

        Assert.That((await box.GetAsync(push: false))?.Username, Is.EqualTo("pull-vars"));
        Assert.That((await box.GetAsync(push: true))?.Username, Is.EqualTo("push-vars"));
        box.Environment.Remove("DOTNET_CONTAINER_PULL_REGISTRY_UNAME");
        Assert.That((await box.GetAsync(push: false))?.Username, Is.EqualTo("generic-vars"));
    }

    [Test]
    public async Task A_user_name_without_a_password_is_not_a_credential()
    {
        using var box = new Sandbox();
        box.Environment["DOTNET_CONTAINER_REGISTRY_UNAME"] = "half";
        Arrange(box, ["legacy-vars"]);

        Assert.That((await box.GetAsync())?.Username, Is.EqualTo("legacy-vars"));
    }

    [Test]
    public async Task Nothing_anywhere_means_anonymous()
    {
        using var box = new Sandbox();

        Assert.That(await box.GetAsync(), Is.Null);
    }

    [Test]
    public async Task A_file_that_is_not_JSON_is_skipped_for_the_next()
    {
        using var box = new Sandbox();
        box.Environment["REGISTRY_AUTH_FILE"] = box.Write(box.Path("broken.json"), "{ not json");
        Arrange(box, ["home-docker"]);

        Assert.That((await box.GetAsync())?.Username, Is.EqualTo("home-docker"));
        Assert.That(box.Logger.Lines, Has.Some.Contains("broken.json"));
    }

    [Test]
    public async Task A_file_without_an_entry_for_the_registry_is_skipped_for_the_next()
    {
        using var box = new Sandbox();
        box.Environment["REGISTRY_AUTH_FILE"] = box.AuthFile(box.Path("other.json"), "other", key: "other.example");
        Arrange(box, ["home-docker"]);

        Assert.That((await box.GetAsync())?.Username, Is.EqualTo("home-docker"));
    }

    // In a file: credHelpers, then credsStore, then auths, as docker does (once a store is
    // configured, auths holds only placeholders or stale leftovers).
    private static IEnumerable<TestCaseData> InAFile()
    {
        yield return new TestCaseData(true, true, true, "from-credhelper").SetName("credHelpers beats auths and credsStore");
        yield return new TestCaseData(false, true, true, "from-store").SetName("credsStore beats auths, as in docker");
        yield return new TestCaseData(false, false, true, "from-store").SetName("credsStore when nothing else names the registry");
        yield return new TestCaseData(true, false, false, "from-credhelper").SetName("credHelpers alone");
    }

    [TestCaseSource(nameof(InAFile))]
    public async Task Within_a_file(bool credHelper, bool auths, bool credsStore, string winner)
    {
        using var box = new Sandbox();
        box.Helpers.Returns("gh", Registry, "from-credhelper", "s1").Returns("desktop", Registry, "from-store", "s2");
        var config = new Dictionary<string, object>();
        if (credHelper)
        {
            config["credHelpers"] = new Dictionary<string, string> { [Registry] = "gh" };
        }

        if (auths)
        {
            config["auths"] = new Dictionary<string, object> { [Registry] = new { auth = Basic("from-auths", "s3") } };
        }

        if (credsStore)
        {
            config["credsStore"] = "desktop";
        }

        box.Write(System.IO.Path.Combine(box.Home, ".docker", "config.json"), config);

        Assert.That((await box.GetAsync())?.Username, Is.EqualTo(winner));
    }

    [Test]
    public async Task A_helper_that_has_nothing_falls_through_to_auths_then_the_store_then_the_next_file()
    {
        using var box = new Sandbox();
        box.Environment["REGISTRY_AUTH_FILE"] = box.Write(box.Path("first.json"), new Dictionary<string, object>
        {
            ["credHelpers"] = new Dictionary<string, string> { [Registry] = "empty" },
            ["auths"] = new Dictionary<string, object> { [Registry] = new { } }, // what docker login writes beside a store
            ["credsStore"] = "also-empty",
        });
        Arrange(box, ["home-docker"]);

        var credential = await box.GetAsync();

        Assert.That(credential?.Username, Is.EqualTo("home-docker"));
        Assert.That(box.Helpers.Calls, Is.EqualTo(new[] { ("empty", Registry), ("also-empty", Registry) }));
    }

    [Test]
    public async Task An_empty_auths_entry_beside_a_store_uses_the_store()
    {
        using var box = new Sandbox();
        box.Helpers.Returns("desktop", Registry, "from-store", "s");
        box.Write(System.IO.Path.Combine(box.Home, ".docker", "config.json"), new Dictionary<string, object>
        {
            ["auths"] = new Dictionary<string, object> { [Registry] = new { } },
            ["credsStore"] = "desktop",
        });

        Assert.That((await box.GetAsync())?.Username, Is.EqualTo("from-store"));
    }

    [Test]
    public async Task A_failing_helper_is_DSTL5008_and_stops_the_search()
    {
        using var box = new Sandbox();
        box.Helpers.Throws("broken", Registry, () => Errors.CredentialHelperFailed("docker-credential-broken", Registry, "exit code 1: boom"));
        box.Environment["REGISTRY_AUTH_FILE"] = box.Write(box.Path("first.json"), new Dictionary<string, object>
        {
            ["credHelpers"] = new Dictionary<string, string> { [Registry] = "broken" },
        });
        Arrange(box, ["home-docker"]);

        var error = RegistryTestKit.Fails(() => box.GetAsync());

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.CredentialHelperFailed));
        Assert.That(error.Message, Does.Contain("docker-credential-broken"));
    }

    [Test]
    public void A_helper_program_that_does_not_exist_is_DSTL5008()
    {
        var error = RegistryTestKit.Fails(() => new ProcessCredentialHelperRunner().GetAsync("distroless-test-no-such-helper", Registry, CancellationToken.None));

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.CredentialHelperFailed));
        Assert.That(error.Message, Does.Contain("docker-credential-distroless-test-no-such-helper").And.Contain("cannot be started"));
    }

    [TestCase("docker.io", "https://index.docker.io/v1/", TestName = "docker.io finds the https://index.docker.io/v1/ key")]
    [TestCase("registry-1.docker.io", "https://index.docker.io/v1/", TestName = "registry-1.docker.io finds the https://index.docker.io/v1/ key")]
    [TestCase("docker.io", "index.docker.io", TestName = "docker.io finds the index.docker.io key")]
    [TestCase("index.docker.io", "docker.io", TestName = "index.docker.io finds the docker.io key")]
    [TestCase("registry.example", "https://registry.example", TestName = "a key with a scheme")]
    [TestCase("registry.example", "registry.example/v2/", TestName = "a key with a path")]
    [TestCase("registry.example", "HTTPS://REGISTRY.EXAMPLE/", TestName = "a key in uppercase")]
    [TestCase("localhost:5000", "http://localhost:5000", TestName = "a key with a port")]
    public async Task Auth_keys_match_by_host(string registry, string key)
    {
        using var box = new Sandbox();
        box.AuthFile(System.IO.Path.Combine(box.Home, ".docker", "config.json"), "found", key);

        Assert.That((await box.GetAsync(registry))?.Username, Is.EqualTo("found"));
    }

    [Test]
    public async Task Another_registry_on_the_same_host_is_not_matched_by_port()
    {
        using var box = new Sandbox();
        box.AuthFile(System.IO.Path.Combine(box.Home, ".docker", "config.json"), "found", "localhost:5000");

        Assert.That(await box.GetAsync("localhost:5001"), Is.Null);
    }

    [TestCase("docker.io", "https://index.docker.io/v1/")]
    [TestCase("registry-1.docker.io", "https://index.docker.io/v1/")]
    [TestCase("registry.example", "registry.example")]
    public async Task Helpers_are_asked_for_Docker_Hub_by_its_historical_URL(string registry, string serverUrl)
    {
        using var box = new Sandbox();
        box.Helpers.Returns("desktop", serverUrl, "from-store", "s");
        box.Write(System.IO.Path.Combine(box.Home, ".docker", "config.json"), new { credsStore = "desktop" });

        Assert.That((await box.GetAsync(registry))?.Username, Is.EqualTo("from-store"));
        Assert.That(box.Helpers.Calls, Is.EqualTo(new[] { ("desktop", serverUrl) }));
    }

    [Test]
    public async Task An_identity_token_becomes_the_user_token()
    {
        using var box = new Sandbox();
        box.Write(System.IO.Path.Combine(box.Home, ".docker", "config.json"), new
        {
            auths = new Dictionary<string, object> { [Registry] = new { auth = Basic("someone", "pw"), identitytoken = "refresh-me" } },
        });

        var credential = (await box.GetAsync())!;

        Assert.Multiple(() =>
        {
            Assert.That(credential.Username, Is.EqualTo("<token>"));
            Assert.That(credential.Secret, Is.EqualTo("refresh-me"));
            Assert.That(credential.IsIdentityToken, Is.True);
        });
    }

    [TestCase("not base64!", TestName = "an auth that is not base64 is skipped")]
    [TestCase("bm9jb2xvbg==", TestName = "an auth without a colon is skipped")]
    public async Task A_bad_auth_entry_is_skipped(string auth)
    {
        using var box = new Sandbox();
        box.Environment["REGISTRY_AUTH_FILE"] = box.Write(box.Path("bad.json"), new { auths = new Dictionary<string, object> { [Registry] = new { auth } } });
        Arrange(box, ["home-docker"]);

        Assert.That((await box.GetAsync())?.Username, Is.EqualTo("home-docker"));
    }

    [Test]
    public async Task The_secret_never_appears_in_ToString_or_the_log()
    {
        using var box = new Sandbox();
        Arrange(box, ["generic-vars"]);

        var credential = (await box.GetAsync())!;

        Assert.Multiple(() =>
        {
            Assert.That(credential.ToString(), Does.Not.Contain(credential.Secret));
            Assert.That(credential.ToString(), Does.Contain("generic-vars").And.Contain("DOTNET_CONTAINER_REGISTRY"));
            Assert.That(box.Logger.Lines, Has.Some.Contains("generic-vars"));
            Assert.That(box.Logger.Lines, Has.None.Contains(credential.Secret));
            Assert.That(Encoding.UTF8.GetString(Convert.FromBase64String(credential.BasicHeaderValue)), Is.EqualTo("generic-vars:secret-of-generic-vars"));
        });
    }

    [Test]
    public async Task The_anonymous_store_never_has_credentials()
        => Assert.That(await CredentialStore.Anonymous(new CapturingLogger()).GetAsync(Registry, push: true), Is.Null);

    [Test]
    public void AuthFiles_lists_the_files_in_order()
    {
        using var box = new Sandbox();
        box.Environment["REGISTRY_AUTH_FILE"] = "/x/auth.json";
        box.Environment["XDG_RUNTIME_DIR"] = "/run/user/1000";
        box.Environment["XDG_CONFIG_HOME"] = "/cfg";
        box.Environment["DOCKER_CONFIG"] = "/dc";

        Assert.That(box.Store().AuthFiles(), Is.EqualTo(new[]
        {
            "/x/auth.json", "/run/user/1000/containers/auth.json", "/cfg/containers/auth.json", "/dc/config.json",
        }));
        box.Environment.Clear();
        Assert.That(box.Store().AuthFiles(), Is.EqualTo(new[]
        {
            System.IO.Path.Combine(box.Home, ".config", "containers", "auth.json"), System.IO.Path.Combine(box.Home, ".docker", "config.json"),
        }));
    }
}
