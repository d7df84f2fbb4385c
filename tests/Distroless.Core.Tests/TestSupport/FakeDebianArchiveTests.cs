using System.Net;
using System.Text;
using Distroless.Compression;
using Distroless.Debian;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>The fake archive must be a faithful archive: what it serves verifies and parses with the product's readers.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class FakeDebianArchiveTests
{
    private static readonly FakeTimeProvider Now = new(new DateTimeOffset(2026, 7, 12, 0, 0, 0, TimeSpan.Zero));

    private static FakeDebianArchive Archive()
    {
        var archive = new FakeDebianArchive();
        archive.AddSuite("trixie").Add(
            FakePackage.Simple("libc6", "2.41-12") with { Source = "glibc" },
            FakePackage.Simple("libssl3t64", "3.5.9-1~deb13u1") with { Source = "openssl", Depends = "libc6 (>= 2.38)", Provides = "libssl3" },
            FakePackage.Simple("tzdata", "2025b-4", "all"),
            FakePackage.Simple("libc6", "2.41-12", "arm64") with { Source = "glibc" });
        var security = archive.AddSuite("trixie-security", validUntil: new DateTimeOffset(2026, 7, 18, 10, 16, 37, TimeSpan.Zero));
        security.IndexFormats = [CompressionFormat.Xz];
        security.Add(FakePackage.Simple("libssl3t64", "3.5.7-1~deb13u1") with { Source = "openssl", PoolDirectory = "pool/updates/main" });
        return archive;
    }

    private static async Task<byte[]> GetAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(expected), path);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static ReleaseFile Release(FakeDebianArchive archive, string suite)
        => ReleaseFile.Parse(new InReleaseVerifier(archive.Keyring, Now).Verify(archive.Get($"dists/{suite}/InRelease"), suite).Text);

    [Test]
    public async Task InRelease_verifies_and_lists_every_served_index_by_size_and_hash()
    {
        var archive = Archive();
        using var client = archive.CreateClient();
        client.BaseAddress = archive.BaseUri;

        var release = Release(archive, "trixie");

        Assert.That(release.Files.Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "main/Contents-amd64.gz", "main/Contents-arm64.gz",
            "main/binary-amd64/Packages.gz", "main/binary-amd64/Packages.xz", "main/binary-arm64/Packages.gz", "main/binary-arm64/Packages.xz",
        }));
        Assert.That(release.Architectures, Is.EqualTo(new[] { "all", "amd64", "arm64" }));
        foreach (var (path, (size, sha256)) in release.Files)
        {
            var served = await GetAsync(client, "dists/trixie/" + path);
            var byHash = await GetAsync(client, "dists/trixie/" + path[..(path.LastIndexOf('/') + 1)] + "by-hash/SHA256/" + sha256.Hex);
            Assert.That((served.LongLength, Digest.Compute(served)), Is.EqualTo((size, sha256)), path);
            Assert.That(byHash, Is.EqualTo(served), path + " by hash");
        }
    }

    [Test]
    public void A_security_style_suite_has_Valid_Until_and_only_xz()
    {
        var release = Release(Archive(), "trixie-security");

        Assert.Multiple(() =>
        {
            Assert.That(release.ValidUntil, Is.EqualTo(new DateTimeOffset(2026, 7, 18, 10, 16, 37, TimeSpan.Zero)));
            Assert.That(release.AcquireByHash, Is.True);
            Assert.That(release.Files.Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[] { "main/Contents-amd64.gz", "main/binary-amd64/Packages.xz" }));
        });
    }

    [Test]
    public void The_Contents_index_lists_each_packaged_file_with_its_package()
    {
        var archive = Archive();
        using var gz = Decompression.Open(new MemoryStream(archive.Get(archive.Suite("trixie").ContentsPath("amd64"))), CompressionFormat.Gzip);
        var lines = new StreamReader(gz).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines.Select(ContentsIndex.Parse).Select(h => $"{h!.Path} {string.Join(',', h.Packages)}"), Is.EqualTo(new[]
        {
            "usr/share/doc/libc6/copyright libc6",
            "usr/share/doc/libssl3t64/copyright libssl3t64",
            "usr/share/doc/tzdata/copyright tzdata",
        }));
    }

    [TestCase(CompressionFormat.Gzip, TestName = "Packages.gz parses, with Architecture all packages in each arch")]
    [TestCase(CompressionFormat.Xz, TestName = "Packages.xz parses, with Architecture all packages in each arch")]
    public void Packages_indexes_parse_and_point_at_served_debs(CompressionFormat format)
    {
        var archive = Archive();
        var suite = archive.Suite("trixie");
        using var packages = Decompression.Open(new MemoryStream(archive.Get(suite.IndexPath("amd64", format))), format);
        var text = new MemoryStream();
        packages.CopyTo(text);

        var index = PackageIndex.Parse(text.ToArray(), archive.ArchiveSuite("trixie"));

        Assert.That(index.PackageNames.Order(StringComparer.Ordinal), Is.EqualTo(new[] { "libc6", "libssl3t64", "tzdata" }));
        var ssl = index.Find("libssl3t64").Single();
        var deb = archive.Get(ssl.Filename);
        Assert.Multiple(() =>
        {
            Assert.That(ssl.Filename, Is.EqualTo("pool/main/o/openssl/libssl3t64_3.5.9-1~deb13u1_amd64.deb"));
            Assert.That((deb.LongLength, Digest.Compute(deb)), Is.EqualTo((ssl.Size, ssl.Sha256)));
            Assert.That(index.FindProviders("libssl3").Single().Name, Is.EqualTo("libssl3t64"));
            Assert.That(DebPackageReader.Read(new MemoryStream(deb), _ => { }).Paragraph["Package"], Is.EqualTo("libssl3t64"));
        });
    }

    [Test]
    public async Task Unknown_paths_are_404_and_every_request_is_counted()
    {
        var archive = Archive();
        using var client = archive.CreateClient();

        await GetAsync(client, archive.UriOf("dists/trixie/InRelease").AbsoluteUri);
        await GetAsync(client, archive.UriOf("dists/trixie/InRelease").AbsoluteUri);
        await GetAsync(client, archive.UriOf("dists/bookworm/InRelease").AbsoluteUri, HttpStatusCode.NotFound);
        await GetAsync(client, "http://elsewhere.test/debian/dists/trixie/InRelease", HttpStatusCode.NotFound);

        Assert.Multiple(() =>
        {
            Assert.That(archive.RequestCount("dists/trixie/InRelease"), Is.EqualTo(2));
            Assert.That(archive.RequestCount("dists/bookworm/InRelease"), Is.EqualTo(1));
            Assert.That(archive.TotalRequests, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task SetStatus_answers_a_path_with_an_error()
    {
        var archive = Archive();
        using var client = archive.CreateClient();
        archive.SetStatus("dists/trixie/InRelease", HttpStatusCode.ServiceUnavailable);

        await GetAsync(client, archive.UriOf("dists/trixie/InRelease").AbsoluteUri, HttpStatusCode.ServiceUnavailable);
    }

    [Test]
    public async Task A_combined_handler_serves_two_archive_roots()
    {
        var main = Archive();
        var security = new FakeDebianArchive(new Uri("http://archive.test/debian-security/"));
        security.AddSuite("trixie-security").Add(FakePackage.Simple("libssl3t64", "3.5.7-1~deb13u1"));
        using var client = new HttpClient(FakeArchiveHandler.Combine(main, security));

        await GetAsync(client, "http://archive.test/debian/dists/trixie/InRelease");
        await GetAsync(client, "http://archive.test/debian-security/dists/trixie-security/InRelease");

        Assert.That((main.TotalRequests, security.TotalRequests), Is.EqualTo((1, 1)));
    }

    [Test]
    public void TamperInRelease_keeps_the_text_parseable_but_breaks_the_signature()
    {
        var archive = Archive();
        archive.TamperInRelease("trixie");

        var error = Assert.Throws<DistrolessException>(() => Release(archive, "trixie"))!;
        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.SignatureInvalid));
        Assert.That(ClearSignedMessage.Parse(Encoding.UTF8.GetString(archive.Get("dists/trixie/InRelease"))).Text,
            Does.Contain("Description: fake Debian archive"));
    }

    [Test]
    public void CorruptIndex_changes_the_file_and_its_by_hash_copy_but_not_the_Release()
    {
        var archive = Archive();
        var (size, sha256) = Release(archive, "trixie").Files["main/binary-amd64/Packages.xz"];

        archive.CorruptIndex("trixie", "amd64", CompressionFormat.Xz);

        var served = archive.Get("dists/trixie/main/binary-amd64/Packages.xz");
        Assert.Multiple(() =>
        {
            Assert.That(served.LongLength, Is.EqualTo(size));
            Assert.That(Digest.Compute(served), Is.Not.EqualTo(sha256));
            Assert.That(archive.Get("dists/trixie/main/binary-amd64/by-hash/SHA256/" + sha256.Hex), Is.EqualTo(served));
            Assert.That(Release(archive, "trixie").Files["main/binary-amd64/Packages.xz"].Sha256, Is.EqualTo(sha256));
        });
    }

    [Test]
    public void CorruptDeb_keeps_the_size_but_not_the_hash()
    {
        var archive = Archive();
        var package = archive.Suite("trixie").Packages[0];

        archive.CorruptDeb(package.Name, package.Version);

        var served = archive.Get(package.Filename);
        Assert.That(served, Has.Length.EqualTo(package.Deb.Length));
        Assert.That(Digest.Compute(served).Hex, Is.Not.EqualTo(package.Sha256));
    }

    [Test]
    public void Several_signers_sign_and_the_keyring_trusts_them_all()
    {
        var archive = new FakeDebianArchive(TestKeys.Archive, TestKeys.Stable);
        archive.AddSuite("trixie").Add(FakePackage.Simple("a"));

        Assert.Multiple(() =>
        {
            Assert.That(new InReleaseVerifier(TestKeys.Stable.Keyring, Now).Verify(archive.Get("dists/trixie/InRelease"), "x").Text, Does.Contain("Suite: trixie"));
            Assert.That(archive.Keyring.KeyIds, Does.Contain(TestKeys.Archive.KeyId).And.Contain(TestKeys.Stable.KeyId));
        });
    }

    [Test]
    public void Suites_cannot_be_added_after_publishing()
    {
        var archive = Archive();
        archive.Publish();

        Assert.That(() => archive.AddSuite("sid"), Throws.InvalidOperationException);
        Assert.That(() => archive.Suite("trixie").Add(FakePackage.Simple("x")), Throws.InvalidOperationException);
    }
}
