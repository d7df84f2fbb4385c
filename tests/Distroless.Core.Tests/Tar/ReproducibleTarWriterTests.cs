using System.Formats.Tar;
using System.Text;
using Distroless.Tar;
using Distroless.Testing;
using TarEntryType = Distroless.Tar.TarEntryType;
using TarHeader = Distroless.Tar.TarHeader;

namespace Distroless.Core.Tests.Tar;

[Parallelizable(ParallelScope.All)]
public sealed class ReproducibleTarWriterTests
{
    private const long Mtime = 1_700_000_000; // 2023-11-14 22:13:20 UTC

    private static readonly string LongDir = string.Join('/', Enumerable.Range(0, 15).Select(i => $"dir{i:D5}")); // 134 bytes
    private static readonly string PathOf150 = LongDir + "/" + new string('f', 150 - LongDir.Length - 1);
    private static readonly string PathOf300 = string.Join('/', Enumerable.Range(0, 30).Select(i => $"segment{i:D2}"))[..299] + "x";
    private static readonly string LongLeaf = "usr/" + new string('n', 120);
    private static readonly string LongTarget = "/" + string.Join('/', Enumerable.Range(0, 20).Select(i => $"target{i:D2}"));

    private static byte[] Write(Action<ReproducibleTarWriter> write)
    {
        var output = new MemoryStream();
        using (var tar = new ReproducibleTarWriter(output, leaveOpen: true))
        {
            write(tar);
        }

        return output.ToArray();
    }

    private static void File(ReproducibleTarWriter tar, string path, string content, int mode = 0x1a4, int uid = 0, int gid = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        tar.WriteEntry(TarHeader.File(path, mode, bytes.Length, Mtime, uid, gid), new MemoryStream(bytes));
    }

    private static byte[] Sample() => Write(tar =>
    {
        tar.WriteEntry(TarHeader.Directory("usr", 0x1ed, Mtime));
        tar.WriteEntry(TarHeader.Directory("usr/bin/", 0x1ed, Mtime));
        File(tar, "usr/bin/app", "#!/bin/sh\n", 0x1ed);
        File(tar, "usr/bin/su", "setuid", 0x9ed);
        tar.WriteEntry(TarHeader.Directory("tmp", 0x3ff, Mtime));
        tar.WriteEntry(TarHeader.Directory("home/nonroot", 0x1c0, Mtime, 65532, 65532));
        File(tar, "home/nonroot/.profile", "umask 022\n", 0x1a4, 65532, 65532);
        File(tar, "empty", "");
        tar.WriteEntry(TarHeader.Symlink("usr/bin/sh", "/bin/dash", Mtime));
        tar.WriteEntry(new TarHeader("usr/bin/app2", TarEntryType.Hardlink, 0x1ed, 0, 0, Mtime) { LinkTarget = "usr/bin/app" });
        File(tar, "usr/share/café/ünïcode", "utf-8\n");
    });

    [Test]
    public void Entries_read_back_with_exact_modes_owners_and_times()
    {
        Assert.That(TarDump.Render(Sample()), Is.EqualTo("""
            empty: file 0644 0:0 mtime=1700000000 sha256=e3b0c44298fc
            home/nonroot/: dir 0700 65532:65532 mtime=1700000000
            home/nonroot/.profile: file 0644 65532:65532 mtime=1700000000 sha256=9b7dae25ad0e
            tmp/: dir 1777 0:0 mtime=1700000000
            usr/: dir 0755 0:0 mtime=1700000000
            usr/bin/: dir 0755 0:0 mtime=1700000000
            usr/bin/app: file 0755 0:0 mtime=1700000000 sha256=a8076d3d28d2
            usr/bin/app2: hardlink 0755 0:0 mtime=1700000000 -> usr/bin/app
            usr/bin/sh: symlink 0777 0:0 mtime=1700000000 -> /bin/dash
            usr/bin/su: file 4755 0:0 mtime=1700000000 sha256=f59e1c028177
            usr/share/café/ünïcode: file 0644 0:0 mtime=1700000000 sha256=3074ece9dd80

            """));
    }

    [Test]
    public void Entries_are_ustar_without_user_or_group_names()
    {
        var tar = Sample();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            Assert.That(entry.Format, Is.EqualTo(TarEntryFormat.Ustar), entry.Name);
            var posix = (PosixTarEntry)entry;
            Assert.That((posix.UserName, posix.GroupName, posix.DeviceMajor, posix.DeviceMinor), Is.EqualTo(("", "", 0, 0)), entry.Name);
        }

