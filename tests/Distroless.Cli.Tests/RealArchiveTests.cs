using System.Text.Json;
using Distroless.Building;

namespace Distroless.Cli.Tests;

/// <summary>
/// The one path the fakes cannot stand in for: `distroless base` against the real Debian mirror,
/// found as the product finds it (DISTROLESS_DEBIAN_MIRROR / _SECURITY_MIRROR, else the apt
/// sources), with the shipped Debian keys, read back by skopeo as an independent client.
/// </summary>
[Category("Integration")]
public sealed class RealArchiveTests
{
    [Test]
    [CancelAfter(300_000)]
    public async Task Base_from_the_real_mirror_is_an_archive_skopeo_reads()
    {
        if (!ExternalTool.Exists("skopeo"))
        {
            Assert.Ignore("skopeo is not installed (build/install-prerequisites installs it)");
        }

        using var temp = new TempDirectory();
        var cli = Cli.In(temp) with { AptDirectory = "/etc/apt" };
        foreach (var name in new[] { HostDefaults.MirrorVariable, HostDefaults.SecurityMirrorVariable })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                cli.Environment[name] = value;
            }
        }

        var output = temp.Combine("base.tar");
        var result = await cli.RunAsync("base", "--rid", "linux-x64", "--flavor", "aot", "--archive", output);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var skopeo = await ProcessRunner.RunAsync("skopeo", ["inspect", "oci-archive:" + output], timeout: TimeSpan.FromMinutes(1));
        Assert.That(skopeo.ExitCode, Is.Zero, skopeo.All);
        using var inspected = JsonDocument.Parse(skopeo.Output);
        Assert.That(inspected.RootElement.GetProperty("Architecture").GetString(), Is.EqualTo("amd64"));
        Assert.That(inspected.RootElement.GetProperty("Layers").GetArrayLength(), Is.GreaterThanOrEqualTo(8));
        Assert.That(result.Out, Does.Contain($"({inspected.RootElement.GetProperty("Digest").GetString()})"), "skopeo sees the digest the command printed");
    }
}
