using System.Collections.Immutable;
using Distroless.Debian;
using Distroless.Native;

namespace Distroless.Core.Tests.Native;

[Parallelizable(ParallelScope.All)]
public sealed class LibraryPackageChooserTests
{
    private static ContentsIndex.Hit Hit(string path, params string[] packages) => new(path, [.. packages]);

    private static LibraryPackageChooser.Choice? Choose(string soname, params ContentsIndex.Hit[] hits)
        => LibraryPackageChooser.Choose(soname, hits, NativeArchitecture.Amd64, name => name != "libgone1");

    [Test]
    public void The_library_package_in_the_multiarch_directory_wins_over_private_copies()
    {
        var choice = Choose("libjemalloc.so.2",
            Hit("usr/lib/x86_64-linux-gnu/dirsrv/lib/libjemalloc.so.2", "389-ds-base-libs"),
            Hit("usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "libjemalloc2"))!;

        Assert.Multiple(() =>
        {
            Assert.That(choice.Package, Is.EqualTo("libjemalloc2"));
            Assert.That(choice.Candidates, Is.EqualTo(new[] { "libjemalloc2" }), "a directory the loader does not search is no candidate");
            Assert.That(choice.Rule, Is.EqualTo("the only package that ships it"));
        });
    }

    [Test]
    public void Development_debug_and_unavailable_packages_are_never_chosen()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Choose("libfoo.so", Hit("usr/lib/x86_64-linux-gnu/libfoo.so", "libfoo-dev")), Is.Null);
            Assert.That(Choose("libfoo.so.1", Hit("usr/lib/x86_64-linux-gnu/libfoo.so.1", "libfoo1-dbg", "libfoo1-dbgsym")), Is.Null);
            Assert.That(Choose("libgone.so.1", Hit("usr/lib/x86_64-linux-gnu/libgone.so.1", "libgone1")), Is.Null);
            Assert.That(Choose("libfoo.so.1"), Is.Null);
        });
    }

    [Test]
    public void Among_equals_the_multiarch_directory_then_the_policy_name_then_the_name_decide()
    {
        var multiarch = Choose("libfoo.so.1", Hit("usr/lib/libfoo.so.1", "a-compat"), Hit("usr/lib/x86_64-linux-gnu/libfoo.so.1", "zz-libfoo"))!;
        var named = Choose("libfoo.so.1", Hit("usr/lib/x86_64-linux-gnu/libfoo.so.1", "aa-other", "libfoo1"))!;
        var t64 = Choose("libfoo.so.1", Hit("usr/lib/x86_64-linux-gnu/libfoo.so.1", "aa-other", "libfoo1t64"))!;
        var byName = Choose("libbar.so.1", Hit("usr/lib/x86_64-linux-gnu/libbar.so.1", "libbar-b", "libbar-a", "libbar-long"))!;

        Assert.Multiple(() =>
        {
            Assert.That((multiarch.Package, multiarch.Rule), Is.EqualTo(("zz-libfoo", "the only one in the multiarch directory")));
            Assert.That((named.Package, named.Rule), Is.EqualTo(("libfoo1", "Debian's library package name for it")));
            Assert.That(t64.Package, Is.EqualTo("libfoo1t64"));
            Assert.That((byName.Package, byName.Rule, byName.Candidates), Is.EqualTo(("libbar-a", "first by name", ImmutableArray.Create("libbar-a", "libbar-b", "libbar-long"))));
        });
    }

    [TestCase("libfontconfig.so.1", ExpectedResult = "libfontconfig1")]
    [TestCase("libssl.so.3", ExpectedResult = "libssl3")]
    [TestCase("libxml2.so.2", ExpectedResult = "libxml2-2")]
    [TestCase("libgtk-3.so.0", ExpectedResult = "libgtk-3-0")]
    [TestCase("libX11.so.6", ExpectedResult = "libx11-6")]
    [TestCase("libgdiplus.so", ExpectedResult = "libgdiplus")]
    [TestCase("no-soname", ExpectedResult = null)]
    public string? Debian_names_library_packages_after_the_soname(string soname) => LibraryPackageChooser.LibraryPackageName(soname);
}
