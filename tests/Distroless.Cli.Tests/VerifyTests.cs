using System.Text.Json;
using Distroless.Building;
using Distroless.Core.Tests.TestSupport;
using Distroless.Testing.Registry;

namespace Distroless.Cli.Tests;

/// <summary>
/// `distroless build` with a signing key (the password from the environment, as the MSBuild task
/// reads it), then `distroless verify` and `inspect` of the archive and of the pushed image:
/// exit 0 with the provenance summary when the key fits, exit 1 with a DSTL600x error otherwise.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class VerifyTests
{
    private const string Password = "cli-signing-pw";

    private TempDirectory _temp = null!;
    private FakeBookworm _archive = null!;
    private KeyPair _key = null!;
    private string _publicKey = null!;
    private string _plan = null!;
    private CliResult _build = null!;
    private string _signed = null!;

    [OneTimeSetUp]
    public async Task BuildSigned()
    {
        _temp = new TempDirectory();
        _archive = FakeBookworm.Create();
        _key = OpenSslKeys.Generate(_temp.Path, "ed25519", Password);
        _publicKey = _temp.Combine("signing.pub.pem");
        File.WriteAllText(_publicKey, _key.PublicKeyPem);
        _signed = _temp.Combine("out", "api.tar");
        _plan = PipelineTests.WritePlan(_temp, "plan.json", plan => plan with
        {
            Tags = ["1.0"],
            SupplyChain = new SupplyChainPlan { SigningKey = _key.PrivateKeyPath, Project = "Shop.Api.csproj", Configuration = "Release" },
        });
        var cli = Cli.In(_temp, _archive);
        cli.Environment["DISTROLESS_SIGNING_KEY_PASSWORD"] = Password;
        _build = await cli.RunAsync("build", "--plan", _plan);
    }

    [OneTimeTearDown]
    public void CleanUp() => _temp.Dispose();

    [Test]
    public async Task Verify_of_the_signed_archive_succeeds_and_summarizes_the_provenance()
    {
        Assert.That(_build.ExitCode, Is.Zero, _build.ToString());
        Assert.That(_build.Out, Does.Contain("signed with the Ed25519 key").And.Contain(", with provenance"));

        var result = await Cli.In(_temp).RunAsync("verify", _signed, "--key", _publicKey);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.Contain("verified with the Ed25519 key"));
        Assert.That(result.Out, Does.Contain("signature   ok").And.Contain("provenance  ok"));
        Assert.That(result.Out, Does.Contain("Shop.Api.csproj").And.Contain("Release").And.Contain("linux-x64"));
        Assert.That(result.Out, Does.Match(@"resolved\s+\d+ Debian packages, 1 NuGet package, 1 runtime pack, 3 signed Debian indexes"));
        Assert.That(_build.Error + result.Out + result.Error, Does.Not.Contain(Password).And.Not.Contain("PRIVATE KEY"));
    }

    [Test]
    public async Task Verify_with_another_key_fails_with_DSTL6008()
    {
        var other = _temp.Combine("other.pub.pem");
        File.WriteAllText(other, OpenSslKeys.Generate(_temp.Path, "ec").PublicKeyPem);

        var result = await Cli.In(_temp).RunAsync("verify", _signed, "--key", other);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.Contain("error DSTL6008"));
    }

    [Test]
    public async Task Verify_of_an_unsigned_archive_fails_with_DSTL6007()
    {
        var unsigned = TestImages.WriteArchive(_temp, "unsigned.tar");

        var result = await Cli.In(_temp).RunAsync("verify", unsigned, "--key", _publicKey);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.Contain("error DSTL6007"));
    }

    [Test]
    public async Task A_missing_public_key_is_DSTL6006_and_no_key_option_a_usage_error()
    {
        var missing = await Cli.In(_temp).RunAsync("verify", _signed, "--key", _temp.Combine("none.pem"));
        var noOption = await Cli.In(_temp).RunAsync("verify", _signed);

        Assert.Multiple(() =>
        {
            Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.Failed), missing.ToString());
            Assert.That(missing.Error, Does.Contain("error DSTL6006"));
            Assert.That(noOption.ExitCode, Is.EqualTo(ExitCodes.Usage), noOption.ToString());
        });
    }

    [Test]
    public async Task The_pushed_image_verifies_from_the_registry_and_inspect_lists_its_bundles()
    {
        using var temp = new TempDirectory();
        var registry = new InMemoryRegistry();

        var push = await Cli.In(temp, registry: registry).RunAsync("push", _signed, "registry.test/shop/api:1.0");
        var verify = await Cli.In(temp, registry: registry).RunAsync("verify", "registry.test/shop/api:1.0", "--key", _publicKey);
        var inspect = await Cli.In(temp, registry: registry).RunAsync("inspect", "registry.test/shop/api:1.0");
        var json = await Cli.In(temp, registry: registry).RunAsync("inspect", "registry.test/shop/api:1.0", "--json");

        Assert.Multiple(() =>
        {
            Assert.That(push.ExitCode, Is.Zero, push.ToString());
            Assert.That(push.Out, Does.Contain("2 referrer(s) attached"));
            Assert.That(verify.ExitCode, Is.Zero, verify.ToString());
            Assert.That(verify.Out, Does.Contain("provenance  ok"));
            Assert.That(inspect.Out, Does.Contain("signatures and attestations (2):"));
            Assert.That(inspect.Out, Does.Match(@"signature\s+sha256:\w+\s+.+https://sigstore\.dev/cosign/sign/v1\s+key \S+"));
            Assert.That(inspect.Out, Does.Match(@"provenance\s+sha256:\w+\s+.+https://slsa\.dev/provenance/v1"));
            var attestations = JsonDocument.Parse(json.Out).RootElement.GetProperty("images")[0].GetProperty("attestations");
            Assert.That(attestations.EnumerateArray().Select(a => a.GetProperty("kind").GetString()), Is.EqualTo(new[] { "provenance", "signature" }));
        });
    }

    [Test]
    public async Task Inspect_of_an_unsigned_archive_says_there_is_no_signature()
    {
        var result = await Cli.In(_temp).RunAsync("inspect", TestImages.WriteArchive(_temp, "plain.tar"));

        Assert.That(result.Out, Does.Contain("signatures: none"));
    }

    [Test]
    public async Task A_build_whose_key_password_is_wrong_fails_with_DSTL6004_and_writes_nothing()
    {
        using var temp = new TempDirectory();
        var plan = ImagePlan.FromJson(File.ReadAllText(_plan)) with { ArchivePath = temp.Combine("out", "api.tar") };
        var path = temp.Combine("plan.json");
        File.WriteAllText(path, plan.ToJson());
        var cli = Cli.In(temp, _archive);
        cli.Environment["DISTROLESS_SIGNING_KEY_PASSWORD"] = "wrong";

        var result = await cli.RunAsync("build", "--plan", path);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
            Assert.That(result.Error, Does.Contain("error DSTL6004").And.Contain("DISTROLESS_SIGNING_KEY_PASSWORD").And.Not.Contain("wrong"));
            Assert.That(Directory.Exists(temp.Combine("out")), Is.False);
        });
    }
}
