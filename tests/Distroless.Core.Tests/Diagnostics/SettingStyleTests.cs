using Distroless.Diagnostics;

namespace Distroless.Core.Tests.Diagnostics;

/// <summary>A diagnostic names a setting once; each host spells it: MSBuild as a property, another host its own way.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class SettingStyleTests
{
    private static readonly Diagnostic LockOutOfDate = Errors.LockFileOutOfDate("/src/distroless.lock.json", "tzdata moved").Diagnostic;

    private static readonly SettingStyle Options = new((property, value) => property switch
    {
        "DistrolessUpdateLock" => "--update-lock",
        "DistrolessDebianSuite" => value is null ? "--suite" : "--suite " + value,
        _ => null,
    });

    [Test]
    public void MSBuild_spells_properties_and_assignments_as_on_the_dotnet_command_line()
    {
        var suite = Errors.UnsupportedSuite("sid", ["bookworm", "trixie"]).Diagnostic;

        Assert.Multiple(() =>
        {
            Assert.That(suite.Fix, Is.EqualTo("Set DistrolessDebianSuite to one of: bookworm, trixie."));
            Assert.That(LockOutOfDate.Fix, Does.Contain("-p:DistrolessUpdateLock=true").And.Contain("-p:DistrolessLocked=true"));
            Assert.That(SettingStyle.MSBuild.Render(suite), Is.EqualTo($"{suite.Message} {suite.Fix}"));
        });
    }

    [Test]
    public void Another_host_spells_the_settings_it_has_and_leaves_the_others_as_properties()
    {
        var text = Options.Render(LockOutOfDate);

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("--update-lock").And.Not.Contain("DistrolessUpdateLock"));
            Assert.That(text, Does.Contain("-p:DistrolessLocked=true"), "no option: the property");
            Assert.That(Options.Render(Errors.UnsupportedSuite("sid", ["bookworm"]).Diagnostic), Does.Contain("Set --suite to one of: bookworm."));
            Assert.That(text, Does.Not.Contain("⟦").And.Not.Contain("⟧"));
        });
    }

    [Test]
    public void A_name_that_is_no_property_is_written_as_it_is()
        => Assert.That(Errors.InvalidProperty("--package", "libfoo (>>", "a package").Diagnostic.MessageText, Does.StartWith("--package has the invalid value"));
}
