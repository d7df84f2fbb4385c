using Distroless.Building;
using Distroless.Diagnostics;
using Distroless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static Distroless.Diagnostics.DiagnosticCodes;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// A base-only build (`distroless base`) checks its plan before anything is fetched: every bad
/// value is its DSTL1xxx code naming the setting, never DSTL9001 from a URI or a package parser
/// deep inside, and the Debian archive is never asked.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class BaseImagePlanValidationTests
{
    private static TestCaseData Case(string summary, string code, string named, Func<BaseImagePlan, BaseImagePlan> change)
        => new TestCaseData(change, code, named).SetName(summary + " → " + code);

    private static IEnumerable<TestCaseData> BadPlans()
    {
        yield return Case("an empty mirror", NoDebianMirror, "archive mirror", p => p with { Mirror = "" });
        yield return Case("an empty security mirror", NoDebianMirror, "security mirror", p => p with { SecurityMirror = " " });
        yield return Case("a mirror that is no URI", InvalidProperty, "DistrolessDebianMirror", p => p with { Mirror = "deb.mirror.test/debian" });
        yield return Case("an ftp mirror", InvalidProperty, "DistrolessDebianSecurityMirror", p => p with { SecurityMirror = "ftp://deb.test/debian-security" });
        yield return Case("a package with a broken version", InvalidProperty, "DistrolessPackage", p => p with { ExtraPackages = ["libfoo (>>"] });
        yield return Case("two packages in one item", InvalidProperty, "DistrolessPackage", p => p with { ExtraPackages = ["libfoo, libbar"] });
        yield return Case("alternatives in one item", InvalidProperty, "DistrolessPackage", p => p with { ExtraPackages = ["libfoo | libbar"] });
        yield return Case("an empty package", InvalidProperty, "DistrolessPackage", p => p with { ExtraPackages = [""] });
        yield return Case("an unknown suite", UnsupportedSuite, "sid", p => p with { Suite = "sid" });
        yield return Case("a Windows runtime identifier", UnsupportedRuntimeIdentifier, "win-x64", p => p with { RuntimeIdentifiers = ["linux-x64", "win-x64"] });
        yield return Case("no runtime identifier", InvalidProperty, "ContainerRuntimeIdentifiers", p => p with { RuntimeIdentifiers = [] });
        yield return Case("a runtime identifier twice", InvalidProperty, "ContainerRuntimeIdentifiers", p => p with { RuntimeIdentifiers = ["linux-x64", "linux-x64"] });
        yield return Case("an unknown flavor", InvalidProperty, "flavor", p => p with { Flavor = (BaseImageFlavor)7 });
        yield return Case("an unknown lock mode", InvalidProperty, "DistrolessLockMode", p => p with { LockMode = (Distroless.Base.LockMode)9 });
        yield return Case("a negative SOURCE_DATE_EPOCH", InvalidProperty, "SOURCE_DATE_EPOCH", p => p with { SourceDateEpoch = -1 });
        yield return Case("an uppercase repository", InvalidProperty, "ContainerRepository", p => p with { Output = p.Output with { Repository = "Shop/Base" } });
        yield return Case("a tag with a slash", InvalidProperty, "ContainerImageTags", p => p with { Output = p.Output with { Tags = ["a/b"] } });
        yield return Case("no destination", InvalidProperty, "ContainerArchiveOutputPath", p => p with { Output = p.Output with { ArchivePath = null } });
        yield return Case("an unknown engine", InvalidProperty, "LocalRegistry", p => p with { Output = p.Output with { LocalEngine = "lxd" } });
    }

    [TestCaseSource(nameof(BadPlans))]
    public void A_bad_base_plan_fails_with_its_code_before_any_download(Func<BaseImagePlan, BaseImagePlan> change, string code, string named)
    {
        using var temp = new TempDirectory();
        var plan = change(new BaseImagePlan
        {
            Mirror = "http://deb.test/debian",
            SecurityMirror = "http://deb.test/debian-security",
            CacheDirectory = temp.Combine("cache"),
            Output = new OutputTarget("distroless/base", ["latest"], temp.Combine("base.tar"), Registry: null, LocalEngine: null),
        });
        var archive = new NoArchive();
        var containerizer = new Containerizer(new HttpClient(archive), NullLogger.Instance);

        var error = Assert.ThrowsAsync<DistrolessException>(() => containerizer.BuildBaseAsync(plan))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(code), error.Message);
            Assert.That(error.Message, Does.Contain(named));
            Assert.That(archive.Requests, Is.Zero, "the plan is checked before the archive is asked");
            Assert.That(File.Exists(temp.Combine("base.tar")), Is.False);
        });
    }

    [Test]
    public void A_good_base_plan_passes()
        => Assert.That(() => ImagePlanValidator.Validate(new BaseImagePlan
        {
            RuntimeIdentifiers = ["linux-x64", "linux-arm64"],
            Mirror = "http://deb.test/debian",
            SecurityMirror = "https://deb.test/debian-security",
            Flavor = BaseImageFlavor.Aot,
            ExtraPackages = ["libgssapi-krb5-2", "libfoo1 (>= 1.2)"],
            LockMode = Distroless.Base.LockMode.Update,
            CacheDirectory = "/tmp/cache",
            Output = new OutputTarget("shop/base", ["bookworm"], ArchivePath: null, "ghcr.io", LocalEngine: null),
        }), Throws.Nothing);

    private sealed class NoArchive : HttpMessageHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            throw new InvalidOperationException($"unexpected Debian request {request.RequestUri}");
        }
    }
}
