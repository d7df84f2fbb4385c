using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Distroless.App;
using Distroless.Core.Tests.TestSupport;
using Distroless.Testing;

namespace Distroless.Core.Tests.App;

/// <summary>A file's mode comes from its content: a program asks for an interpreter (PT_INTERP) or starts with "#!".</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ExecutableDetectorTests
{
    private static bool Detect(byte[] content) => ExecutableDetector.IsExecutable(new MemoryStream(content, writable: false));

    private static IEnumerable<TestCaseData> Cases()
    {
        TestCaseData Case(byte[] content, bool expected, string summary) => new TestCaseData(content, expected).SetName(summary);

        yield return Case(FakeElf.Create(), true, "ELF64 little-endian PIE with PT_INTERP is a program");
        yield return Case(FakeElf.Create(type: FakeElf.EtExec), true, "ELF64 ET_EXEC with PT_INTERP is a program");
        yield return Case(FakeElf.Create(interpreter: false), false, "ELF64 shared object without PT_INTERP is a library");
        yield return Case(FakeElf.Create(type: FakeElf.EtExec, interpreter: false), true, "ELF64 static ET_EXEC without PT_INTERP is a program");
        yield return Case(FakeElf.Create(is64: false, interpreterPath: "/lib/ld-linux.so.2"), true, "ELF32 with PT_INTERP is a program");
        yield return Case(FakeElf.Create(is64: false, interpreter: false), false, "ELF32 shared object is a library");
        yield return Case(FakeElf.Create(littleEndian: false, interpreterPath: "/lib/ld64.so.1"), true, "ELF64 big-endian with PT_INTERP is a program");
        yield return Case(FakeElf.Create(littleEndian: false, interpreter: false), false, "ELF64 big-endian shared object is a library");
        yield return Case(FakeElf.Create(is64: false, littleEndian: false, interpreterPath: "/lib/ld.so.1"), true, "ELF32 big-endian with PT_INTERP is a program");
        yield return Case("#!/bin/sh\necho hi\n"u8.ToArray(), true, "a shell script is a program");
        yield return Case("#!"u8.ToArray(), true, "a bare shebang is a program");
        yield return Case("# comment\n"u8.ToArray(), false, "a '#' line is not a shebang");
        yield return Case("{\"Logging\":{}}\n"u8.ToArray(), false, "JSON is data");
        yield return Case([0x4d, 0x5a, 0x90, 0x00, 0x03], false, "a PE assembly is data");
        yield return Case([], false, "an empty file is data");
        yield return Case("x"u8.ToArray(), false, "a one-byte file is data");
        yield return Case([0x7f, (byte)'E', (byte)'L', (byte)'F'], false, "the ELF magic alone is data");
        yield return Case(FakeElf.Create()[..40], false, "a truncated ELF header is data");
        yield return Case(FakeElf.Create()[..70], false, "an ELF whose program headers are cut off is data");
        yield return Case(Tamper(FakeElf.Create(), 54, 1), false, "an ELF with 1-byte program header entries is data");
        yield return Case(Tamper(FakeElf.Create(), 56, 0), false, "an ELF without program headers is data");
        yield return Case(Tamper64(FakeElf.Create(), 32, ulong.MaxValue), false, "an ELF with e_phoff past any file is data");
        yield return Case(Tamper64(FakeElf.Create(), 32, 1 << 20), false, "an ELF with e_phoff past the end is data");
    }

    private static byte[] Tamper(byte[] elf, int offset, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(offset), value);
        return elf;
    }

    private static byte[] Tamper64(byte[] elf, int offset, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(offset), value);
        return elf;
    }

    [TestCaseSource(nameof(Cases))]
    public void Content_decides(byte[] content, bool executable) => Assert.That(Detect(content), Is.EqualTo(executable));

    [Test]
    public void A_file_path_is_read_the_same_way()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("app"), FakeElf.Create());
        File.WriteAllBytes(dir.Combine("lib.so"), FakeElf.Create(interpreter: false));

        Assert.Multiple(() =>
        {
            Assert.That(ExecutableDetector.IsExecutable(dir.Combine("app")), Is.True);
            Assert.That(ExecutableDetector.IsExecutable(dir.Combine("lib.so")), Is.False);
        });
    }

    [Test]
    public void The_running_dotnet_host_is_a_program_and_its_native_libraries_are_not()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("ELF files exist on Linux only");
        }

        var native = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        Assert.Multiple(() =>
        {
            Assert.That(ExecutableDetector.IsExecutable(Environment.ProcessPath!), Is.True, Environment.ProcessPath);
            Assert.That(ExecutableDetector.IsExecutable(native), Is.False, native);
        });
    }

    [TestCase(true, TestName = "readelf agrees that the fake ELF64 asks for an interpreter")]
    [TestCase(false, TestName = "readelf agrees that the fake ELF32 asks for an interpreter")]
    public void Readelf_reads_the_fake_ELF_the_same_way(bool is64)
    {
        if (!ExternalTool.Exists("readelf"))
        {
            Assert.Ignore("readelf (binutils) is not installed");
        }

        using var dir = new TempDirectory();
        var path = dir.Combine("app");
        File.WriteAllBytes(path, FakeElf.Create(is64: is64, interpreterPath: "/lib/ld-fake.so"));

        var output = Encoding.UTF8.GetString(ExternalTool.RunChecked("readelf", ["--program-headers", "--wide", path]));

        Assert.That(output, Does.Contain("INTERP").And.Contain("Requesting program interpreter: /lib/ld-fake.so"));
    }
}
