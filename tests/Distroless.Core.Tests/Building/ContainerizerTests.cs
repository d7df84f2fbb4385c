using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Distroless.App;
using Distroless.Building;
using Distroless.Core.Tests.Oci;
using Distroless.Core.Tests.Sbom;
using Distroless.Core.Tests.TestSupport;
using Distroless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// The whole pipeline, hermetic: a signed fake Debian 12 (three suites on two roots) and a fake
/// publish directory in, an image archive out. One build is made per fixture and inspected by
/// the tests; it is then repeated with a warm cache and with an empty one.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ContainerizerTests
{
    /// <summary>
    /// The digest of the image this fixed input builds. A change here changes the digest of every
    /// image the product builds (tar layout, gzip, JSON, layer order, base recipe): update it only
    /// for a deliberate change of the image format, never to make a test pass.
    /// </summary>
    private const string GoldenManifestDigest = "sha256:8fa631647907ff9efaad7984f6441f35c6285191c10e02374cace75aaf4dd99b";

    /// <summary>Package entries keep their modes and mtimes; docs but the copyright, manuals and lintian files are gone; dpkg status last.</summary>
    private const string GoldenLibc6Layer = """
        lib/: dir 0755 0:0 mtime=1700000000
        lib/x86_64-linux-gnu/: dir 0755 0:0 mtime=1700000000
        lib/x86_64-linux-gnu/ld-linux-x86-64.so.2: file 0755 0:0 mtime=1700000000 sha256=a62b1f11603c
        lib/x86_64-linux-gnu/libc.so.6: file 0755 0:0 mtime=1700000000 sha256=bed9cde84bce
        lib64/: dir 0755 0:0 mtime=1700000000
        lib64/ld-linux-x86-64.so.2: symlink 0777 0:0 mtime=1700000000 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
        usr/: dir 0755 0:0 mtime=1700000000
        usr/share/: dir 0755 0:0 mtime=1700000000
        usr/share/doc/: dir 0755 0:0 mtime=1700000000
        usr/share/doc/libc6/: dir 0755 0:0 mtime=1700000000
        usr/share/doc/libc6/copyright: file 0644 0:0 mtime=1700000000 sha256=1ff87433ec6a
        var/: dir 0755 0:0 mtime=0
        var/lib/: dir 0755 0:0 mtime=0
        var/lib/dpkg/: dir 0755 0:0 mtime=0
        var/lib/dpkg/status.d/: dir 0755 0:0 mtime=0
        var/lib/dpkg/status.d/libc6: file 0644 0:0 mtime=0 sha256=72daf17b8c05
        var/lib/dpkg/status.d/libc6.md5sums: file 0644 0:0 mtime=0 sha256=b203867da53c

        """;

    /// <summary>The bundle replaces the single certificates and update-ca-certificates.</summary>
    private const string GoldenCaCertificatesLayer = """
        etc/: dir 0755 0:0 mtime=1700000000
        etc/ssl/: dir 0755 0:0 mtime=1700000000
        etc/ssl/certs/: dir 0755 0:0 mtime=1700000000
        etc/ssl/certs/ca-certificates.crt: file 0644 0:0 mtime=0 sha256=9987dc8c582a
        usr/: dir 0755 0:0 mtime=1700000000
        usr/sbin/: dir 0755 0:0 mtime=1700000000
        usr/share/: dir 0755 0:0 mtime=1700000000
        usr/share/doc/: dir 0755 0:0 mtime=1700000000
        usr/share/doc/ca-certificates/: dir 0755 0:0 mtime=1700000000
        usr/share/doc/ca-certificates/copyright: file 0644 0:0 mtime=1700000000 sha256=b0d30c35c006
        var/: dir 0755 0:0 mtime=0
        var/lib/: dir 0755 0:0 mtime=0
        var/lib/dpkg/: dir 0755 0:0 mtime=0
        var/lib/dpkg/status.d/: dir 0755 0:0 mtime=0
        var/lib/dpkg/status.d/ca-certificates: file 0644 0:0 mtime=0 sha256=e88028cbbdc8
        var/lib/dpkg/status.d/ca-certificates.md5sums: file 0644 0:0 mtime=0 sha256=f0b331f8071c

        """;

    /// <summary>Users, groups, /tmp 1777, /home/nonroot 0700 65532, OpenSSL's default paths; all at mtime 0.</summary>
    private const string GoldenSyntheticLayer = """
        etc/: dir 0755 0:0 mtime=0
        etc/group: file 0644 0:0 mtime=0 sha256=190fcde0dc1f
        etc/nsswitch.conf: file 0644 0:0 mtime=0 sha256=e241e67d7b5c
        etc/passwd: file 0644 0:0 mtime=0 sha256=9003b1335e3e
        etc/ssl/: dir 0755 0:0 mtime=0
        etc/ssl/certs/: dir 0755 0:0 mtime=0
        home/: dir 0755 0:0 mtime=0
        home/nonroot/: dir 0700 65532:65532 mtime=0
        root/: dir 0700 0:0 mtime=0
        tmp/: dir 1777 0:0 mtime=0
        usr/: dir 0755 0:0 mtime=0
        usr/lib/: dir 0755 0:0 mtime=0
        usr/lib/ssl/: dir 0755 0:0 mtime=0
        usr/lib/ssl/cert.pem: symlink 0777 0:0 mtime=0 -> /etc/ssl/certs/ca-certificates.crt
        usr/lib/ssl/certs: symlink 0777 0:0 mtime=0 -> /etc/ssl/certs

        """;

    /// <summary>Runtime pack, NuGet package, then the app; only the apphost is executable; no app.pdb; mtime = SOURCE_DATE_EPOCH.</summary>
    private const string GoldenAppLayers = """
        app/: dir 0755 0:0 mtime=1750000000
        app/System.Private.CoreLib.dll: file 0644 0:0 mtime=1750000000 sha256=9086a47c396c
        app/libSystem.Native.so: file 0644 0:0 mtime=1750000000 sha256=638951b5b902
        app/: dir 0755 0:0 mtime=1750000000
        app/Newtonsoft.Json.dll: file 0644 0:0 mtime=1750000000 sha256=f7e18ce9a380
        app/: dir 0755 0:0 mtime=1750000000
        app/app: file 0755 0:0 mtime=1750000000 sha256=72e5a1ddeb87
        app/app.deps.json: file 0644 0:0 mtime=1750000000 sha256=98c0bf21ff6b
        app/app.dll: file 0644 0:0 mtime=1750000000 sha256=c577cc86a402
        app/app.runtimeconfig.json: file 0644 0:0 mtime=1750000000 sha256=8ed6b05e3974

        """;

    private const long SourceDateEpoch = 1_750_000_000; // 2025-06-15T15:06:40Z

    private TempDirectory _temp = null!;
    private FakeBookworm _archive = null!;
    private ImagePlan _plan = null!;
    private BuildResult _first = null!;
    private BuildResult _warm = null!;
    private BuildResult _cold = null!;
    private Dictionary<string, int> _warmRequests = null!;
    private ImageArchiveContents _image = null!;

    internal static ImagePlan Plan(TempDirectory temp, ImmutableArray<PublishedFile> files, string cacheDirectory) => new()
    {
        Repository = "shop/api",
        Tags = ["1.0", "latest"],
        Base = new BasePlan
        {
            RuntimeIdentifier = "linux-x64",
            Mirror = FakeBookworm.MainRoot.AbsoluteUri,
            SecurityMirror = FakeBookworm.SecurityRoot.AbsoluteUri,
        },
        App = new AppPlan
        {
            Files = files,
            DepsJsonPath = files.Single(f => f.RelativePath == "app.deps.json").SourcePath,
            AppHost = FakePublishOutput.AppHost,
        },
        SourceDateEpoch = SourceDateEpoch,
        ArchivePath = temp.Combine("out", "shop-api.tar"),
        CacheDirectory = cacheDirectory,
    };

    internal static Containerizer Containerizer(HttpMessageHandler handler)
        => new(new HttpClient(handler, disposeHandler: false), NullLogger.Instance, new FakeTimeProvider(FakeBookworm.Now), FakeBookworm.Keyring());

    [OneTimeSetUp]
    public async Task BuildThreeTimes()
    {
        _temp = new TempDirectory();
        _archive = FakeBookworm.Create();
        _plan = Plan(_temp, FakePublishOutput.Write(_temp), _temp.Combine("cache"));
        var containerizer = Containerizer(_archive.Handler);

        _first = await containerizer.BuildAsync(_plan);
        _image = ImageArchiveContents.Read(_first.ArchivePath!);

        var before = _archive.RequestCounts;
        _warm = await containerizer.BuildAsync(_plan with { ArchivePath = _temp.Combine("out", "warm.tar") });
        _warmRequests = _archive.RequestCounts
            .Where(kv => kv.Value != before.GetValueOrDefault(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key), StringComparer.Ordinal);

        _cold = await containerizer.BuildAsync(_plan with { ArchivePath = _temp.Combine("out", "cold.tar"), CacheDirectory = _temp.Combine("cache2") });
    }

    [OneTimeTearDown]
    public void Cleanup() => _temp.Dispose();

    [Test]
    public void The_archive_is_written_whole_with_only_its_SBOMs_beside_it()
    {
        Assert.That(_first.ArchivePath, Is.EqualTo(_plan.ArchivePath));
        Assert.That(_first.SbomPaths.Select(Path.GetFileName), Is.EqualTo(new[] { "shop-api.spdx.json", "shop-api.cdx.json" }));
        Assert.That(Directory.GetFiles(_temp.Combine("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "cold.cdx.json", "cold.spdx.json", "cold.tar",
            "shop-api.cdx.json", "shop-api.spdx.json", "shop-api.tar",
            "warm.cdx.json", "warm.spdx.json", "warm.tar",
        }));
    }

    /// <summary>Every package with a dpkg status file in some layer of the image ("libc6", …).</summary>
    private IEnumerable<string> PackagesInImage()
        => _image.LayerDigests.SelectMany(d => TarDump.Lines(new MemoryStream(_image.Blob(d))))
            .Select(line => line[..line.IndexOf(": ", StringComparison.Ordinal)])
            .Where(n => n.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal) && !n.EndsWith('/') && !n.EndsWith(".md5sums", StringComparison.Ordinal))
            .Select(n => n["var/lib/dpkg/status.d/".Length..]);

    [Test]
    public void The_SBOMs_validate_against_the_SPDX_and_CycloneDX_schemas()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SbomSchemas.Errors(SbomSchemas.Spdx, File.ReadAllBytes(_first.SbomPaths[0])), Is.Empty, "SPDX 2.3");
            Assert.That(SbomSchemas.Errors(SbomSchemas.CycloneDx, File.ReadAllBytes(_first.SbomPaths[1])), Is.Empty, "CycloneDX 1.6");
        });
    }

    [Test]
    public void The_SBOM_lists_every_Debian_package_of_the_image_and_the_NuGet_packages_of_the_app()
    {
        var bom = JsonDocument.Parse(File.ReadAllBytes(_first.SbomPaths[1])).RootElement;
        var purls = bom.GetProperty("components").EnumerateArray()
            .Select(c => c.TryGetProperty("purl", out var purl) ? purl.GetString()! : "(the app, which has no package URL)").ToList();
        var debian = purls.Where(p => p.StartsWith("pkg:deb/debian/", StringComparison.Ordinal))
            .Select(p => Uri.UnescapeDataString(p["pkg:deb/debian/".Length..p.IndexOf('@')])).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(debian, Is.EquivalentTo(PackagesInImage()));
            Assert.That(purls, Does.Contain("pkg:nuget/Newtonsoft.Json@13.0.3"));
            Assert.That(purls.Single(p => p.StartsWith("pkg:deb/debian/libc6@", StringComparison.Ordinal)), Is.EqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u13?arch=amd64&distro=debian-12&upstream=glibc"), "the security update, with its source package");
            Assert.That(bom.GetProperty("metadata").GetProperty("component").GetProperty("name").GetString(), Does.Contain("shop/api"));
        });
    }

    [Test]
    public void The_SBOMs_are_the_same_bytes_for_the_same_input()
    {
        Assert.Multiple(() =>
        {
            for (var i = 0; i < 2; i++)
            {
                Assert.That(File.ReadAllBytes(_warm.SbomPaths[i]), Is.EqualTo(File.ReadAllBytes(_first.SbomPaths[i])), "warm cache");
                Assert.That(File.ReadAllBytes(_cold.SbomPaths[i]), Is.EqualTo(File.ReadAllBytes(_first.SbomPaths[i])), "empty cache");
            }
        });
    }

    [Test]
    public void Index_manifest_and_config_validate_against_the_OCI_schemas()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OciSchemas.Errors(OciSchemas.Index, _image.Files["index.json"]), Is.Empty, "index.json");
            Assert.That(OciSchemas.Errors(OciSchemas.Manifest, _image.Blob(_image.ManifestDigest)), Is.Empty, "manifest");
            Assert.That(OciSchemas.Errors(OciSchemas.Config, _first.Image.ConfigJson), Is.Empty, "config");
            Assert.That(_image.ManifestDigest, Is.EqualTo(_first.Image.Digest.ToString()));
            Assert.That(_image.Blob(_image.ManifestDigest), Is.EqualTo(_first.Image.ManifestJson));
        });
    }

    [Test]
    public void Layers_are_the_base_packages_in_list_order_then_the_synthetic_layer_then_the_app()
    {
        var history = _image.Config.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("created_by").GetString()).ToList();

        Assert.That(history, Is.EqualTo(new[]
        {
            "distroless: debian package base-files 12.4+deb12u11 (amd64)",
            "distroless: debian package netbase 6.4 (all)",
            "distroless: debian package tzdata 2025b-0+deb12u1 (all)",
            "distroless: debian package media-types 10.0.0 (all)",
            "distroless: debian package libc6 2.36-9+deb12u13 (amd64)",
            "distroless: debian package gcc-12-base 12.2.0-14+deb12u1 (amd64)",
            "distroless: debian package libgcc-s1 12.2.0-14+deb12u1 (amd64)",
            "distroless: debian package libstdc++6 12.2.0-14+deb12u1 (amd64)",
            "distroless: debian package libssl3 3.0.17-1~deb12u2 (amd64)",
            "distroless: debian package ca-certificates 20230311+deb12u1 (all)",
            "distroless: debian package libicu72 72.1-3+deb12u1 (amd64)",
            "distroless: users, groups, /tmp, home, certificate paths",
            "distroless: .NET runtime (runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.8)",
            "distroless: NuGet packages (Newtonsoft.Json/13.0.3)",
            "distroless: app (app/1.0.0)",
        }));
        Assert.That(_image.LayerDigests, Has.Count.EqualTo(history.Count));
        Assert.That(_first.Packages.Select(p => p.Name), Is.EqualTo(Distroless.Base.DebianRelease.Bookworm.Packages.Concat(["libicu72"])));
    }

    [Test]
    public void The_newer_libc6_of_the_security_suite_is_used()
    {
        var libc = _first.Packages.Single(p => p.Name == "libc6");
        var status = Encoding.UTF8.GetString(LayerFile(4, "var/lib/dpkg/status.d/libc6"));

        Assert.Multiple(() =>
        {
            Assert.That(libc.Version.ToString(), Is.EqualTo(FakeBookworm.SecurityLibc));
            Assert.That(libc.Origin.Suite, Is.EqualTo("bookworm-security"));
            Assert.That(libc.DownloadUri.ToString(), Does.StartWith(FakeBookworm.SecurityRoot + "pool/updates/main/"));
            Assert.That(status, Does.Contain($"Package: libc6\nStatus: install ok installed\nVersion: {FakeBookworm.SecurityLibc}\n"));
            Assert.That(Encoding.UTF8.GetString(LayerFile(4, "lib/x86_64-linux-gnu/libc.so.6")), Is.EqualTo($"libc {FakeBookworm.SecurityLibc}\n"));
        });
    }

    [Test]
    public void The_libc6_layer_keeps_the_copyright_and_drops_docs_and_manuals()
        => Assert.That(_image.LayerDump(4), Is.EqualTo(GoldenLibc6Layer));

    [Test]
    public void The_ca_certificates_layer_holds_the_bundle_instead_of_single_certificates()
    {
        Assert.That(LayerFile(9, "etc/ssl/certs/ca-certificates.crt"), Is.EqualTo(FakeBookworm.ExpectedBundle()));
        Assert.That(_image.LayerDump(9), Is.EqualTo(GoldenCaCertificatesLayer));
    }

    [Test]
    public void The_synthetic_layer_has_users_tmp_home_and_certificate_paths()
        => Assert.That(_image.LayerDump(11), Is.EqualTo(GoldenSyntheticLayer));

    [Test]
    public void The_manifest_digest_is_pinned_and_the_same_with_a_warm_or_an_empty_cache()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_first.Image.Digest.ToString(), Is.EqualTo(GoldenManifestDigest), () => $"built {_first.Image.Digest}");
            Assert.That(_warm.Image.Digest, Is.EqualTo(_first.Image.Digest), "warm cache");
            Assert.That(_cold.Image.Digest, Is.EqualTo(_first.Image.Digest), "empty cache");
            Assert.That(File.ReadAllBytes(_cold.ArchivePath!), Is.EqualTo(File.ReadAllBytes(_first.ArchivePath!)), "archive bytes");
        });
    }

    [Test]
    public void A_warm_cache_fetches_only_the_three_InRelease_files()
        => Assert.That(_warmRequests, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["main:dists/bookworm/InRelease"] = 1,
            ["main:dists/bookworm-updates/InRelease"] = 1,
            ["security:dists/bookworm-security/InRelease"] = 1,
        }));

    [Test]
    public void The_config_runs_the_apphost_as_nonroot_in_the_app_directory()
    {
        var config = _image.Config.GetProperty("config");
        var env = config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(config.GetProperty("User").GetString(), Is.EqualTo("65532"));
            Assert.That(config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "/app/app" }));
            Assert.That(config.GetProperty("WorkingDir").GetString(), Is.EqualTo("/app"));
            Assert.That(env, Does.Contain("DOTNET_RUNNING_IN_CONTAINER=true"));
            Assert.That(env, Does.Contain("SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"));
            Assert.That(env.Any(e => e!.StartsWith("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=", StringComparison.Ordinal)), Is.False);
            Assert.That(_image.Config.GetProperty("created").GetString(), Is.EqualTo("2025-06-15T15:06:40Z"));
            Assert.That(_image.Config.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("created").GetString()).Distinct(),
                Is.EqualTo(new[] { "2025-06-15T15:06:40Z" }));
        });
    }

    [Test]
    public void The_app_layers_hold_the_published_files_under_app_without_symbols()
        => Assert.That(string.Concat(Enumerable.Range(12, 3).Select(_image.LayerDump)), Is.EqualTo(GoldenAppLayers));

    [Test]
    public async Task InvariantGlobalization_leaves_out_ICU_and_says_so_in_the_environment()
    {
        using var temp = new TempDirectory();
        var plan = _plan with
        {
            Base = _plan.Base with { InvariantGlobalization = true },
            ArchivePath = temp.Combine("invariant.tar"),
            CacheDirectory = temp.Combine("cache"),
        };

        var result = await Containerizer(_archive.Handler).BuildAsync(plan);

        var config = ImageArchiveContents.Read(result.ArchivePath!).Config.GetProperty("config");
        Assert.Multiple(() =>
        {
            Assert.That(result.Packages.Select(p => p.Name), Is.EqualTo(Distroless.Base.DebianRelease.Bookworm.Packages));
            Assert.That(result.Image.Layers.Select(l => l.CreatedBy), Has.None.Contains("libicu"));
            Assert.That(result.Image.Layers, Has.Length.EqualTo(_first.Image.Layers.Length - 1));
            Assert.That(config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()), Does.Contain("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true"));
        });
    }

    private byte[] LayerFile(int layer, string path)
    {
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(_image.Blob(_image.LayerDigests[layer])), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new System.Formats.Tar.TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name == path && entry.DataStream is { } data)
            {
                var buffer = new MemoryStream();
                data.CopyTo(buffer);
                return buffer.ToArray();
            }
        }

        throw new KeyNotFoundException($"layer {layer} has no file {path}");
    }
}
