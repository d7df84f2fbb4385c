using Distroless.Core.Tests.TestSupport;
using Distroless.Native;
using Distroless.Testing;

namespace Distroless.Core.Tests.Native;

[Parallelizable(ParallelScope.All)]
public sealed class ElfReaderTests
{
    [TestCase(true, true, TestName = "ELF64 little-endian: needed, soname, runpath and rpath")]
    [TestCase(true, false, TestName = "ELF64 big-endian: needed, soname, runpath and rpath")]
    [TestCase(false, true, TestName = "ELF32 little-endian: needed, soname, runpath and rpath")]
    [TestCase(false, false, TestName = "ELF32 big-endian: needed, soname, runpath and rpath")]
    public void Reads_the_dynamic_section(bool is64, bool little)
    {
        var bytes = new ElfBuilder
        {
            Is64 = is64,
            LittleEndian = little,
            Machine = ElfBuilder.AArch64,
            SoName = "libSkiaSharp.so.156",
            Needed = ["libfontconfig.so.1", "libc.so.6"],
            RunPath = "$ORIGIN:/opt/lib",
            RPath = "/old",
        }.Build();

        var elf = ElfReader.Read(bytes, "app/libSkiaSharp.so")!;

        Assert.Multiple(() =>
        {
            Assert.That(elf.Path, Is.EqualTo("app/libSkiaSharp.so"));
            Assert.That((elf.Machine, elf.Is64, elf.IsDynamic), Is.EqualTo((ElfBuilder.AArch64, is64, true)));
            Assert.That(elf.SoName, Is.EqualTo("libSkiaSharp.so.156"));
            Assert.That(elf.Needed, Is.EqualTo(new[] { "libfontconfig.so.1", "libc.so.6" }));
            Assert.That(elf.RunPath, Is.EqualTo(new[] { "$ORIGIN", "/opt/lib" }));
            Assert.That(elf.RPath, Is.EqualTo(new[] { "/old" }));
            Assert.That(elf.Interpreter, Is.Null);
        });
    }

    [Test]
    public void A_program_names_its_interpreter_and_a_musl_build_says_so()
    {
        var glibc = ElfReader.Read(new ElfBuilder { Interpreter = "/lib64/ld-linux-x86-64.so.2", Needed = ["libc.so.6"] }.Build(), "app/app")!;
        var musl = ElfReader.Read(ElfBuilder.Library("librocksdb.so.11", "libc.musl-x86_64.so.1").Build(), "app/librocksdb-musl.so")!;

        Assert.Multiple(() =>
        {
            Assert.That(glibc.Interpreter, Is.EqualTo("/lib64/ld-linux-x86-64.so.2"));
            Assert.That(glibc.IsMusl, Is.False);
            Assert.That(musl.IsMusl, Is.True);
        });
    }

    [Test]
    public void A_static_file_has_no_dynamic_section_and_a_data_file_is_no_ELF()
    {
        var statik = ElfReader.Read(FakeElf.Create(interpreter: false), "app/static")!;

        Assert.Multiple(() =>
        {
            Assert.That(statik.IsDynamic, Is.False);
            Assert.That(statik.Needed, Is.Empty);
            Assert.That(ElfReader.Read("MZ not an ELF file at all, just bytes"u8.ToArray(), "app/app.dll"), Is.Null);
            Assert.That(ElfReader.Read([0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1], "app/truncated"), Is.Null);
        });
    }

    [Test]
    public void A_dynamic_section_outside_the_file_gives_what_the_headers_say_and_no_more()
    {
        var bytes = ElfBuilder.Library("libx.so.1", "liby.so.2").Build();
        var truncated = bytes[..^24]; // the dynamic section's tail is gone

        var elf = ElfReader.Read(truncated, "usr/lib/libx.so.1");

        Assert.That(elf?.Needed ?? [], Is.Empty, "nothing is invented from a damaged file");
    }

    [Test]
    public void Reads_the_real_zlib_of_this_machine_like_readelf()
    {
        const string zlib = "/lib/x86_64-linux-gnu/libz.so.1";
        if (!File.Exists(zlib))
        {
            Assert.Ignore("no " + zlib + " here");
        }

        var elf = ElfReader.Read(zlib, "lib/x86_64-linux-gnu/libz.so.1")!;

        Assert.Multiple(() =>
        {
            Assert.That(elf.SoName, Is.EqualTo("libz.so.1"));
            Assert.That(elf.Needed, Is.EqualTo(new[] { "libc.so.6" }));
            Assert.That(elf.Machine, Is.EqualTo(ElfBuilder.X8664));
        });
    }
}
