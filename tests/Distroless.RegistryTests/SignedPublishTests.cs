using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Distroless.RegistryTests.Infrastructure;
using Distroless.RegistryTests.Support;
using NJsonSchema;

namespace Distroless.RegistryTests;

/// <summary>
/// `dotnet publish` of the sample with DistrolessSigningKey (an encrypted openssl key, the
/// password in DISTROLESS_SIGNING_KEY_PASSWORD) to docker-registry 2.8 and to an archive at once.
/// The bundles are found as a client finds them (the referrers tag schema: this registry has no
/// referrers API), verified by Sigstore's own JavaScript verifier and by the packed `distroless
/// verify`, and the provenance is checked against the lock file and NuGet's own package files.
/// Keys that cannot sign fail the publish with their DSTL code before anything is pushed.
/// </summary>
[TestFixture]
[Category("Registry")]
public sealed class SignedPublishTests
{
    private const string Password = "registry-signing-pw";
    private const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private TempDirectory _temp = null!;
    private DistributionRegistry _registry = null!;
    private KeyPair _key = null!;
    private string _publicKey = null!;
    private ProcessResult _publish = null!;
    private string _digest = null!;
    private string _archive = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task PublishSigned()
    {
        _temp = new TempDirectory("distroless-signed-");
        _registry = await DistributionRegistry.StartOpenAsync(_temp.Path);
        _http = _registry.CreateHttpClient();
        _key = OpenSslKeys.Generate(_temp.Path, "ec", Password);
        _publicKey = _temp.Combine("signing.pub.pem");
        File.WriteAllText(_publicKey, _key.PublicKeyPem);
        _archive = _temp.Combine("signed.tar");
        _publish = await SharedSample.PublishAsync(_temp.Path, new Dictionary<string, string> { ["DISTROLESS_SIGNING_KEY_PASSWORD"] = Password },
            "-p:ContainerRegistry=" + _registry.Host, "-p:ContainerRepository=signed/api", "-p:ContainerImageTag=1.0",
            "-p:ContainerArchiveOutputPath=" + _archive, "-p:DistrolessSigningKey=" + _key.PrivateKeyPath);
        Assert.That(_publish.ExitCode, Is.Zero, _publish.All);
        Assert.That(SharedSample.LastLine(_publish), Does.Contain("signed with the ECDSA P-256 key").And.Contain("with provenance"));
        Assert.That(_publish.All, Does.Not.Contain(Password).And.Not.Contain("PRIVATE KEY"));
        _digest = SharedSample.DigestOf(_publish);
    }

    [OneTimeTearDown]
    public async Task CleanUp()
    {
        _http.Dispose();
        await _registry.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<JsonElement> ManifestAsync(string repository, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.index.v1+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var response = await _http.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, $"GET {repository}:{reference}: {(int)response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync()).RootElement.Clone();
    }

    /// <summary>The bundles attached to the image, found through the referrers tag, keyed by the predicate type their manifest names.</summary>
    private async Task<Dictionary<string, byte[]>> BundlesAsync()
    {
        var index = await ManifestAsync("signed/api", "sha256-" + _digest["sha256:".Length..]);
        var bundles = new Dictionary<string, byte[]>();
        foreach (var entry in index.GetProperty("manifests").EnumerateArray().Where(e => e.GetProperty("artifactType").GetString() == BundleType))
        {
            var manifest = await ManifestAsync("signed/api", entry.GetProperty("digest").GetString()!);
            var layer = manifest.GetProperty("layers")[0];
            var blob = await _http.GetByteArrayAsync($"v2/signed/api/blobs/{layer.GetProperty("digest").GetString()}");
            Assert.That("sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob)), Is.EqualTo(layer.GetProperty("digest").GetString()));
            Assert.That(manifest.GetProperty("subject").GetProperty("digest").GetString(), Is.EqualTo(_digest));
            bundles[manifest.GetProperty("annotations").GetProperty("dev.sigstore.bundle.predicateType").GetString()!] = blob;
        }

        return bundles;
    }

    private async Task<JsonElement> ProvenanceAsync()
    {
        var bundle = JsonDocument.Parse((await BundlesAsync())["https://slsa.dev/provenance/v1"]).RootElement;
        return JsonDocument.Parse(bundle.GetProperty("dsseEnvelope").GetProperty("payload").GetBytesFromBase64()).RootElement.Clone();
    }

    [Test]
    public async Task The_referrers_tag_lists_the_SBOMs_and_two_bundles_that_Sigstores_verifier_accepts()
    {
        var bundles = await BundlesAsync();

        Assert.That(bundles.Keys, Is.EquivalentTo(new[] { "https://sigstore.dev/cosign/sign/v1", "https://slsa.dev/provenance/v1" }));
        foreach (var (predicateType, bundle) in bundles)
        {
            var verified = await SigstoreJsVerifier.VerifyAsync(bundle, _key.PublicKeyPem);
            Assert.That(verified.Verified, Is.True, verified.Output);
            Assert.That(verified.Statement.GetProperty("predicateType").GetString(), Is.EqualTo(predicateType));
            Assert.That("sha256:" + verified.Statement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString(), Is.EqualTo(_digest));
        }
    }

    [Test]
    public async Task The_provenance_validates_and_lists_the_images_Debian_and_NuGet_packages_with_their_hashes()
    {
        var statement = await ProvenanceAsync();
        var schema = await JsonSchema.FromFileAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Schemas", "slsa-provenance-v1-statement.schema.json"));
        var dependencies = statement.GetProperty("predicate").GetProperty("buildDefinition").GetProperty("resolvedDependencies").EnumerateArray().ToList();
        var byUri = dependencies.ToDictionary(d => d.GetProperty("uri").GetString()!);
        var sample = (await SharedSample.OriginalAsync()).Sample;
        var lockFile = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(sample.Directory, "distroless.lock.json"))).RootElement
            .GetProperty("platforms").GetProperty("amd64");
        var debs = dependencies.Where(d => d.GetProperty("uri").GetString()!.StartsWith("pkg:deb/", StringComparison.Ordinal))
            .ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("digest").GetProperty("sha256").GetString());

