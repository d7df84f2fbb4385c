using System.Formats.Tar;
using System.Text;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// The console sample on Debian 13 (DistrolessDebianSuite=trixie): merged /usr (the top-level
/// directories are symlinks into /usr and no layer writes below them), os-release says 13, and
/// the app runs with time zones, certificates and cultures.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DebianTrixieTests
{
    private ImageArchive _image = null!;
    private Dictionary<string, string> _report = [];

    [OneTimeSetUp]
    public async Task PublishAndRunAsync()
    {
        (_image, var archive) = await SampleImages.PublishAsync(SampleProject.Create("trixie"), "trixie", "-r", "linux-x64", "-p:DistrolessDebianSuite=trixie");
        _report = await SampleImages.RunAsync(archive);
    }

    [Test]
    public void The_app_runs_with_time_zones_certificates_and_cultures()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_report["hello"], Is.EqualTo("Hello from a distroless image!"));
            Assert.That(_report["uid"], Is.EqualTo("65532"));
            Assert.That(_report["timezone"], Is.EqualTo("Europe/Berlin 01:00:00"));
            Assert.That(int.Parse(_report["root-certificates"]), Is.GreaterThan(100));
            Assert.That(_report["culture"], Is.EqualTo("de-DE Freitag, 1. März 2024 1.234.567,89"));
        });
    }

    [Test]
    public void Usr_is_merged_and_no_layer_writes_below_a_top_level_symlink()
    {
        string[] merged = ["bin", "lib", "lib64", "sbin"];
        var writes = _image.LayerDigests.SelectMany(d => _image.LayerEntries(d)).Select(e => e.Path).ToList();
        var fs = _image.FileSystem();

        Assert.Multiple(() =>
        {
            foreach (var directory in merged.Where(d => d != "lib64" || fs.ContainsKey(d)))
            {
                Assert.That(fs[directory].Type, Is.EqualTo(TarEntryType.SymbolicLink), directory);
                Assert.That(fs[directory].LinkName, Is.EqualTo("usr/" + directory), directory);
            }

            Assert.That(writes.Where(p => merged.Any(d => p.StartsWith(d + "/", StringComparison.Ordinal))), Is.Empty);
        });
    }

    [Test]
    public void Os_release_says_Debian_13_and_the_packages_are_trixie_ones()
    {
        var osRelease = Encoding.UTF8.GetString(_image.FileContents(p => p == "usr/lib/os-release").Single().Value);
        Assert.Multiple(() =>
        {
            Assert.That(osRelease, Does.Contain("VERSION_ID=\"13\"").And.Match("(^|\n)ID=\"?debian\"?\n"));
            Assert.That(ImageFacts.DebianPackages(_image), Does.Contain("libicu76").And.Contain("libssl3t64").And.Contain("gcc-14-base"));
        });
    }
}
