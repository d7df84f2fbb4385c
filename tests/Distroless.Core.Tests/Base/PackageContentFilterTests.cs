using Distroless.Base;

namespace Distroless.Core.Tests.Base;

/// <summary>Which package paths a base keeps: no docs (but the copyright), manuals, info, lintian, bug hooks, gdb helpers or translations.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class PackageContentFilterTests
{
    [TestCase("lib/x86_64-linux-gnu/libc.so.6", true)]
    [TestCase("lib64/ld-linux-x86-64.so.2", true)]
    [TestCase("etc/ssl/certs", true)]
    [TestCase("usr/share/zoneinfo/Europe/Berlin", true)]
    [TestCase("usr/lib/locale/C.utf8/LC_CTYPE", true)]
    [TestCase("usr/share", true)]
    [TestCase("usr/share/doc", true)]
    [TestCase("usr/share/doc/libc6", true)]
    [TestCase("usr/share/doc/libc6/copyright", true)]
    [TestCase("usr/share/doc/libc6/changelog.Debian.gz", false)]
    [TestCase("usr/share/doc/libc6/NEWS.gz", false)]
    [TestCase("usr/share/doc/libc6/examples/copyright", false)]
    [TestCase("usr/share/doc/libc6/copyright.orig", false)]
    [TestCase("usr/share/docs/readme", true)]
    [TestCase("usr/share/doc-base", false)]
    [TestCase("usr/share/doc-base/libc6", false)]
    [TestCase("usr/share/man", false)]
    [TestCase("usr/share/man/man1/ldd.1.gz", false)]
    [TestCase("usr/share/man/de/man1/x.1.gz", false)]
    [TestCase("usr/share/manifest.txt", true)]
    [TestCase("usr/share/info/libc.info.gz", false)]
    [TestCase("usr/share/lintian/overrides/libc6", false)]
    [TestCase("usr/share/bug/libc6/control", false)]
    [TestCase("usr/share/gdb/auto-load/lib/libstdc++.so.6.0.30-gdb.py", false)]
    [TestCase("usr/share/locale/de/LC_MESSAGES/libc.mo", false)]
    [TestCase("usr/share/localedata/x", true)]
    [TestCase("usr/local/share/man/x.1", true)]
    [TestCase("share/man/x.1", true)]
    public void Keep(string path, bool kept) => Assert.That(PackageContentFilter.Keep(path), Is.EqualTo(kept), path);
}