        Assert.Multiple(() =>
        {
            Assert.That(schema.Validate(statement.GetRawText()), Is.Empty);
            Assert.That(debs, Is.EquivalentTo(lockFile.GetProperty("packages").EnumerateArray()
                .ToDictionary(p => p.GetProperty("filename").GetString()!, p => p.GetProperty("sha256").GetString())), "every .deb of the lock, by its SHA-256");
            Assert.That(dependencies.Where(d => d.GetProperty("uri").GetString()!.EndsWith("/InRelease", StringComparison.Ordinal))
                    .Select(d => "sha256:" + d.GetProperty("digest").GetProperty("sha256").GetString()),
                Is.EquivalentTo(lockFile.GetProperty("inRelease").EnumerateObject().Select(p => p.Value.GetString())), "the InRelease files the lock was made from");
            foreach (var (uri, id, version) in new[]
            {
                ("pkg:nuget/Newtonsoft.Json@13.0.4", "newtonsoft.json", "13.0.4"),
                ($"pkg:nuget/Distroless.Sdk@{PackedSdk.Version}", "distroless.sdk", PackedSdk.Version),
            })
            {
                var folder = Path.Combine(TestEnvironment.NuGetPackages, id, version);
                var contentHash = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, ".nupkg.metadata"))).RootElement.GetProperty("contentHash").GetString()!;
                Assert.That(byUri.ContainsKey(uri), uri);
                Assert.That(byUri[uri].GetProperty("digest").GetProperty("sha512").GetString(),
                    Is.EqualTo(Convert.ToHexStringLower(SHA512.HashData(File.ReadAllBytes(Path.Combine(folder, $"{id}.{version}.nupkg"))))),
                    $"{uri}: the SHA-512 of the .nupkg restore installed");
                Assert.That(byUri[uri].GetProperty("digest").GetProperty("nugetContentHash").GetString(),
                    Is.EqualTo(Convert.ToHexStringLower(Convert.FromBase64String(contentHash))), $"{uri}: NuGet's content hash, as the assets file and .nupkg.metadata record it");
            }

            var runtime = dependencies.Single(d => d.GetProperty("uri").GetString()!.StartsWith("pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@", StringComparison.Ordinal));
            Assert.That(runtime.GetProperty("annotations").GetProperty("runtimePack").GetString(), Is.EqualTo("true"));
            var runtimeVersion = runtime.GetProperty("uri").GetString()!.Split('@')[1];
            var pack = Path.Combine(TestEnvironment.NuGetPackages, "microsoft.netcore.app.runtime.linux-x64", runtimeVersion,
                $"microsoft.netcore.app.runtime.linux-x64.{runtimeVersion}.nupkg");
            Assert.That(runtime.GetProperty("digest").GetProperty("sha512").GetString(), Is.EqualTo(Convert.ToHexStringLower(SHA512.HashData(File.ReadAllBytes(pack)))),
                "the runtime pack by the SHA-512 of its .nupkg");
            Assert.That(statement.GetProperty("predicate").GetProperty("buildDefinition").GetProperty("externalParameters").GetProperty("project").GetString(),
                Is.EqualTo("HelloDistroless.csproj"));
        });
    }

    private static string Cli => Path.Combine(TestEnvironment.NuGetPackages, "distroless.sdk", PackedSdk.Version.ToLowerInvariant(), "tools", "cli", "distroless.dll");

    [Test]
    public async Task The_packed_distroless_verify_accepts_the_pushed_image_and_the_archive_and_refuses_another_key()
    {
        var other = _temp.Combine("other.pub.pem");
        File.WriteAllText(other, OpenSslKeys.Generate(_temp.Path, "ec").PublicKeyPem);
        var cache = _temp.Combine("cli-cache");

        var registry = await ProcessRunner.RunAsync("dotnet", [Cli, "verify", $"{_registry.Host}/signed/api:1.0", "--key", _publicKey, "--cache", cache]);
        var archive = await ProcessRunner.RunAsync("dotnet", [Cli, "verify", _archive, "--key", _publicKey, "--cache", cache]);
        var wrong = await ProcessRunner.RunAsync("dotnet", [Cli, "verify", _archive, "--key", other, "--cache", cache]);
        TestContext.Out.WriteLine(registry.All);

        Assert.Multiple(() =>
        {
            Assert.That(registry.ExitCode, Is.Zero, registry.All);
            Assert.That(registry.Output, Does.Contain($"({_digest}): verified with the ECDSA P-256 key"));
            Assert.That(registry.Output, Does.Contain("provenance  ok").And.Contain("HelloDistroless.csproj").And.Contain("Debian packages"));
            Assert.That(archive.ExitCode, Is.Zero, archive.All);
            Assert.That(wrong.ExitCode, Is.EqualTo(1), wrong.All);
            Assert.That(wrong.Error, Does.Contain("error DSTL6008"));
        });
    }

    [Test]
    public async Task Skopeo_and_podman_still_read_the_signed_archive_as_the_same_image_and_podman_runs_it()
    {
        var skopeo = new Skopeo(_temp.Combine("skopeo"));

        var inspected = await skopeo.InspectAsync("oci-archive:" + _archive);
        var loaded = await Podman.LoadAsync(_archive);
        try
        {
            var run = await Podman.RunAsync("run", "--rm", "--network", "none", loaded);

            Assert.Multiple(() =>
            {
                Assert.That(inspected.ExitCode, Is.Zero, inspected.All);
                Assert.That(JsonDocument.Parse(inspected.Output).RootElement.GetProperty("Digest").GetString(), Is.EqualTo(_digest));
                Assert.That(run.ExitCode, Is.Zero, run.All);
            });
        }
        finally
        {
            await Podman.RemoveImageAsync(loaded);
        }
    }

    [TestCase("missing", "DSTL6001")]
    [TestCase("wrong-password", "DSTL6004")]
    [TestCase("rsa", "DSTL6005")]
    public async Task A_key_that_cannot_sign_fails_the_publish_and_nothing_is_pushed(string kind, string code)
    {
        var key = kind switch
        {
            "missing" => _temp.Combine("no-such-key.pem"),
            "rsa" => OpenSslKeys.Generate(_temp.Path, "rsa").PrivateKeyPath,
            _ => _key.PrivateKeyPath,
        };
        var repository = "refused/" + kind;

        var publish = await SharedSample.PublishAsync(_temp.Path, new Dictionary<string, string> { ["DISTROLESS_SIGNING_KEY_PASSWORD"] = "not-" + Password },
            "-p:ContainerRegistry=" + _registry.Host, "-p:ContainerRepository=" + repository, "-p:DistrolessSigningKey=" + key);
        using var tags = await _http.GetAsync($"v2/{repository}/tags/list");

        Assert.Multiple(() =>
        {
            Assert.That(publish.ExitCode, Is.Not.Zero, publish.All);
            Assert.That(SharedSample.ErrorCodes(publish), Is.EqualTo(new[] { code }));
            Assert.That(publish.All, Does.Not.Contain(Password));
            Assert.That((int)tags.StatusCode, Is.EqualTo(404), "the repository was never created: nothing was pushed");
        });
    }
}
