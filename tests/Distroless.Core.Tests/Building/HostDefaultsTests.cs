using Distroless.Building;
using Distroless.Diagnostics;
using Distroless.Testing;

namespace Distroless.Core.Tests.Building;

/// <summary>The defaults hosts take from their environment, with the environment passed in (no ambient reads).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class HostDefaultsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
        => name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static TempDirectory AptWith(string sourcesList)
    {
        var apt = new TempDirectory();
        File.WriteAllText(apt.Combine("sources.list"), sourcesList);
        return apt;
    }

    private const string AptSources =
        "deb http://apt.test/debian bookworm main\ndeb http://apt.test/debian-security bookworm-security main\n";

    [Test]
    public void An_explicit_mirror_wins_over_the_environment_and_apt()
    {
        using var apt = AptWith(AptSources);
        var env = Env((HostDefaults.MirrorVariable, "http://env.test/debian"), (HostDefaults.SecurityMirrorVariable, "http://env.test/security"));

        Assert.That(HostDefaults.ResolveMirrors(" http://explicit.test/debian ", "http://explicit.test/security", "bookworm", env, apt.Path),
            Is.EqualTo(("http://explicit.test/debian", "http://explicit.test/security")));
    }

    [Test]
    public void The_environment_wins_over_apt()
    {
        using var apt = AptWith(AptSources);
        var env = Env((HostDefaults.MirrorVariable, "http://env.test/debian"), (HostDefaults.SecurityMirrorVariable, "http://env.test/security"));

        Assert.That(HostDefaults.ResolveMirrors(null, "", "bookworm", env, apt.Path), Is.EqualTo(("http://env.test/debian", "http://env.test/security")));
    }

    [Test]
    public void Apt_fills_in_what_is_left_each_mirror_on_its_own()
    {
        using var apt = AptWith(AptSources);
        var env = Env((HostDefaults.SecurityMirrorVariable, "http://env.test/security"));

        Assert.Multiple(() =>
        {
            Assert.That(HostDefaults.ResolveMirrors(null, null, "bookworm", Env(), apt.Path),
                Is.EqualTo(("http://apt.test/debian", "http://apt.test/debian-security")));
            Assert.That(HostDefaults.ResolveMirrors("  ", null, "bookworm", env, apt.Path),
                Is.EqualTo(("http://apt.test/debian", "http://env.test/security")));
        });
    }

    [Test]
    public void No_mirror_anywhere_resolves_to_empty_strings()
    {
        using var apt = new TempDirectory();

        Assert.That(HostDefaults.ResolveMirrors(null, null, "bookworm", Env(), apt.Path), Is.EqualTo(("", "")));
    }

    [Test]
    public void Apt_is_not_read_when_both_mirrors_are_known()
    {
        using var apt = new TempDirectory();
        Directory.CreateDirectory(apt.Combine("sources.list.d"));
        File.WriteAllText(apt.Combine("sources.list.d", "broken.sources"), "this is not deb822\n");

        Assert.That(HostDefaults.ResolveMirrors("http://m.test/debian", "http://s.test/debian-security", "bookworm", Env(), apt.Path),
            Is.EqualTo(("http://m.test/debian", "http://s.test/debian-security")));
    }

    [Test]
    public void The_cache_is_DISTROLESS_CACHE_then_XDG_CACHE_HOME_then_the_home_directory()
    {
        var both = Env((HostDefaults.CacheVariable, "/cache/explicit"), ("XDG_CACHE_HOME", "/cache/xdg"));

        Assert.Multiple(() =>
        {
            Assert.That(HostDefaults.CacheDirectory(both), Is.EqualTo("/cache/explicit"));
            Assert.That(HostDefaults.CacheDirectory(Env((HostDefaults.CacheVariable, " "), ("XDG_CACHE_HOME", "/cache/xdg"))),
                Is.EqualTo(Path.Combine("/cache/xdg", "distroless")));
            Assert.That(HostDefaults.CacheDirectory(Env()), Is.EqualTo(OperatingSystem.IsWindows()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "distroless", "cache")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "distroless")));
        });
    }

    [TestCase(null, 0L)]
    [TestCase("", 0L)]
    [TestCase("  ", 0L)]
    [TestCase("0", 0L)]
    [TestCase("1750000000", 1_750_000_000L)]
    [TestCase(" 1750000000\n", 1_750_000_000L)]
    public void SOURCE_DATE_EPOCH_is_whole_seconds(string? value, long expected)
        => Assert.That(HostDefaults.SourceDateEpoch(value), Is.EqualTo(expected));

    [TestCase("-1")]
    [TestCase("+5")]
    [TestCase("1.5")]
    [TestCase("1e9")]
    [TestCase("2025-06-15")]
    [TestCase("99999999999999999999")]
    public void An_invalid_SOURCE_DATE_EPOCH_is_DSTL1004(string value)
    {
        var error = Assert.Throws<DistrolessException>(() => HostDefaults.SourceDateEpoch(value))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.InvalidProperty));
            Assert.That(error.Message, Does.Contain("SOURCE_DATE_EPOCH").And.Contain(value));
        });
    }
}
