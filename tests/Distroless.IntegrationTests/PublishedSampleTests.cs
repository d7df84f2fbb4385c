using System.Formats.Tar;
using System.Text.Json;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// Publishes the sample once per mode for linux-x64 — framework-dependent (the .NET default for
/// `dotnet publish -r`, the runtime comes from the runtime pack) and self-contained — from the
/// live Debian archive with an empty cache, and checks the archive with podman, skopeo and umoci.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
[Category("Integration")]
public sealed class PublishedSampleTests(bool selfContained)
{
    private readonly string _repository = "distroless-it-" + Guid.NewGuid().ToString("N")[..8];
    private SampleProject _sample = null!;
    private string _archive = "";
    private ProcessResult _publish = null!;
    private ImageArchive _image = null!;
    private string? _loadedImage;
    private Dictionary<string, string> _report = [];

    [OneTimeSetUp]
    public async Task PublishAndRunAsync()
    {
        _sample = SampleProject.Create();
        _archive = Path.Combine(_sample.Directory, "out", "image.tar");
        string[] mode = selfContained ? ["--self-contained"] : [];
        _publish = await _sample.PublishAsync(TestEnvironment.NewTempDirectory("cache"),
            ["-r", "linux-x64", .. mode, $"-p:ContainerRepository={_repository}", $"-p:ContainerArchiveOutputPath={_archive}"]);
        Assert.That(_publish.ExitCode, Is.Zero, _publish.All);
        _image = ImageArchive.Open(_archive);

        _loadedImage = await Podman.LoadAsync(_archive);
        var run = await Podman.RunCheckedAsync("run", "--rm", "--network", "none", _loadedImage);
        _report = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains(": ", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(": ", StringComparison.Ordinal)], l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..].Trim());
    }

    [OneTimeTearDown]
    public async Task RemoveImageAsync()
    {
        if (_loadedImage is not null)
        {
            await Podman.RemoveImageAsync(_loadedImage);
        }
    }

    [Test]
    public void Publish_ends_with_one_line_naming_the_archive_and_how_to_load_it()
    {
        var lastLine = _publish.Output.TrimEnd().Split('\n').Last();
        Assert.That(lastLine, Does.Contain(_archive).And.Contain($"podman load -i {_archive}").And.Contain($"{_repository}:latest"));
        Assert.That(File.Exists(_archive));
    }

    [Test]
    public void The_app_runs_as_nonroot_65532_and_cannot_write_its_own_directory()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_report["hello"], Is.EqualTo("Hello from a distroless image!"));
            Assert.That(_report["uid"], Is.EqualTo("65532"));
            Assert.That(_report["home"], Is.EqualTo("/home/nonroot"));
            Assert.That(_report["tmp-writable"], Is.EqualTo("True"));
            Assert.That(_report["app-writable"], Is.EqualTo("False"));
            Assert.That(_report["json"], Is.EqualTo("{\"ok\":true}"));
        });
    }

    [Test]
    public void Time_zones_certificates_and_cultures_work_and_there_is_no_shell()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_report["timezone"], Is.EqualTo("Europe/Berlin 01:00:00"));
            Assert.That(int.Parse(_report["root-certificates"]), Is.GreaterThan(100));
            Assert.That(_report["culture"], Is.EqualTo("de-DE Freitag, 1. März 2024 1.234.567,89"));
            Assert.That(_report["invariant-globalization"], Is.EqualTo("False"));
            Assert.That(_report["shell"], Is.EqualTo("absent"));
        });
    }

    [Test]
    public async Task Skopeo_reads_the_archive_and_agrees_on_the_digest()
    {
        var result = await ProcessRunner.RunCheckedAsync("skopeo", ["inspect", "oci-archive:" + _archive]);
        var inspect = JsonDocument.Parse(result.Output).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(inspect.GetProperty("Digest").GetString(), Is.EqualTo(_image.ManifestDigest));
            Assert.That(inspect.GetProperty("Architecture").GetString(), Is.EqualTo("amd64"));
            Assert.That(inspect.GetProperty("Os").GetString(), Is.EqualTo("linux"));
            Assert.That(inspect.GetProperty("Layers").GetArrayLength(), Is.EqualTo(_image.LayerDigests.Count));
        });
    }

    [Test]
    public async Task Umoci_unpacks_the_image_layout_strictly()
    {
        var layout = TestEnvironment.NewTempDirectory("layout");
        await ProcessRunner.RunCheckedAsync("tar", ["-xf", _archive, "-C", layout]);
        var bundle = Path.Combine(TestEnvironment.NewTempDirectory("bundle"), "b");
        await ProcessRunner.RunCheckedAsync("umoci", ["unpack", "--rootless", "--image", layout + ":latest", bundle]);
        Assert.That(File.Exists(Path.Combine(bundle, "rootfs", "app", "HelloDistroless")));
    }

    [Test]
    public void The_config_says_how_to_run_the_app()
    {
        var config = _image.Config.GetProperty("config");
        var env = config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(config.GetProperty("User").GetString(), Is.EqualTo("65532"));
            Assert.That(config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "/app/HelloDistroless" }));
            Assert.That(config.GetProperty("WorkingDir").GetString(), Is.EqualTo("/app"));
            Assert.That(env, Does.Contain("DOTNET_RUNNING_IN_CONTAINER=true").And.Contain("SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"));
            Assert.That(env.Contains("DOTNET_ROOT=/usr/share/dotnet"), Is.EqualTo(!selfContained));
            Assert.That(config.GetProperty("Labels").GetProperty("org.opencontainers.image.title").GetString(), Is.EqualTo("HelloDistroless"));
            Assert.That(_image.Config.GetProperty("created").GetString(), Is.EqualTo("1970-01-01T00:00:00Z"));
        });
    }

    [Test]
    public void The_last_three_layers_are_runtime_packages_and_app_in_that_order()
    {
        var history = _image.History;
        Assert.That(history.Count, Is.EqualTo(_image.LayerDigests.Count));
        Assert.Multiple(() =>
        {
            Assert.That(history[^3], Does.StartWith(selfContained
                ? "distroless: .NET runtime (runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/"
                : "distroless: .NET runtime Microsoft.NETCore.App 10.0."));
            Assert.That(history[^2], Does.StartWith("distroless: NuGet packages (Newtonsoft.Json/"));
            Assert.That(history[^1], Does.StartWith("distroless: app (HelloDistroless/"));
        });

        var runtime = _image.LayerEntries(_image.LayerDigests[^3]).ToDictionary(e => e.Path);
        var packages = _image.LayerEntries(_image.LayerDigests[^2]).Select(e => e.Path).ToList();
        var app = _image.LayerEntries(_image.LayerDigests[^1]).ToDictionary(e => e.Path);
        var runtimeDirectory = selfContained
            ? "app"
            : "usr/share/dotnet/shared/Microsoft.NETCore.App/" + runtime.Keys.First(k => k.StartsWith("usr/share/dotnet/shared/Microsoft.NETCore.App/", StringComparison.Ordinal)).Split('/')[5];
        Assert.Multiple(() =>
        {
            Assert.That(runtime[runtimeDirectory + "/System.Private.CoreLib.dll"].Mode, Is.EqualTo(Convert.ToInt32("644", 8)));
            Assert.That(runtime[runtimeDirectory + "/libcoreclr.so"].Mode, Is.EqualTo(Convert.ToInt32("644", 8)));
            Assert.That(runtime[runtimeDirectory + "/createdump"].Mode, Is.EqualTo(Convert.ToInt32("755", 8)));
            Assert.That(packages, Is.EqualTo(new[] { "app", "app/Newtonsoft.Json.dll" }));
            Assert.That(app["app/HelloDistroless"].Mode, Is.EqualTo(Convert.ToInt32("755", 8)));
            Assert.That(app["app/HelloDistroless.dll"].Mode, Is.EqualTo(Convert.ToInt32("644", 8)));
            Assert.That(app.Keys, Does.Contain("app/HelloDistroless.deps.json").And.Contain("app/HelloDistroless.runtimeconfig.json"));
            Assert.That(app.Keys.Concat(runtime.Keys).Concat(packages), Has.None.EndsWith(".pdb"));
            Assert.That(app.Values.Concat(runtime.Values).All(e => e.Uid == 0 && e.Gid == 0));
            Assert.That(app["app"].Mode, Is.EqualTo(Convert.ToInt32("755", 8)));
        });

        if (!selfContained)
        {
            Assert.That(runtime.Keys.Where(k => k.StartsWith("usr/share/dotnet/host/fxr/", StringComparison.Ordinal) && k.EndsWith("/libhostfxr.so", StringComparison.Ordinal)),
                Has.Exactly(1).Items, "a dotnet root needs hostfxr under host/fxr/<version>");
            Assert.That(app.Keys, Has.None.EqualTo("app/libcoreclr.so"), "a framework-dependent app layer carries no runtime");
        }
    }

    /// <summary>
    /// The base package list is provably enough: every shared library any ELF file in the image
    /// links against (DT_NEEDED) is in the image, in a directory the loader searches (the
    /// multiarch library directories) or beside the program. Libraries .NET opens at run time
    /// (libssl, ICU) are proven by the run itself: certificates and cultures work.
    /// </summary>
    [Test]
    public void Every_library_an_elf_file_needs_is_in_the_image()
    {
        var fs = _image.FileSystem();
        var elves = _image.FileContents(p => p.EndsWith(".so", StringComparison.Ordinal) || p.Contains(".so.", StringComparison.Ordinal)
            || p.StartsWith("app/", StringComparison.Ordinal) || p.Contains("/bin/", StringComparison.Ordinal) || p.StartsWith("usr/share/dotnet/", StringComparison.Ordinal))
            .Where(f => ElfFile.IsElf(f.Value))
            .ToList();
        string[] loaderPaths = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib64", "lib", "usr/lib"];
        // CoreCLR's LTTng plugin is loaded only for LTTng tracing and skipped when its library is
        // absent (as in Microsoft's own images); it wants liblttng-ust.so.0, which Debian 12 no
        // longer ships (liblttng-ust1 has .so.1), so no package could satisfy it.
        string[] optional = ["libcoreclrtraceptprovider.so needs liblttng-ust.so.0"];
        var missing = new List<string>();
        foreach (var (path, bytes) in elves)
        {
            var directory = Path.GetDirectoryName(path)!;
            foreach (var needed in ElfFile.Needed(bytes))
            {
                if (!loaderPaths.Append(directory).Any(d => fs.ContainsKey($"{d}/{needed}"))
                    && !optional.Contains($"{Path.GetFileName(path)} needs {needed}"))
                {
                    missing.Add($"{path} needs {needed}");
                }
            }
        }

        Assert.That(elves.Count, Is.GreaterThan(20));
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void The_base_has_users_writable_tmp_and_home_and_a_dpkg_record_for_every_package()
    {
        var fs = _image.FileSystem();
        var statusFiles = fs.Keys.Where(p => p.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal) && !p.EndsWith(".md5sums")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(fs["tmp"].Mode, Is.EqualTo(Convert.ToInt32("1777", 8)));
            Assert.That(fs["home/nonroot"], Has.Property("Mode").EqualTo(Convert.ToInt32("700", 8)).And.Property("Uid").EqualTo(65532));
            Assert.That(fs.ContainsKey("bin/sh"), Is.False);
            Assert.That(fs["etc/ssl/certs/ca-certificates.crt"].Size, Is.GreaterThan(100_000));
            Assert.That(fs["usr/lib/ssl/cert.pem"].LinkName, Is.EqualTo("/etc/ssl/certs/ca-certificates.crt"));
            Assert.That(statusFiles.Select(Path.GetFileName), Is.EquivalentTo(new[]
            {
                "base-files", "netbase", "tzdata", "media-types", "libc6", "gcc-12-base", "libgcc-s1", "libstdc++6",
                "libssl3", "ca-certificates", "libicu72",
            }));
            Assert.That(fs.Keys.Where(p => p.StartsWith("usr/share/doc/", StringComparison.Ordinal) && fs[p].Type == TarEntryType.RegularFile),
                Has.All.EndsWith("/copyright"));
            Assert.That(fs.Keys, Has.None.StartsWith("usr/share/man/"));
        });
    }
}
