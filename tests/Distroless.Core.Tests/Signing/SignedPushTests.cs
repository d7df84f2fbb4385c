using System.Text.Json;
using Distroless.Building;
using Distroless.Core.Tests.Registry;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Provenance;
using Distroless.Registry;
using Distroless.Signing;
using Distroless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Kind = Distroless.Testing.Registry.RegistryRequestKind;

namespace Distroless.Core.Tests.Signing;

/// <summary>
/// A signed multi-platform push to the in-process registry (a registry base, two platforms):
/// the index and each platform image get a signature and a provenance, under the referrers tag
/// schema or through the referrers API, and are found again and verified from the registry.
/// (docker-registry 2.8, the real registry of Distroless.RegistryTests, has only the tag schema.)
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class SignedPushTests
{
    private const string Password = "push-key-pw";

    private static (Containerizer Containerizer, SigningKey Key, string PublicKeyPem, ImagePlan[] Plans) Signed(ContainerizerRegistryTests.Setup setup,
        string? password = Password)
    {
        var pair = OpenSslKeys.Generate(setup.Temp.Path, "ec", Password);
        var containerizer = new Containerizer(new HttpClient(new ContainerizerRegistryTests.NoDebianArchive()), NullLogger.Instance,
            credentials: RegistryTestKit.Login(), registryHandler: () => setup.Registry, signingKeyPassword: () => password);
        var supplyChain = new SupplyChainPlan { SigningKey = pair.PrivateKeyPath, Project = "api.csproj" };
        return (containerizer, SigningKeyReader.Read(pair.PrivateKeyPath, () => Password), pair.PublicKeyPem,
            [setup.Plan("linux-x64") with { SupplyChain = supplyChain }, setup.Plan("linux-arm64") with { SupplyChain = supplyChain }]);
    }

    private static async Task<AttachedImage> FetchAsync(ContainerizerRegistryTests.Setup setup, string reference)
    {
        using var sessions = new RegistrySessions(RegistryTestKit.Options(setup.Registry), RegistryTestKit.Login(), NullLogger.Instance);
        return await AttachedImage.FromRegistryAsync(ImageReference.Parse(reference), host => sessions.Get(host, push: false));
    }

    [TestCase(false, TestName = "Every manifest of a multi-platform push is signed and attested (referrers tag schema)")]
    [TestCase(true, TestName = "Every manifest of a multi-platform push is signed and attested (referrers API)")]
    public async Task Every_manifest_is_signed_and_attested(bool referrersApi)
    {
        using var setup = new ContainerizerRegistryTests.Setup();
        setup.Registry.SupportsReferrers = referrersApi;
        var (containerizer, key, _, plans) = Signed(setup);

        var result = await containerizer.BuildAsync(plans);
        var fetched = await FetchAsync(setup, "registry.test/shop/api:1.0");
        var verified = ImageVerifier.Verify(fetched, key.PublicKey, "registry.test/shop/api:1.0");

        Assert.Multiple(() =>
        {
            Assert.That(result.Push!.ReferrersAttached, Is.EqualTo(2 * 2 + 2 * 2 + 2), "two SBOMs, a signature and a provenance per image; a signature and a provenance for the index");
            Assert.That(verified.Subjects.Select(s => s.Subject.Name), Is.EqualTo(new[] { "index", "linux/amd64", "linux/arm64/v8" }));
            Assert.That(verified.Subjects.Select(s => s.Result.Subject), Is.EqualTo(result.Images.Select(i => i.Digest).Prepend(result.Digest)));
            Assert.That(verified.Subjects.All(s => s.Result.Provenance is not null));
            Assert.That(setup.Registry.Tags("shop/api").Where(t => t.StartsWith("sha256-", StringComparison.Ordinal)).ToList(),
                referrersApi ? Is.Empty : Has.Count.EqualTo(3), "fallback tags only without the referrers API");
            Assert.That(setup.Registry.Exchanges.Count(e => e.Kind == Kind.Referrers), Is.EqualTo(3), "the API is asked first, for every manifest");
        });
    }

    [Test]
    public async Task The_fallback_index_repeats_the_bundle_annotations_as_the_referrers_API_would()
    {
        using var setup = new ContainerizerRegistryTests.Setup();
        var (containerizer, _, _, plans) = Signed(setup);

        var result = await containerizer.BuildAsync(plans);

        var tag = setup.Registry.Resolve("shop/api", "sha256-" + result.Digest.Hex)!.Value;
        var entries = JsonDocument.Parse(setup.Registry.Manifest(tag)!.Value.Content).RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.That(entries.Select(e => e.GetProperty("annotations").GetProperty("dev.sigstore.bundle.predicateType").GetString()),
            Is.EquivalentTo(new[] { Attestations.SignaturePredicateType, SlsaProvenance.PredicateType }));
        Assert.That(entries.Select(e => e.GetProperty("annotations").GetProperty("dev.sigstore.bundle.content").GetString()), Is.All.EqualTo("dsse-envelope"));
    }

    [Test]
    public async Task The_provenances_name_the_registry_base_and_the_index_names_its_platform_images()
    {
        using var setup = new ContainerizerRegistryTests.Setup();
        var (containerizer, key, _, plans) = Signed(setup);

        var result = await containerizer.BuildAsync(plans);
        var verified = ImageVerifier.Verify(await FetchAsync(setup, "registry.test/shop/api:1.0"), key.PublicKey, "shop/api");

        JsonElement Dependencies(int i) => JsonDocument.Parse(verified.Subjects[i].Result.Provenance!.Statement.Predicate).RootElement
            .GetProperty("buildDefinition").GetProperty("resolvedDependencies");
        var index = Dependencies(0).EnumerateArray().ToList();
        var amd64 = Dependencies(1).EnumerateArray().ToList();
        var parameters = JsonDocument.Parse(verified.Subjects[0].Result.Provenance!.Statement.Predicate).RootElement
            .GetProperty("buildDefinition").GetProperty("externalParameters");
        Assert.Multiple(() =>
        {
            Assert.That(index.Select(d => d.GetProperty("digest").GetProperty("sha256").GetString()), Is.EqualTo(result.Images.Select(i => i.Digest.Hex)));
            Assert.That(index.Select(d => d.GetProperty("name").GetString()), Is.EqualTo(new[] { "linux/amd64", "linux/arm64/v8" }));
            Assert.That(parameters.GetProperty("runtimeIdentifiers").EnumerateArray().Select(r => r.GetString()), Is.EqualTo(new[] { "linux-x64", "linux-arm64" }));
            Assert.That(amd64.Single(d => d.GetProperty("uri").GetString()!.StartsWith("pkg:oci/runtime-deps@", StringComparison.Ordinal))
                .GetProperty("name").GetString(), Is.EqualTo("registry.test/base/runtime-deps:1.0"));
        });
    }

    [Test]
    public async Task A_republish_finds_its_signatures_attached_and_attaches_nothing()
    {
        using var setup = new ContainerizerRegistryTests.Setup();
        var (containerizer, _, _, plans) = Signed(setup);

        await containerizer.BuildAsync(plans);
        var again = await containerizer.BuildAsync(plans);

        Assert.That(again.Push!.ReferrersAttached, Is.Zero, "deterministic signatures: the same bundles, already there");
    }

    [Test]
    public void A_wrong_password_pushes_nothing()
    {
        using var setup = new ContainerizerRegistryTests.Setup();
        var (containerizer, _, _, plans) = Signed(setup, password: "wrong");
        var before = setup.Registry.Exchanges.Count;

        var error = Assert.ThrowsAsync<DistrolessException>(() => containerizer.BuildAsync(plans))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.SigningKeyPasswordWrong));
            Assert.That(setup.Registry.Exchanges.Count, Is.EqualTo(before), "not a single request");
            Assert.That(setup.Registry.Tags("shop/api"), Is.Empty);
        });
    }
}
