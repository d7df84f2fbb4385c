using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Distroless.Building;
using Distroless.Core.Tests.Building;
using Distroless.Core.Tests.Oci;
using Distroless.Core.Tests.TestSupport;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Provenance;
using Distroless.Registry;
using Distroless.Signing;
using Distroless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Core.Tests.Signing;

/// <summary>
/// The whole pipeline with a signing key, hermetic (the signed fake Debian 12, a fake publish
/// with an assets file and an installed runtime pack): the archive carries a Sigstore bundle
/// signing the image and one holding its SLSA provenance, laid out as cosign's bundle
/// specification describes; the image itself is unchanged, the archive reproducible, and the
/// provenance names exactly what went in.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class SignedArchiveTests
{
    private const string Password = "s3cret-signing-pw";

    /// <summary>The hashes the fake assets file (NuGet's content hashes) and packages folder (.nupkg files) record: any 64 bytes, nothing downloads them.</summary>
    private static readonly byte[] NewtonsoftContentHash = SHA512.HashData("Newtonsoft.Json 13.0.3 content"u8);
    private static readonly byte[] NewtonsoftSha512 = SHA512.HashData("Newtonsoft.Json 13.0.3 signed .nupkg"u8);
    private static readonly byte[] SourceLinkContentHash = SHA512.HashData("Microsoft.SourceLink.GitHub 8.0.0"u8);
    private static readonly byte[] RuntimePackSha512 = SHA512.HashData("runtime pack 8.0.8"u8);

    private TempDirectory _temp = null!;
    private FakeBookworm _archive = null!;
    private KeyPair _key = null!;
    private ImagePlan _plan = null!;
    private BuildResult _signed = null!;
    private BuildResult _again = null!;
    private BuildResult _unsigned = null!;
    private AttachedImage _attached = null!;

    /// <summary>
    /// An assets file as restore writes it (content hashes, the packages folder), and that folder
    /// with Newtonsoft.Json's .nupkg.sha512 (SourceLink's package is not installed there).
    /// </summary>
    internal static string AssetsFile(string directory)
    {
        var packages = Path.Combine(directory, "packages");
        Installed(packages, "newtonsoft.json", "13.0.3", NewtonsoftSha512);
        var path = Path.Combine(directory, "obj", "project.assets.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $$"""
            {
              "version": 3,
              "libraries": {
                "Newtonsoft.Json/13.0.3": { "sha512": "{{Convert.ToBase64String(NewtonsoftContentHash)}}", "type": "package", "path": "newtonsoft.json/13.0.3" },
                "Microsoft.SourceLink.GitHub/8.0.0": { "sha512": "{{Convert.ToBase64String(SourceLinkContentHash)}}", "type": "package", "path": "microsoft.sourcelink.github/8.0.0" },
                "Lib/1.0.0": { "type": "project", "path": "../Lib/Lib.csproj" }
              },
              "packageFolders": { "{{packages.Replace("\\", "\\\\", StringComparison.Ordinal)}}/": {} }
            }
            """);
        return path;
    }

    /// <summary>What NuGet leaves beside a package it installed: the base64 SHA-512 of the .nupkg.</summary>
    internal static void Installed(string packages, string id, string version, byte[] sha512)
    {
        var folder = Path.Combine(packages, id, version);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{id}.{version}.nupkg.sha512"), Convert.ToBase64String(sha512));
    }

    private Containerizer Containerizer() => new(new HttpClient(_archive.Handler, disposeHandler: false), NullLogger.Instance,
        new FakeTimeProvider(FakeBookworm.Now), FakeBookworm.Keyring(), signingKeyPassword: () => Password);

    [OneTimeSetUp]
    public async Task BuildSignedAndUnsigned()
    {
        _temp = new TempDirectory();
        _archive = FakeBookworm.Create();
        _key = OpenSslKeys.Generate(_temp.Path, "ec", Password);
        var packages = _temp.Combine("packages");
        Installed(packages, "microsoft.netcore.app.runtime.linux-x64", "8.0.8", RuntimePackSha512);

        var plan = ContainerizerTests.Plan(_temp, FakePublishOutput.Write(_temp), _temp.Combine("cache"));
        _plan = plan with
        {
            App = plan.App with { Runtime = plan.App.Runtime with { NuGetPackagesFolder = packages } },
            SupplyChain = new SupplyChainPlan
            {
                SigningKey = _key.PrivateKeyPath,
                Project = "app.csproj",
                Configuration = "Release",
                TargetFramework = "net8.0",
                AssetsFile = AssetsFile(_temp.Path),
            },
        };

        _signed = await Containerizer().BuildAsync(_plan);
        _again = await Containerizer().BuildAsync(_plan with { ArchivePath = _temp.Combine("out", "again.tar") });
        _unsigned = await Containerizer().BuildAsync(_plan with { ArchivePath = _temp.Combine("out", "unsigned.tar"), SupplyChain = new SupplyChainPlan() });
        _attached = AttachedImage.FromArchive(_signed.ArchivePath!, new Distroless.Caching.BlobCache(_temp.Combine("read-cache")));
    }

    [OneTimeTearDown]
    public void Cleanup() => _temp.Dispose();

    private VerificationKey PublicKey => VerificationKey.Read(WritePublicKey(_key.PublicKeyPem));

    private string WritePublicKey(string pem)
    {
        var path = _temp.Combine($"public-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, pem);
        return path;
    }

    private Referrer Bundle(string predicateType) => _attached.Attachments.Single(a =>
        a.Referrer.Annotations?.GetValueOrDefault(Attestations.PredicateTypeAnnotation) == predicateType).Referrer;

    private InTotoStatement Provenance => InTotoStatement.Parse(SigstoreBundle.Parse(Bundle(SlsaProvenance.PredicateType).Content).Envelope.Payload);

    private JsonElement Predicate => JsonDocument.Parse(Provenance.Predicate).RootElement;

    private IEnumerable<JsonElement> Dependencies => Predicate.GetProperty("buildDefinition").GetProperty("resolvedDependencies").EnumerateArray();

    [Test]
    public void Signing_changes_nothing_in_the_image_and_the_signed_archive_is_reproducible()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_signed.Digest, Is.EqualTo(_unsigned.Digest), "the image digest does not depend on signing");
            Assert.That(File.ReadAllBytes(_again.ArchivePath!), Is.EqualTo(File.ReadAllBytes(_signed.ArchivePath!)),
                "same input, same key: the same archive, signatures included (RFC 6979)");
            Assert.That(new FileInfo(_signed.ArchivePath!).Length, Is.GreaterThan(new FileInfo(_unsigned.ArchivePath!).Length));
        });
    }

    [Test]
    public void The_archive_carries_a_signature_and_a_provenance_laid_out_as_cosign_describes()
    {
        var archive = ImageArchiveContents.Read(_signed.ArchivePath!);
        var referrers = archive.Files.Keys.Where(n => n.StartsWith("blobs/sha256/", StringComparison.Ordinal))
            .Select(n => archive.Files[n])
            .Where(b => b[0] == (byte)'{' && JsonDocument.Parse(b).RootElement.TryGetProperty("subject", out _))
            .ToList();

        Assert.That(referrers, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(archive.Json("index.json").GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("digest").GetString()).Distinct(),
                Is.EqualTo(new[] { _signed.Digest.ToString() }), "index.json names only the image: loaders see one image");
            foreach (var bytes in referrers)
            {
                var manifest = JsonDocument.Parse(bytes).RootElement;
                var layer = manifest.GetProperty("layers").EnumerateArray().Single();
                var bundle = archive.Blob(layer.GetProperty("digest").GetString()!);
                Assert.That(OciSchemas.Errors(OciSchemas.Manifest, bytes), Is.Empty);
                Assert.That(manifest.GetProperty("artifactType").GetString(), Is.EqualTo("application/vnd.dev.sigstore.bundle.v0.3+json"));
                Assert.That(manifest.GetProperty("config").GetProperty("mediaType").GetString(), Is.EqualTo("application/vnd.oci.empty.v1+json"));
                Assert.That(manifest.GetProperty("subject").GetProperty("digest").GetString(), Is.EqualTo(_signed.Digest.ToString()));
                Assert.That(manifest.GetProperty("annotations").GetProperty("dev.sigstore.bundle.content").GetString(), Is.EqualTo("dsse-envelope"));
                Assert.That(manifest.GetProperty("annotations").GetProperty("dev.sigstore.bundle.predicateType").GetString(),
                    Is.AnyOf("https://sigstore.dev/cosign/sign/v1", "https://slsa.dev/provenance/v1"));
                Assert.That(layer.GetProperty("mediaType").GetString(), Is.EqualTo("application/vnd.dev.sigstore.bundle.v0.3+json"));
                Assert.That(layer.GetProperty("annotations").GetProperty("org.opencontainers.image.title").GetString(),
                    Is.EqualTo($"sha256-{Digest.Compute(bundle).Hex}.sigstore.json"));
            }
        });
    }

    [Test]
    public void The_bundle_is_a_v0_3_bundle_with_the_public_key_hint_and_no_log_entry()
    {
        var bundle = JsonDocument.Parse(Bundle(Attestations.SignaturePredicateType).Content).RootElement;
        var statement = JsonDocument.Parse(bundle.GetProperty("dsseEnvelope").GetProperty("payload").GetBytesFromBase64()).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(bundle.GetProperty("mediaType").GetString(), Is.EqualTo(SigstoreBundle.MediaType));
            Assert.That(bundle.GetProperty("verificationMaterial").GetProperty("publicKey").GetProperty("hint").GetString(), Is.EqualTo(PublicKey.Hint));
            Assert.That(bundle.GetProperty("verificationMaterial").GetProperty("tlogEntries").GetArrayLength(), Is.Zero);
            Assert.That(bundle.GetProperty("dsseEnvelope").GetProperty("payloadType").GetString(), Is.EqualTo("application/vnd.in-toto+json"));
            Assert.That(statement.GetProperty("_type").GetString(), Is.EqualTo("https://in-toto.io/Statement/v1"));
            Assert.That(statement.GetProperty("predicateType").GetString(), Is.EqualTo("https://sigstore.dev/cosign/sign/v1"));
            Assert.That(statement.GetProperty("subject")[0].GetProperty("name").GetString(), Is.EqualTo("shop/api"));
            Assert.That(statement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString(), Is.EqualTo(_signed.Digest.Hex));
        });
    }

    [Test]
    [Category("Integration")]
    public async Task Sigstores_own_verifier_accepts_the_signature_and_the_provenance()
    {
        foreach (var predicateType in new[] { Attestations.SignaturePredicateType, SlsaProvenance.PredicateType })
        {
            var result = await SigstoreJsVerifier.VerifyAsync(Bundle(predicateType).Content, _key.PublicKeyPem);

            Assert.That(result.Verified, Is.True, result.Output);
            Assert.Multiple(() =>
            {
                Assert.That(result.Statement.GetProperty("predicateType").GetString(), Is.EqualTo(predicateType));
                Assert.That(result.Statement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString(), Is.EqualTo(_signed.Digest.Hex),
                    "the statement it verified is about this image");
            });
        }
    }

    [Test]
    [Category("Integration")]
    public async Task Sigstores_own_verifier_rejects_a_tampered_payload_and_another_key()
    {
        var bundle = JsonNode(Bundle(SlsaProvenance.PredicateType).Content);
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(bundle["dsseEnvelope"]!["payload"]!.GetValue<string>()));
        bundle["dsseEnvelope"]!["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("libc6", "libc7", StringComparison.Ordinal)));
        var other = OpenSslKeys.Generate(_temp.Path, "ec");

        var tampered = await SigstoreJsVerifier.VerifyAsync(Encoding.UTF8.GetBytes(bundle.ToJsonString()), _key.PublicKeyPem);
        var wrongKey = await SigstoreJsVerifier.VerifyAsync(Bundle(Attestations.SignaturePredicateType).Content, other.PublicKeyPem);

        Assert.Multiple(() =>
        {
            Assert.That(tampered.Verified, Is.False, tampered.Output);
            Assert.That(tampered.Output, Does.Contain("SIGNATURE_ERROR"));
            Assert.That(wrongKey.Verified, Is.False, wrongKey.Output);
            Assert.That(wrongKey.Output, Does.Contain("SIGNATURE_ERROR"));
        });
    }

    [Test]
    [Category("Integration")]
    public async Task Sigstores_own_verifier_accepts_an_Ed25519_signature()
    {
        var pair = OpenSslKeys.Generate(_temp.Path, "ed25519", Password);
        var key = SigningKeyReader.Read(pair.PrivateKeyPath, () => Password);
        var attachment = Attestations.Signature(key, _attached.Subjects[0].Descriptor, "shop/api");

        var result = await SigstoreJsVerifier.VerifyAsync(attachment.Referrer.Content, pair.PublicKeyPem);

        Assert.That(result.Verified, Is.True, result.Output);
    }

    private static System.Text.Json.Nodes.JsonNode JsonNode(byte[] json) => System.Text.Json.Nodes.JsonNode.Parse(json)!;

    [Test]
    public void The_image_verifies_with_its_public_key_and_with_no_other()
    {
        var verified = ImageVerifier.Verify(_attached, PublicKey, "shop-api.tar");
        var other = VerificationKey.Read(WritePublicKey(OpenSslKeys.Generate(_temp.Path, "ec").PublicKeyPem));

        var error = Assert.Throws<DistrolessException>(() => ImageVerifier.Verify(_attached, other, "shop-api.tar"))!;

        Assert.Multiple(() =>
        {
            Assert.That(verified.Subjects.Single().Result.Signature.Statement.Subjects.Single().Digest, Is.EqualTo(_signed.Digest));
            Assert.That(verified.Subjects.Single().Result.Provenance, Is.Not.Null);
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.AttestationSignatureInvalid));
            Assert.That(error.Message, Does.Contain(other.Hint));
        });
    }

    [Test]
    public void A_tampered_statement_does_not_verify()
    {
        var signature = Bundle(Attestations.SignaturePredicateType);
        var bundle = SigstoreBundle.Parse(signature.Content);
        var payload = Encoding.UTF8.GetString(bundle.Envelope.Payload).Replace("shop/api", "shop/apx", StringComparison.Ordinal);
        var tampered = Attestations.ToReferrer(bundle with { Envelope = bundle.Envelope with { Payload = Encoding.UTF8.GetBytes(payload) } },
            Attestations.SignaturePredicateType);
        var image = _attached with { Attachments = [new Attachment(_attached.Subjects[0].Descriptor, tampered)] };

        var error = Assert.Throws<DistrolessException>(() => ImageVerifier.Verify(image, PublicKey, "shop-api.tar"))!;

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.AttestationSignatureInvalid));
    }

    [Test]
    public void A_signature_of_another_image_attached_to_this_one_is_refused()
    {
        var key = SigningKeyReader.Read(_key.PrivateKeyPath, () => Password);
        var other = new Descriptor(MediaTypes.ImageManifest, Digest.Compute("another image"u8), 13);
        var moved = Attestations.Signature(key, other, "shop/api").Referrer;
        var image = _attached with { Attachments = [new Attachment(_attached.Subjects[0].Descriptor, moved)] };

        var error = Assert.Throws<DistrolessException>(() => ImageVerifier.Verify(image, PublicKey, "shop-api.tar"))!;

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.AttestationSubjectMismatch));
    }

    [Test]
    public void An_unsigned_image_has_no_signature_to_verify()
    {
        var unsigned = AttachedImage.FromArchive(_unsigned.ArchivePath!, new Distroless.Caching.BlobCache(_temp.Combine("read-cache")));

        var error = Assert.Throws<DistrolessException>(() => ImageVerifier.Verify(unsigned, PublicKey, "unsigned.tar"))!;

        Assert.Multiple(() =>
        {
            Assert.That(unsigned.Attachments, Is.Empty);
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.AttestationMissing));
        });
    }

    [Test]
    public void The_provenance_validates_against_the_in_toto_statement_and_SLSA_v1_schema()
    {
        var payload = SigstoreBundle.Parse(Bundle(SlsaProvenance.PredicateType).Content).Envelope.Payload;

        Assert.Multiple(() =>
        {
            Assert.That(ProvenanceSchema.Errors(payload), Is.Empty);
            Assert.That(ProvenanceSchema.Errors("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x"}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}"""u8.ToArray()),
                Is.Not.Empty, "the schema rejects what the specifications do");
        });
    }

    [Test]
    public async Task The_provenance_names_every_Debian_package_with_its_SHA_256_and_the_InRelease_it_was_listed_in()
    {
        var debs = Dependencies.Where(d => d.GetProperty("uri").GetString()!.StartsWith("pkg:deb/debian/", StringComparison.Ordinal)).ToList();
        var releases = Dependencies.Where(d => d.GetProperty("uri").GetString()!.EndsWith("/InRelease", StringComparison.Ordinal))
            .ToDictionary(d => d.GetProperty("uri").GetString()!, d => d.GetProperty("digest").GetProperty("sha256").GetString()!);
        using var http = new HttpClient(_archive.Handler, disposeHandler: false);
        var served = new Dictionary<string, string>();
        foreach (var uri in releases.Keys)
        {
            served[uri] = Digest.Compute(await http.GetByteArrayAsync(uri)).Hex;
        }

        Assert.Multiple(() =>
        {
            Assert.That(debs.Select(d => d.GetProperty("name").GetString()), Is.EquivalentTo(_signed.Packages.Select(p => p.Filename)));
            foreach (var package in _signed.Packages)
            {
                var entry = debs.Single(d => d.GetProperty("name").GetString() == package.Filename);
                Assert.That(entry.GetProperty("uri").GetString(), Does.StartWith($"pkg:deb/debian/{Distroless.Sbom.PackageUrl.Encode(package.Name)}@"));
                Assert.That(entry.GetProperty("digest").GetProperty("sha256").GetString(), Is.EqualTo(package.Sha256.Hex), package.Name);
                Assert.That(releases.Keys, Does.Contain(entry.GetProperty("annotations").GetProperty("inRelease").GetString()), package.Name);
            }

            Assert.That(releases.Keys, Is.EquivalentTo(new[]
            {
                "http://deb.test/debian/dists/bookworm/InRelease",
                "http://deb.test/debian/dists/bookworm-updates/InRelease",
                "http://security.test/debian-security/dists/bookworm-security/InRelease",
            }));
            Assert.That(releases, Is.EquivalentTo(served), "each InRelease by the digest of the file the archive serves");
        });
    }

    [Test]
    public void The_provenance_names_the_NuGet_packages_of_the_assets_file_and_the_runtime_pack_with_their_hashes()
    {
        var nuget = Dependencies.Where(d => d.GetProperty("uri").GetString()!.StartsWith("pkg:nuget/", StringComparison.Ordinal))
            .ToDictionary(d => d.GetProperty("uri").GetString()!, d => d);

        Assert.Multiple(() =>
        {
            Assert.That(nuget.Keys, Is.EquivalentTo(new[]
            {
                "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.8",
                "pkg:nuget/Microsoft.SourceLink.GitHub@8.0.0",
                "pkg:nuget/Newtonsoft.Json@13.0.3",
            }), "every package restore resolved (build-time ones too), project references left out, and the runtime pack");
            Assert.That(Hash(nuget["pkg:nuget/Newtonsoft.Json@13.0.3"], "sha512"), Is.EqualTo(NewtonsoftSha512), "the installed .nupkg's hash");
            Assert.That(Hash(nuget["pkg:nuget/Newtonsoft.Json@13.0.3"], "nugetContentHash"), Is.EqualTo(NewtonsoftContentHash), "the assets file's hash");
            Assert.That(Hash(nuget["pkg:nuget/Microsoft.SourceLink.GitHub@8.0.0"], "nugetContentHash"), Is.EqualTo(SourceLinkContentHash));
            Assert.That(nuget["pkg:nuget/Microsoft.SourceLink.GitHub@8.0.0"].GetProperty("digest").TryGetProperty("sha512", out _), Is.False,
                "not installed where the assets file says: no .nupkg hash rather than a guessed one");
            Assert.That(Hash(nuget["pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.8"], "sha512"), Is.EqualTo(RuntimePackSha512));
            Assert.That(nuget["pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.8"].GetProperty("annotations").GetProperty("runtimePack").GetString(), Is.EqualTo("true"));
        });
    }

    private static byte[] Hash(JsonElement dependency, string algorithm) => Convert.FromHexString(dependency.GetProperty("digest").GetProperty(algorithm).GetString()!);

    [Test]
    public void The_provenance_states_the_settings_the_builder_and_no_clock_time()
    {
        var parameters = Predicate.GetProperty("buildDefinition").GetProperty("externalParameters");
        var run = Predicate.GetProperty("runDetails");

        Assert.Multiple(() =>
        {
            Assert.That(Provenance.Subjects.Single().Digest, Is.EqualTo(_signed.Digest));
            Assert.That(Predicate.GetProperty("buildDefinition").GetProperty("buildType").GetString(), Is.EqualTo(SlsaProvenance.BuildType));
            Assert.That(parameters.GetProperty("project").GetString(), Is.EqualTo("app.csproj"));
            Assert.That(parameters.GetProperty("configuration").GetString(), Is.EqualTo("Release"));
            Assert.That(parameters.GetProperty("targetFramework").GetString(), Is.EqualTo("net8.0"));
            Assert.That(parameters.GetProperty("runtimeIdentifier").GetString(), Is.EqualTo("linux-x64"));
            Assert.That(parameters.GetProperty("image").GetProperty("tags").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "1.0", "latest" }));
            Assert.That(parameters.GetProperty("base").GetProperty("suite").GetString(), Is.EqualTo("bookworm"));
            Assert.That(parameters.GetProperty("container").GetProperty("user").GetString(), Is.EqualTo("65532"));
            Assert.That(parameters.GetProperty("sourceDateEpoch").GetInt64(), Is.EqualTo(_plan.SourceDateEpoch));
            Assert.That(run.GetProperty("builder").GetProperty("id").GetString(), Is.EqualTo(SlsaProvenance.LocalBuilderId));
            Assert.That(run.GetProperty("builder").GetProperty("version").GetProperty("Distroless.Sdk").GetString(), Is.EqualTo(SbomFactory.ToolVersion));
            Assert.That(run.TryGetProperty("metadata", out _), Is.False, "outside CI there is no invocation, and no start or end time ever");
            Assert.That(Encoding.UTF8.GetString(Provenance.Predicate), Does.Not.Contain(_temp.Path), "no path of this machine");
        });
    }

    [Test]
    public void Neither_the_key_nor_its_password_is_written_to_the_cache_the_outputs_or_the_plan()
    {
        var secrets = File.ReadAllLines(_key.PrivateKeyPath).Where(l => !l.StartsWith("-----", StringComparison.Ordinal))
            .Select(Encoding.ASCII.GetBytes).Append(Encoding.UTF8.GetBytes(Password)).ToList();
        var written = Directory.EnumerateFiles(_temp.Combine("cache"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(_temp.Combine("out"), "*", SearchOption.AllDirectories));

        // A live temporary area's lock file is empty and held exclusively by this process.
        var leaks = written.Where(file => !file.EndsWith(".lock", StringComparison.Ordinal))
            .Where(file => File.ReadAllBytes(file) is var content && secrets.Any(s => content.AsSpan().IndexOf(s) >= 0)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(leaks, Is.Empty);
            Assert.That(_plan.ToJson(), Does.Contain(_key.PrivateKeyPath).And.Not.Contain("PRIVATE KEY").And.Not.Contain(Password), "the plan names the key by its path");
        });
    }

    [Test]
    public async Task Provenance_false_signs_the_image_without_a_provenance()
    {
        var result = await Containerizer().BuildAsync(_plan with
        {
            ArchivePath = _temp.Combine("out", "no-provenance.tar"),
            SupplyChain = _plan.SupplyChain with { Provenance = false },
        });
        var attached = AttachedImage.FromArchive(result.ArchivePath!, new Distroless.Caching.BlobCache(_temp.Combine("read-cache")));

        var verified = ImageVerifier.Verify(attached, PublicKey, "no-provenance.tar");

        Assert.Multiple(() =>
        {
            Assert.That(attached.Attachments, Has.Length.EqualTo(1));
            Assert.That(verified.Subjects.Single().Result.Provenance, Is.Null);
        });
    }

    [TestCase("not the password", DiagnosticCodes.SigningKeyPasswordWrong)]
    [TestCase(null, DiagnosticCodes.SigningKeyPasswordMissing)]
    public void A_key_that_cannot_be_used_fails_the_build_before_anything_is_fetched_or_written(string? password, string code)
    {
        var before = _archive.RequestCounts.Values.Sum();
        var archivePath = _temp.Combine("out", $"bad-key-{Guid.NewGuid():N}.tar");
        var containerizer = new Containerizer(new HttpClient(_archive.Handler, disposeHandler: false), NullLogger.Instance,
            new FakeTimeProvider(FakeBookworm.Now), FakeBookworm.Keyring(), signingKeyPassword: () => password);

        var error = Assert.ThrowsAsync<DistrolessException>(() => containerizer.BuildAsync(_plan with { ArchivePath = archivePath }))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(code));
            Assert.That(File.Exists(archivePath), Is.False);
            Assert.That(_archive.RequestCounts.Values.Sum(), Is.EqualTo(before), "no request to the archive");
        });
    }

    [Test]
    public async Task Pushing_the_archive_later_attaches_its_signature_and_provenance_unchanged()
    {
        var registry = Distroless.Core.Tests.Registry.RegistryTestKit.NewRegistry();
        var containerizer = new Containerizer(new HttpClient(_archive.Handler, disposeHandler: false), NullLogger.Instance,
            credentials: Distroless.Core.Tests.Registry.RegistryTestKit.Login(), registryHandler: () => registry);

        var pushed = await containerizer.CopyAsync(new CopyPlan
        {
            Source = _signed.ArchivePath!,
            CacheDirectory = _temp.Combine("push-cache"),
            Output = new OutputTarget("shop/api", ["1.0"], null, registry.Host, null),
        });
        using var sessions = new RegistrySessions(Distroless.Core.Tests.Registry.RegistryTestKit.Options(registry), Distroless.Core.Tests.Registry.RegistryTestKit.Login(), NullLogger.Instance);
        var fetched = await AttachedImage.FromRegistryAsync(ImageReference.Parse($"{registry.Host}/shop/api:1.0"), host => sessions.Get(host, push: false));

        Assert.Multiple(() =>
        {
            Assert.That(pushed.Push!.ReferrersAttached, Is.EqualTo(2));
            Assert.That(fetched.Attachments.Select(a => Digest.Compute(a.Referrer.Content)), Is.EquivalentTo(_attached.Attachments.Select(a => Digest.Compute(a.Referrer.Content))));
            Assert.That(ImageVerifier.Verify(fetched, PublicKey, "registry.test/shop/api:1.0").Subjects.Single().Result.Provenance, Is.Not.Null);
        });
    }
}