        // uname (265..296) and gname (297..328) of the first header are all NUL.
        Assert.That(tar.AsSpan(265, 64).IndexOfAnyExcept((byte)0), Is.EqualTo(-1));
    }

    [Test]
    public void The_archive_ends_with_two_zero_blocks_and_no_record_padding()
    {
        var tar = Write(t => t.WriteEntry(TarHeader.Directory("a", 0x1ed, 0)));

        Assert.That(tar, Has.Length.EqualTo(512 + 1024));
        Assert.That(tar.AsSpan(512).IndexOfAnyExcept((byte)0), Is.EqualTo(-1));
    }

    [Test]
    public void File_content_is_padded_to_a_whole_block()
    {
        var tar = Write(t => File(t, "f", new string('x', 513)));

        Assert.That(tar, Has.Length.EqualTo(512 + 1024 + 1024));
    }

    [Test]
    public void GNU_tar_lists_the_same_entries()
    {
        if (!ExternalTool.Exists("tar"))
        {
            Assert.Ignore("tar is not installed");
        }

        var listing = ExternalTool.RunChecked("tar", ["--numeric-owner", "--full-time", "--quoting-style=literal", "-tvf", "-"], Sample());
        var lines = Encoding.UTF8.GetString(listing).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        Assert.That(lines, Is.EqualTo(new[]
        {
            "drwxr-xr-x 0/0 0 2023-11-14 22:13:20 usr/",
            "drwxr-xr-x 0/0 0 2023-11-14 22:13:20 usr/bin/",
            "-rwxr-xr-x 0/0 10 2023-11-14 22:13:20 usr/bin/app",
            "-rwsr-xr-x 0/0 6 2023-11-14 22:13:20 usr/bin/su",
            "drwxrwxrwt 0/0 0 2023-11-14 22:13:20 tmp/",
            "drwx------ 65532/65532 0 2023-11-14 22:13:20 home/nonroot/",
            "-rw-r--r-- 65532/65532 10 2023-11-14 22:13:20 home/nonroot/.profile",
            "-rw-r--r-- 0/0 0 2023-11-14 22:13:20 empty",
            "lrwxrwxrwx 0/0 0 2023-11-14 22:13:20 usr/bin/sh -> /bin/dash",
            "hrwxr-xr-x 0/0 0 2023-11-14 22:13:20 usr/bin/app2 link to usr/bin/app",
            "-rw-r--r-- 0/0 6 2023-11-14 22:13:20 usr/share/café/ünïcode",
        }));
    }

    private static byte[] LongNames() => Write(tar =>
    {
        File(tar, PathOf150, "150");
        File(tar, PathOf300, "300");
        tar.WriteEntry(TarHeader.Directory(LongDir + "/" + new string('d', 110), 0x1ed, Mtime));
        File(tar, LongLeaf, "long leaf");
        tar.WriteEntry(TarHeader.Symlink("usr/lib/link", LongTarget, Mtime));
    });

    [Test]
    public void Long_paths_and_link_targets_survive_and_use_PAX_only_where_ustar_cannot_hold_them()
    {
        Assert.That(PathOf150, Has.Length.EqualTo(150));
        Assert.That(PathOf300, Has.Length.EqualTo(300));
        Assert.That(LongTarget.Length, Is.GreaterThan(100));

        var entries = new List<(string Name, TarEntryFormat Format, string Link)>();
        using (var reader = new TarReader(new MemoryStream(LongNames())))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                entries.Add((entry.Name, entry.Format, entry.LinkName));
            }
        }

        Assert.That(entries, Is.EqualTo(new[]
        {
            (PathOf150, TarEntryFormat.Ustar, ""),
            (PathOf300, TarEntryFormat.Pax, ""),
            (LongDir + "/" + new string('d', 110) + "/", TarEntryFormat.Pax, ""),
            (LongLeaf, TarEntryFormat.Pax, ""),
            ("usr/lib/link", TarEntryFormat.Pax, LongTarget),
        }));
    }

    [Test]
    public void GNU_tar_reads_long_paths_and_link_targets()
    {
        if (!ExternalTool.Exists("tar"))
        {
            Assert.Ignore("tar is not installed");
        }

        var listing = Encoding.UTF8.GetString(ExternalTool.RunChecked("tar", ["-tvf", "-"], LongNames()));

        Assert.Multiple(() =>
        {
            Assert.That(listing, Does.Contain(" " + PathOf150 + "\n"));
            Assert.That(listing, Does.Contain(" " + PathOf300 + "\n"));
            Assert.That(listing, Does.Contain(" " + LongLeaf + "\n"));
            Assert.That(listing, Does.Contain(" usr/lib/link -> " + LongTarget + "\n"));
            Assert.That(listing, Does.Not.Contain("PaxHeaders"));
        });
    }

    [Test]
    public void PAX_headers_are_named_after_the_entry_not_a_process_id()
    {
        var tar = LongNames();

        // The first PAX header is the second block-aligned header (after the 150-byte path's file).
        var names = new List<string>();
        var offset = 0;
        while (offset + 512 <= tar.Length && tar[offset] != 0)
        {
            var name = Encoding.UTF8.GetString(tar.AsSpan(offset, 100)).TrimEnd('\0');
            var size = Convert.ToInt64(Encoding.ASCII.GetString(tar.AsSpan(offset + 124, 11)), 8);
            if (tar[offset + 156] == (byte)'x')
            {
                names.Add(name);
            }

            offset += 512 + (int)((size + 511) / 512 * 512);
        }

        Assert.That(names, Is.EqualTo(new[]
        {
            "PaxHeaders/" + PathOf300[(PathOf300.LastIndexOf('/') + 1)..],
            "PaxHeaders/" + new string('d', 110)[..89],
            "PaxHeaders/" + new string('n', 89),
            "PaxHeaders/link",
        }));
    }

    [Test]
    public void The_same_entries_give_the_same_bytes()
    {
        var first = Sample();
        var firstLong = LongNames();

        Assert.That(Sample(), Is.EqualTo(first));
        Assert.That(LongNames(), Is.EqualTo(firstLong));
    }

    [Test]
    public void Content_shorter_than_its_declared_size_is_an_error()
    {
        Assert.That(() => Write(t => t.WriteEntry(TarHeader.File("f", 0x1a4, 10, 0), new MemoryStream(new byte[5]))),
            Throws.TypeOf<IOException>().With.Message.Contains("5 bytes before"));
    }

    [Test]
    public void A_non_empty_file_without_content_is_an_error()
        => Assert.That(() => Write(t => t.WriteEntry(TarHeader.File("f", 0x1a4, 10, 0))), Throws.TypeOf<ArgumentException>());

    [Test]
    public void Writing_after_Finish_is_refused()
    {
        using var tar = new ReproducibleTarWriter(new MemoryStream());
        tar.Finish();

        Assert.That(() => tar.WriteEntry(TarHeader.Directory("a", 0x1ed, 0)), Throws.TypeOf<ObjectDisposedException>());
    }
}
