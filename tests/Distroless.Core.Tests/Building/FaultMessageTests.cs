using System.Net;
using Distroless.Building;
using Distroless.Core.Tests.Registry;
using Distroless.Core.Tests.TestSupport;
using Distroless.Diagnostics;
using Distroless.Testing;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// Messages that used to mislead: a locked build against a mirror that has no Debian archive at
/// all blamed the lock (DSTL2013); a ContainerBaseImage build wrote an empty lock file.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class FaultMessageTests
{
    /// <summary>A mirror URI that answers, but with 404 for every path (the wrong directory of a web server).</summary>
    private sealed class NotFoundEverywhere : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request });
    }

    private static async Task<ImagePlan> LockedPlanAsync(TempDirectory temp, FakeBookworm archive)
    {
        var plan = ContainerizerTests.Plan(temp, FakePublishOutput.Write(temp), temp.Combine("cache"));
        plan = plan with { Base = plan.Base with { LockFile = temp.Combine("distroless.lock.json") } };
        await ContainerizerTests.Containerizer(archive.Handler).BuildAsync(plan);
        Assert.That(File.Exists(plan.Base.LockFile), "the first build wrote the lock");
        // A fresh cache: the packages must come from the mirror again.
        return plan with { CacheDirectory = temp.Combine("cache2") };
    }

    [Test]
    public async Task A_locked_build_against_a_mirror_with_no_archive_says_the_mirror_has_none()
    {
        using var temp = new TempDirectory();
        var plan = await LockedPlanAsync(temp, FakeBookworm.Create());
        using var handler = new NotFoundEverywhere();

        var error = Assert.ThrowsAsync<DistrolessException>(() => ContainerizerTests.Containerizer(handler).BuildAsync(plan))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.ArchiveUnreachable), error.Message);
            Assert.That(error.Diagnostic.Message, Does.StartWith("the mirror http://").And.Contain("has no Debian archive there")
                .And.Contain("dists/bookworm").And.Contain("/InRelease").And.Contain(".deb"));
            Assert.That(error.Diagnostic.Fix, Does.Contain("dists/ and pool/").And.Not.Contain("DistrolessUpdateLock"));
        });
    }

    [Test]
    public async Task A_locked_package_gone_from_a_good_mirror_is_still_DSTL2013()
    {
        using var temp = new TempDirectory();
        var archive = FakeBookworm.Create();
        var plan = await LockedPlanAsync(temp, archive);
        var libc = archive.Security.Paths.Single(p => p.Contains("/libc6_", StringComparison.Ordinal));
        archive.Security.Remove(libc);

        var error = Assert.ThrowsAsync<DistrolessException>(() => ContainerizerTests.Containerizer(archive.Handler).BuildAsync(plan))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.LockedPackageGone), error.Message);
            Assert.That(error.Diagnostic.Message, Does.Contain("libc6").And.Contain(libc));
        });
    }

    [Test]
    public async Task A_registry_base_build_writes_no_lock_file_and_says_nothing_about_one()
    {
        using var temp = new TempDirectory();
        var registry = RegistryTestKit.NewRegistry();
        registry.AddImage("base/runtime", TestImage.Create("runtime", "amd64"), "1");
        var files = FakePublishOutput.Write(temp);
        var plan = ContainerizerTests.Plan(temp, files, temp.Combine("cache")) with { ArchivePath = temp.Combine("out", "image.tar") };
        plan = plan with { Base = plan.Base with { Image = "registry.test/base/runtime:1", LockFile = temp.Combine("distroless.lock.json") } };
        var log = new CapturingLogger();
        var containerizer = new Containerizer(new HttpClient(new NotFoundEverywhere()), log, new FakeTimeProvider(FakeBookworm.Now),
            credentials: RegistryTestKit.Login(), registryHandler: () => registry);

        await containerizer.BuildAsync(plan);

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(plan.Base.LockFile), Is.False, "a registry base is pinned by its digest, not a lock");
            Assert.That(log.Lines, Has.None.Contains("lock file"));
        });
    }
}
