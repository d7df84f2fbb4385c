using Distroless.Building;
using Distroless.Core.Tests.TestSupport;
using Distroless.Testing;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// The incremental skip: a real build against the signed fake archive is recorded, then each
/// kind of change (a published file, a setting, the lock, the outputs) must make it stale.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class UpToDateCheckTests
{
    private sealed class Built : IDisposable
    {
        private Built(TempDirectory temp, ImagePlan plan, BuildResult result)
        {
            Temp = temp;
            Plan = plan;
            Result = result;
            RecordPath = temp.Combine("obj", "distroless.last-build.json");
        }

        public TempDirectory Temp { get; }

        public ImagePlan Plan { get; }

        public BuildResult Result { get; }

        public string RecordPath { get; }

        public static async Task<Built> CreateAsync()
        {
            var temp = new TempDirectory();
            var archive = FakeBookworm.Create();
            var plan = ContainerizerTests.Plan(temp, FakePublishOutput.Write(temp), temp.Combine("cache"));
            plan = plan with { Base = plan.Base with { LockFile = temp.Combine("distroless.lock.json") } };
            var result = await ContainerizerTests.Containerizer(archive.Handler).BuildAsync(plan);
            var built = new Built(temp, plan, result);
            UpToDateCheck.Record(built.RecordPath, [plan], result);
            return built;
        }

        public BuildRecord? Current(ImagePlan? plan = null) => UpToDateCheck.FindCurrent(RecordPath, [plan ?? Plan]);

        public void Dispose() => Temp.Dispose();
    }

    [Test]
    public async Task An_unchanged_build_is_current_with_its_digest_archive_and_SBOMs()
    {
        using var built = await Built.CreateAsync();

        var record = built.Current();

        Assert.That(record, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(record!.Digest, Is.EqualTo(built.Result.Digest.ToString()));
            Assert.That(record.ArchivePath, Is.EqualTo(built.Result.ArchivePath));
            Assert.That(record.Outputs.Select(o => o.Path), Is.EqualTo(new[] { built.Result.ArchivePath! }.Concat(built.Result.SbomPaths)));
            Assert.That(File.Exists(built.Plan.Base.LockFile), "the build wrote the lock the fingerprint covers");
        });
    }

    [Test]
    public async Task A_rebuilt_app_file_makes_it_stale()
    {
        using var built = await Built.CreateAsync();
        var dll = built.Plan.App.Files.Single(f => f.RelativePath == "app.dll").SourcePath;

        File.SetLastWriteTimeUtc(dll, File.GetLastWriteTimeUtc(dll).AddSeconds(1));

        Assert.That(built.Current(), Is.Null);
    }

    [Test]
    public async Task A_changed_setting_makes_it_stale()
    {
        using var built = await Built.CreateAsync();

        var changed = built.Plan with { Container = built.Plan.Container with { User = "1000" } };

        Assert.That(built.Current(changed), Is.Null);
    }

    [Test]
    public async Task A_replaced_signing_key_makes_it_stale_and_the_record_never_holds_the_key()
    {
        using var built = await Built.CreateAsync();
        var key = built.Temp.Combine("signing.pem");
        using (var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        }

        var signed = built.Plan with { SupplyChain = new SupplyChainPlan { SigningKey = key } };
        UpToDateCheck.Record(built.RecordPath, [signed], built.Result);
        var before = built.Current(signed);
        using (var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(key, other.ExportPkcs8PrivateKeyPem());
        }

        File.SetLastWriteTimeUtc(key, File.GetLastWriteTimeUtc(key).AddSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.Not.Null);
            Assert.That(built.Current(signed), Is.Null);
            Assert.That(File.ReadAllText(built.RecordPath), Does.Not.Contain("PRIVATE KEY").And.Not.Contain(File.ReadAllText(key).Split('\n')[1]));
        });
    }

    [Test]
    public async Task A_changed_lock_makes_it_stale()
    {
        using var built = await Built.CreateAsync();

        File.AppendAllText(built.Plan.Base.LockFile!, "\n");

        Assert.That(built.Current(), Is.Null);
    }

    [TestCase("archive")]
    [TestCase("sbom")]
    public async Task A_deleted_or_touched_output_makes_it_stale(string which)
    {
        using var built = await Built.CreateAsync();
        var path = which == "archive" ? built.Result.ArchivePath! : built.Result.SbomPaths[0];

        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(5));
        var touched = built.Current();
        File.Delete(path);

        Assert.Multiple(() =>
        {
            Assert.That(touched, Is.Null, "touched");
            Assert.That(built.Current(), Is.Null, "deleted");
        });
    }

    [Test]
    public async Task An_unreadable_record_means_build()
    {
        using var built = await Built.CreateAsync();

        File.WriteAllText(built.RecordPath, "{ not json");

        Assert.That(built.Current(), Is.Null);
    }

    [Test]
    public async Task A_push_never_qualifies_and_its_build_forgets_the_last_record()
    {
        using var built = await Built.CreateAsync();
        var push = built.Plan with { Registry = "registry.test" };

        UpToDateCheck.Record(built.RecordPath, [push], built.Result);

        Assert.Multiple(() =>
        {
            Assert.That(UpToDateCheck.Ineligible([push]), Does.Contain("registry"));
            Assert.That(File.Exists(built.RecordPath), Is.False);
            Assert.That(built.Current(), Is.Null);
        });
    }

    [TestCase(null, "Auto", ExpectedResult = "no lock file pins the base")]
    [TestCase("lock.json", "Update", ExpectedResult = "no lock file pins the base")]
    [TestCase("lock.json", "Locked", ExpectedResult = null)]
    public string? Only_a_locked_base_qualifies(string? lockFile, string mode)
    {
        using var temp = new TempDirectory();
        var plan = ContainerizerTests.Plan(temp, FakePublishOutput.Write(temp), temp.Combine("cache"));
        return UpToDateCheck.Ineligible([plan with { Base = plan.Base with { LockFile = lockFile, LockMode = Enum.Parse<Distroless.Base.LockMode>(mode) } }]);
    }

    [Test]
    public void A_tagged_base_image_does_not_qualify_a_digest_pinned_one_does()
    {
        using var temp = new TempDirectory();
        var plan = ContainerizerTests.Plan(temp, FakePublishOutput.Write(temp), temp.Combine("cache"));
        plan = plan with { Base = plan.Base with { LockFile = "lock.json" } };

        Assert.Multiple(() =>
        {
            Assert.That(UpToDateCheck.Ineligible([plan with { Base = plan.Base with { Image = "registry.test/base:1" } }]), Does.Contain("tag"));
            Assert.That(UpToDateCheck.Ineligible([plan with { Base = plan.Base with { Image = "registry.test/base@sha256:" + new string('a', 64) } }]), Is.Null);
        });
    }
}
