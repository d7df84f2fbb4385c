using System.Formats.Tar;
using System.Text;
using Distroless.Compression;
using Distroless.Debian;
using Distroless.Testing;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class DebPackageReaderTests
{
    private static readonly byte[] Library = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7 % 251)).ToArray();

    private static DebBuilder Package(CompressionFormat control, CompressionFormat data) =>
        new DebBuilder("libfoo1", "1.2-3", "amd64") { ControlCompression = control, DataCompression = data }
            .Field("Depends", "libc6 (>= 2.36)")
            .Dir("./usr/lib/x86_64-linux-gnu/")
            .File("./usr/lib/x86_64-linux-gnu/libfoo.so.1.2", Library)
            .Symlink("./usr/lib/x86_64-linux-gnu/libfoo.so.1", "libfoo.so.1.2")
            .File("./usr/bin/foo", "#!/bin/sh\n", mode: 0x1ed)
            .File("./usr/share/doc/libfoo1/copyright", "MIT\n");

    private static IEnumerable<TestCaseData> Formats()
    {
        foreach (var format in new[] { CompressionFormat.Gzip, CompressionFormat.Xz, CompressionFormat.Zstd })
        {
            var ext = TestCompression.Extension(format);
            yield return new TestCaseData(format, format).SetName($"control.tar{ext} and data.tar{ext}");
        }

        yield return new TestCaseData(CompressionFormat.Gzip, CompressionFormat.Xz).SetName("control.tar.gz and data.tar.xz");
        yield return new TestCaseData(CompressionFormat.None, CompressionFormat.Zstd).SetName("control.tar and data.tar.zst");
    }

    private static (DebControl Control, List<(string Name, TarEntryType Type, int Mode, string? Link, byte[] Content)> Entries) Read(
        byte[] deb, bool preferNativeXz = true)
    {
        var entries = new List<(string, TarEntryType, int, string?, byte[])>();
        var control = DebPackageReader.Read(new ForwardOnlyStream(deb, maxRead: 4096), entry =>
        {
            var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add((entry.Name, entry.EntryType, (int)entry.Mode, string.IsNullOrEmpty(entry.LinkName) ? null : entry.LinkName, content.ToArray()));
        }, preferNativeXz);
        return (control, entries);
    }

    [TestCaseSource(nameof(Formats))]
    public void Control_and_md5sums_are_returned(CompressionFormat control, CompressionFormat data)
    {
        var builder = Package(control, data);

        var (result, _) = Read(builder.Build());

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(result.Control), Is.EqualTo(builder.ControlText));
            Assert.That(result.Paragraph["Package"], Is.EqualTo("libfoo1"));
            Assert.That(result.Paragraph["Depends"], Is.EqualTo("libc6 (>= 2.36)"));
            Assert.That(result.Md5Sums, Is.EqualTo(builder.Md5Sums));
            Assert.That(result.Md5Sums, Does.Contain("  usr/lib/x86_64-linux-gnu/libfoo.so.1.2\n"));
        });
    }

    [TestCaseSource(nameof(Formats))]
    public void Data_entries_are_streamed_in_archive_order(CompressionFormat control, CompressionFormat data)
    {
        var (_, entries) = Read(Package(control, data).Build());

        Assert.That(entries.Select(e => (e.Name, e.Type, e.Mode, e.Link)), Is.EqualTo(new (string, TarEntryType, int, string?)[]
        {
            ("./", TarEntryType.Directory, 0x1ed, null),
            ("./usr/", TarEntryType.Directory, 0x1ed, null),
            ("./usr/lib/", TarEntryType.Directory, 0x1ed, null),
            ("./usr/lib/x86_64-linux-gnu/", TarEntryType.Directory, 0x1ed, null),
            ("./usr/lib/x86_64-linux-gnu/libfoo.so.1.2", TarEntryType.RegularFile, 0x1a4, null),
            ("./usr/lib/x86_64-linux-gnu/libfoo.so.1", TarEntryType.SymbolicLink, 0x1ff, "libfoo.so.1.2"),
            ("./usr/bin/", TarEntryType.Directory, 0x1ed, null),
            ("./usr/bin/foo", TarEntryType.RegularFile, 0x1ed, null),
            ("./usr/share/", TarEntryType.Directory, 0x1ed, null),
            ("./usr/share/doc/", TarEntryType.Directory, 0x1ed, null),
            ("./usr/share/doc/libfoo1/", TarEntryType.Directory, 0x1ed, null),
            ("./usr/share/doc/libfoo1/copyright", TarEntryType.RegularFile, 0x1a4, null),
        }));
        Assert.That(entries[4].Content, Is.EqualTo(Library));
    }

    [Test]
    public void Native_and_managed_xz_decoding_give_identical_bytes()
    {
        var tar = Package(CompressionFormat.Xz, CompressionFormat.Xz).BuildDataTar();
        var xz = TestCompression.Xz(tar);

        byte[] Decode(bool preferNative)
        {
            using var stream = Decompression.Open(new ForwardOnlyStream(xz, maxRead: 1000), CompressionFormat.Xz, preferNative: preferNative);
            var output = new MemoryStream();
            stream.CopyTo(output);
            return output.ToArray();
        }

        Assert.Multiple(() =>
        {
            Assert.That(Decode(preferNative: true), Is.EqualTo(tar));
            Assert.That(Decode(preferNative: false), Is.EqualTo(tar));
        });
    }

    [Test]
    public void Native_and_managed_xz_decoding_agree_on_a_multi_block_stream()
    {
        var data = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 253 ^ i >> 9)).ToArray();
        var xz = ExternalTool.RunChecked("xz", ["-c", "-6", "--block-size=65537", "--check=crc64"], data);

        foreach (var preferNative in new[] { true, false })
        {
            using var stream = Decompression.Open(new ForwardOnlyStream(xz, maxRead: 777), CompressionFormat.Xz, leaveOpen: true, preferNative);
            var output = new MemoryStream();
            stream.CopyTo(output);
            Assert.That(output.ToArray(), Is.EqualTo(data), preferNative ? "native" : "managed");
        }
    }

    [Test]
    public void The_reader_gives_the_same_entries_with_native_and_managed_xz()
    {
        var deb = Package(CompressionFormat.Xz, CompressionFormat.Xz).Build();

        var native = Read(deb, preferNativeXz: true).Entries;
        var managed = Read(deb, preferNativeXz: false).Entries;

        Assert.That(managed.Select(e => (e.Name, e.Type, e.Mode, e.Link, Convert.ToHexString(e.Content))),
            Is.EqualTo(native.Select(e => (e.Name, e.Type, e.Mode, e.Link, Convert.ToHexString(e.Content)))));
    }

    [Test]
    public void Native_xz_is_available_on_Linux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("liblzma is only expected on Linux");
        }

        Assert.That(Decompression.NativeXzAvailable, Is.True);
    }

    [Test]
    public void Damaged_xz_data_is_rejected_by_both_decoders()
    {
        var xz = TestCompression.Xz(Package(CompressionFormat.Xz, CompressionFormat.Xz).BuildDataTar());
        xz[xz.Length / 2] ^= 0xff;

        foreach (var preferNative in new[] { true, false })
        {
            Assert.That(() =>
            {
                using var stream = Decompression.Open(new MemoryStream(xz), CompressionFormat.Xz, preferNative: preferNative);
                stream.CopyTo(Stream.Null);
            }, Throws.InstanceOf<Exception>(), preferNative ? "native" : "managed");
        }
    }

    private static byte[] Member(string name) => name switch
    {
        "debian-binary" => "2.0\n"u8.ToArray(),
        "control.tar.gz" => TestCompression.Gzip(Package(CompressionFormat.Gzip, CompressionFormat.Gzip).BuildControlTar()),
        "data.tar.gz" => TestCompression.Gzip(Package(CompressionFormat.Gzip, CompressionFormat.Gzip).BuildDataTar()),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static IEnumerable<TestCaseData> Malformed()
    {
        var good = Package(CompressionFormat.Gzip, CompressionFormat.Gzip).Build();
        yield return new TestCaseData(Encoding.ASCII.GetBytes("!<arch>\r\n")).SetName("bad ar magic");
        yield return new TestCaseData(good[..(good.Length - 300)]).SetName("data member truncated");
        yield return new TestCaseData(good[..200]).SetName("control member truncated");
        yield return new TestCaseData(ArWriter.Write([("debian-binary", "3.0\n"u8.ToArray()), ("control.tar.gz", Member("control.tar.gz")), ("data.tar.gz", Member("data.tar.gz"))]))
            .SetName("format version 3.0");
        yield return new TestCaseData(ArWriter.Write([("debian-binary", Member("debian-binary")), ("data.tar.gz", Member("data.tar.gz")), ("control.tar.gz", Member("control.tar.gz"))]))
            .SetName("data before control");
        yield return new TestCaseData(ArWriter.Write([("debian-binary", Member("debian-binary")), ("control.tar.gz", Member("control.tar.gz"))]))
            .SetName("no data member");
        yield return new TestCaseData(ArWriter.Write([("debian-binary", Member("debian-binary")), ("control.tar.gz", TestCompression.Gzip(new byte[1024])), ("data.tar.gz", Member("data.tar.gz"))]))
            .SetName("control tar without a control file");
    }

    [TestCaseSource(nameof(Malformed))]
    public void Malformed_packages_are_rejected(byte[] deb)
        => Assert.That(() => DebPackageReader.Read(new MemoryStream(deb), _ => { }), Throws.TypeOf<InvalidDataException>());
}
