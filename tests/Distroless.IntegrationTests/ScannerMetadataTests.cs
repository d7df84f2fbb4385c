using System.Text;
using System.Text.Json;
using Distroless.Core.Tests.Sbom;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// What vulnerability scanners and auditors read, checked with real tools: dpkg-query reads the
/// image's dpkg records (status.d, as Trivy, Grype and Syft do) and finds every package
/// installed; md5sum verifies every file the records list against the unpacked image; the SBOMs
/// beside the archive list the same Debian packages at the same versions, the NuGet package
/// and the .NET runtime.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ScannerMetadataTests
{
    private ImageArchive _image = null!;
    private string _rootfs = "";
    private string _archive = "";
    private Dictionary<string, string> _statusVersions = [];

    [OneTimeSetUp]
    public async Task PublishAndUnpackAsync()
    {
        (_image, _archive) = await SampleImages.PublishAsync(SampleProject.Create("scan"), "scan", "-r", "linux-x64");

        var layout = TestEnvironment.NewTempDirectory("scan-layout");
        await ProcessRunner.RunCheckedAsync("tar", ["-xf", _archive, "-C", layout]);
        var bundle = Path.Combine(TestEnvironment.NewTempDirectory("scan-bundle"), "b");
        await ProcessRunner.RunCheckedAsync("umoci", ["unpack", "--rootless", "--image", layout + ":latest", bundle]);
        _rootfs = Path.Combine(bundle, "rootfs");

        _statusVersions = Directory.GetFiles(Path.Combine(_rootfs, "var/lib/dpkg/status.d"))
            .Where(f => !f.EndsWith(".md5sums", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), f => File.ReadLines(f).First(l => l.StartsWith("Version: ", StringComparison.Ordinal))["Version: ".Length..]);
    }

    [Test]
    public async Task Dpkg_query_reads_every_package_as_installed()
    {
        // dpkg keeps one status file; scanners read status.d's stanzas the same way.
        var admin = TestEnvironment.NewTempDirectory("dpkg-admin");
        var stanzas = Directory.GetFiles(Path.Combine(_rootfs, "var/lib/dpkg/status.d"))
            .Where(f => !f.EndsWith(".md5sums", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => File.ReadAllText(f).TrimEnd('\n') + "\n");
        await File.WriteAllTextAsync(Path.Combine(admin, "status"), string.Join("\n", stanzas));
        Directory.CreateDirectory(Path.Combine(admin, "info"));
        await File.WriteAllTextAsync(Path.Combine(admin, "available"), "");

        var query = await ProcessRunner.RunCheckedAsync("dpkg-query", ["--admindir=" + admin, "-W", "-f=${Package}\t${Version}\t${db:Status-Abbrev}\n"]);
        var rows = query.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => r[0]), Is.EquivalentTo(ImageFacts.DebianPackages(_image)));
            Assert.That(rows.Where(r => r[2].Trim() != "ii").Select(r => r[0]), Is.Empty, "every package installed (ii)");
            Assert.That(rows.ToDictionary(r => r[0], r => r[1]), Is.EquivalentTo(_statusVersions));
        });
    }

    [Test]
    public async Task Md5sum_verifies_every_file_the_dpkg_records_list()
    {
        var lists = Directory.GetFiles(Path.Combine(_rootfs, "var/lib/dpkg/status.d"), "*.md5sums");
        var failures = new List<string>();
        foreach (var list in lists)
        {
            var check = await ProcessRunner.RunAsync("md5sum", ["--check", "--quiet", list], workingDirectory: _rootfs);
            if (check.ExitCode != 0)
            {
                failures.Add($"{Path.GetFileName(list)}: {check.All.Trim()}");
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(lists, Has.Length.EqualTo(_statusVersions.Count), "one md5sums per package");
            Assert.That(failures, Is.Empty);
        });
    }

    [Test]
    public void The_SBOMs_of_the_real_image_validate_against_the_SPDX_and_CycloneDX_schemas()
    {
        var stem = Path.Combine(Path.GetDirectoryName(_archive)!, "scan");
        Assert.Multiple(() =>
        {
            Assert.That(SbomSchemas.Errors(SbomSchemas.Spdx, File.ReadAllBytes(stem + ".spdx.json")), Is.Empty, "SPDX 2.3");
            Assert.That(SbomSchemas.Errors(SbomSchemas.CycloneDx, File.ReadAllBytes(stem + ".cdx.json")), Is.Empty, "CycloneDX 1.6");
        });
    }

    [Test]
    public void The_SBOMs_list_the_Debian_packages_at_their_versions_the_NuGet_package_and_the_runtime()
    {
        var stem = Path.Combine(Path.GetDirectoryName(_archive)!, "scan");
        var spdx = JsonDocument.Parse(File.ReadAllBytes(stem + ".spdx.json")).RootElement;
        var cyclone = JsonDocument.Parse(File.ReadAllBytes(stem + ".cdx.json")).RootElement;
        var spdxPurls = spdx.GetProperty("packages").EnumerateArray()
            .SelectMany(p => p.TryGetProperty("externalRefs", out var refs) ? refs.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(r => r.GetProperty("referenceType").GetString() == "purl")
            .Select(r => r.GetProperty("referenceLocator").GetString()!)
            .ToList();
        var cyclonePurls = cyclone.GetProperty("components").EnumerateArray()
            .Where(c => c.TryGetProperty("purl", out _)).Select(c => c.GetProperty("purl").GetString()!).ToList();
        var expectedDebian = _statusVersions.Select(kv => $"pkg:deb/debian/{Uri.EscapeDataString(kv.Key)}@{Uri.EscapeDataString(kv.Value)}?arch=").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(spdx.GetProperty("spdxVersion").GetString(), Is.EqualTo("SPDX-2.3"));
            Assert.That(cyclone.GetProperty("specVersion").GetString(), Is.EqualTo("1.6"));
            foreach (var purls in new[] { spdxPurls, cyclonePurls })
            {
                Assert.That(expectedDebian.Where(e => !purls.Any(p => p.StartsWith(e, StringComparison.Ordinal))), Is.Empty, "every Debian package at its version");
                Assert.That(purls.Count(p => p.StartsWith("pkg:deb/", StringComparison.Ordinal)), Is.EqualTo(_statusVersions.Count), "and no other");
                Assert.That(purls, Has.Some.StartsWith("pkg:nuget/Newtonsoft.Json@13."));
                Assert.That(purls, Has.Some.StartsWith("pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10."));
            }

            Assert.That(Encoding.UTF8.GetString(File.ReadAllBytes(stem + ".spdx.json")), Does.Contain(_image.ManifestDigest["sha256:".Length..]),
                "the SBOM names the image it describes");
        });
    }
}
