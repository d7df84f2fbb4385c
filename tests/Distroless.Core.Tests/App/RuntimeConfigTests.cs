using Distroless.App;
using Distroless.Diagnostics;
using Distroless.Testing;

namespace Distroless.Core.Tests.App;

[Parallelizable(ParallelScope.All)]
public sealed class RuntimeConfigTests
{
    private static string Write(TempDirectory dir, string json)
    {
        var path = dir.Combine("app.runtimeconfig.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Test]
    public void A_console_app_names_one_framework_and_a_web_app_its_list()
    {
        using var dir = new TempDirectory();
        var console = RuntimeConfig.ReadFrameworks(Write(dir,
            """{"runtimeOptions":{"tfm":"net10.0","framework":{"name":"Microsoft.NETCore.App","version":"10.0.0"}}}"""));
        var web = RuntimeConfig.ReadFrameworks(Write(dir,
            """{"runtimeOptions":{"frameworks":[{"name":"Microsoft.NETCore.App","version":"10.0.0"},{"name":"Microsoft.AspNetCore.App","version":"10.0.0"}]}}"""));

        Assert.Multiple(() =>
        {
            Assert.That(console, Is.EqualTo(new[] { ("Microsoft.NETCore.App", "10.0.0") }));
            Assert.That(web.Select(f => f.Name), Is.EqualTo(new[] { "Microsoft.NETCore.App", "Microsoft.AspNetCore.App" }));
        });
    }

    [TestCase("""{"runtimeOptions":{"tfm":"net10.0"}}""", TestName = "no framework at all")]
    [TestCase("""{"runtimeOptions":{"framework":{"name":null,"version":"10.0.0"}}}""", TestName = "a framework without a name")]
    [TestCase("""{"runtimeOptions":""", TestName = "truncated JSON")]
    [TestCase("""{}""", TestName = "no runtimeOptions")]
    public void A_config_that_names_no_usable_framework_is_DSTL3002(string json)
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<DistrolessException>(() => RuntimeConfig.ReadFrameworks(Write(dir, json)))!;

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.MalformedAppManifest));
    }

    [Test]
    public void A_missing_config_is_DSTL3001()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<DistrolessException>(() => RuntimeConfig.ReadFrameworks(dir.Combine("gone.runtimeconfig.json")))!;

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.PublishOutputMissing));
    }
}
