using System.Text;
using Distroless.Compression;
using Distroless.Testing;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>DebBuilder output is checked by dpkg-deb itself where it is installed.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class DebBuilderTests
{
    private static DebBuilder Package(CompressionFormat format) =>
        new DebBuilder("hello", "1:2.10-3", "amd64") { ControlCompression = format, DataCompression = format }
            .Field("Depends", "libc6 (>= 2.34)")
            .File("./usr/bin/hello", "#!/bin/sh\necho hello\n", mode: 0x1ed)
            .Symlink("./usr/bin/hi", "hello");

    [TestCase(CompressionFormat.Gzip, TestName = "dpkg-deb reads a gzip package")]
    [TestCase(CompressionFormat.Xz, TestName = "dpkg-deb reads an xz package")]
    [TestCase(CompressionFormat.Zstd, TestName = "dpkg-deb reads a zstd package")]
    public void Dpkg_deb_reads_the_package(CompressionFormat format)
    {
        if (!ExternalTool.Exists("dpkg-deb"))
        {
            Assert.Ignore("dpkg-deb is not installed");
        }

        using var dir = new TempDirectory();
        var deb = dir.Combine("hello.deb");
        File.WriteAllBytes(deb, Package(format).Build());

        var field = ExternalTool.Run("dpkg-deb", ["--field", deb, "Package", "Version", "Depends"]);
        var contents = ExternalTool.Run("dpkg-deb", ["--contents", deb]);
        if (field.ExitCode != 0 && field.Error.Contains("zst", StringComparison.Ordinal))
        {
            Assert.Ignore("this dpkg-deb cannot read zstd members");
        }

        Assert.That(field.ExitCode, Is.Zero, field.Error);
        Assert.That(field.OutputText, Is.EqualTo("Package: hello\nVersion: 1:2.10-3\nDepends: libc6 (>= 2.34)\n"));
        var names = contents.OutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5]);
        Assert.That(names, Is.EqualTo(new[] { "./", "./usr/", "./usr/bin/", "./usr/bin/hello", "./usr/bin/hi" }));
    }

    [Test]
    public void Md5sums_list_regular_files_without_the_dot_slash()
        => Assert.That(Package(CompressionFormat.Gzip).Md5Sums, Is.EqualTo(
            Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes("#!/bin/sh\necho hello\n"))) + "  usr/bin/hello\n"));

    [Test]
    public void Paths_are_normalized_to_dot_slash_form()
    {
        var builder = new DebBuilder("x").Dir("/etc").File("etc/.hidden", "").File("./etc/b", "");

        Assert.That(builder.Entries.Select(e => e.Path), Is.EqualTo(new[] { "./", "./etc/", "./etc/.hidden", "./etc/b" }));
    }
}
