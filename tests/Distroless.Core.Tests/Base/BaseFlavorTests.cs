using System.Formats.Tar;
using Distroless.Base;

namespace Distroless.Core.Tests.Base;

[Parallelizable(ParallelScope.All)]
public sealed class BaseFlavorTests
{
    [Test]
    public void A_runtime_app_gets_the_whole_cc_list_and_ICU_unless_invariant()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BaseFlavor.Runtime(invariantGlobalization: false).PackagesOf(DebianRelease.Bookworm), Is.EqualTo(new[]
            {
                "base-files", "netbase", "tzdata", "media-types", "libc6", "gcc-12-base", "libgcc-s1", "libstdc++6",
                "libssl3", "ca-certificates", "libicu72",
            }));
            Assert.That(BaseFlavor.Runtime(invariantGlobalization: true).PackagesOf(DebianRelease.Bookworm), Does.Not.Contain("libicu72"));
        });
    }

    [TestCase(false, false, new[] { "base-files", "netbase", "tzdata", "media-types", "libc6", "gcc-12-base", "libgcc-s1" },
        TestName = "a Native AOT binary that loads nothing gets libc only")]
    [TestCase(true, false, new[] { "base-files", "netbase", "tzdata", "media-types", "libc6", "gcc-12-base", "libgcc-s1", "libssl3", "ca-certificates" },
        TestName = "a Native AOT binary that names libssl gets OpenSSL and the CA bundle")]
    [TestCase(false, true, new[] { "base-files", "netbase", "tzdata", "media-types", "libc6", "gcc-12-base", "libgcc-s1", "libstdc++6", "libicu72" },
        TestName = "a Native AOT binary that names ICU gets ICU and the C++ runtime ICU needs")]
    public void A_native_aot_app_gets_only_what_its_binary_references(bool ssl, bool icu, string[] expected)
        => Assert.That(new BaseFlavor(Cpp: false, Ssl: ssl, Icu: icu).PackagesOf(DebianRelease.Bookworm), Is.EqualTo(expected));

    [Test]
    public void Trixie_needs_zlib_and_zstd_for_its_openssl()
        => Assert.That(BaseFlavor.Runtime(true).PackagesOf(DebianRelease.Trixie),
            Does.Contain("libssl3t64").And.Contain("zlib1g").And.Contain("libzstd1").And.Contain("tzdata-legacy"));

    [TestCase("lib/x86_64-linux-gnu/libc.so.6", TarEntryType.RegularFile, "usr/lib/x86_64-linux-gnu/libc.so.6", TestName = "a file under /lib moves under /usr")]
    [TestCase("lib64/ld-linux-x86-64.so.2", TarEntryType.SymbolicLink, "usr/lib64/ld-linux-x86-64.so.2", TestName = "a link under /lib64 moves under /usr")]
    [TestCase("bin/true", TarEntryType.RegularFile, "usr/bin/true", TestName = "a program under /bin moves under /usr")]
    [TestCase("lib", TarEntryType.Directory, "", TestName = "a /lib directory entry is dropped")]
    [TestCase("sbin", TarEntryType.Directory, "", TestName = "a /sbin directory entry is dropped")]
    [TestCase("lib", TarEntryType.SymbolicLink, "lib", TestName = "base-files' /lib symlink stays")]
    [TestCase("library/x", TarEntryType.RegularFile, "library/x", TestName = "a name that only starts with lib stays")]
    [TestCase("usr/lib/x", TarEntryType.RegularFile, "usr/lib/x", TestName = "a path under /usr stays")]
    public void Merged_usr_paths(string path, TarEntryType type, string expected)
        => Assert.That(PackageLayer.MergedUsrPath(path, type), Is.EqualTo(expected));
}
