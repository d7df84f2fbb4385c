using Distroless.Layers;
using Distroless.Tar;
using Distroless.Testing;

namespace Distroless.Core.Tests.Layers;

[Parallelizable(ParallelScope.All)]
public sealed class LayerWriterTests
{
    private const long Mtime = 1_700_000_000;

    private static string Dump(Action<LayerWriter> write)
    {
        var output = new MemoryStream();
        using (var tar = new ReproducibleTarWriter(output, leaveOpen: true))
        {
            write(new LayerWriter(tar));
        }

        return TarDump.Render(output.ToArray());
    }

    [Test]
    public void Missing_parents_are_emitted_root_owned_0755_with_the_entry_mtime()
    {
        var dump = Dump(layer => layer.AddFile("usr/lib/x86_64-linux-gnu/libx.so", 0x1a4, Mtime, "x"u8.ToArray(), 1000, 1000));

        Assert.That(dump, Is.EqualTo("""
            usr/: dir 0755 0:0 mtime=1700000000
            usr/lib/: dir 0755 0:0 mtime=1700000000
            usr/lib/x86_64-linux-gnu/: dir 0755 0:0 mtime=1700000000
            usr/lib/x86_64-linux-gnu/libx.so: file 0644 1000:1000 mtime=1700000000 sha256=2d711642b726

            """));
    }

    [Test]
    public void Explicit_directories_keep_their_mode_and_are_not_repeated()
    {
        var dump = Dump(layer =>
        {
            layer.AddDirectory("home/nonroot", 0x1c0, Mtime, 65532, 65532);
            layer.AddFile("home/nonroot/a", 0x1a4, Mtime, []);
            layer.AddSymlink("home/nonroot/b", "a", Mtime);
            layer.AddDirectory("home/nonroot", 0x1ff, Mtime);
        });

        Assert.That(dump, Is.EqualTo("""
            home/: dir 0755 0:0 mtime=1700000000
            home/nonroot/: dir 0700 65532:65532 mtime=1700000000
            home/nonroot/a: file 0644 0:0 mtime=1700000000 sha256=e3b0c44298fc
            home/nonroot/b: symlink 0777 0:0 mtime=1700000000 -> a

            """));
    }

    [Test]
    public void Entries_keep_the_order_they_were_added_in()
    {
        var output = new MemoryStream();
        using (var tar = new ReproducibleTarWriter(output, leaveOpen: true))
        {
            var layer = new LayerWriter(tar);
            layer.AddFile("z", 0x1a4, 0, []);
            layer.AddFile("a/b", 0x1a4, 0, []);
            layer.AddHardlink("m", "./a/b", 0x1a4, 0);
        }

        output.Position = 0;
        using var reader = new System.Formats.Tar.TarReader(output);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name + (entry.LinkName.Length > 0 ? " -> " + entry.LinkName : ""));
        }

        Assert.That(names, Is.EqualTo(new[] { "z", "a/", "a/b", "m -> a/b" }));
    }

    [Test]
    public void Contains_and_EntryCount_include_generated_parents()
    {
        var output = new MemoryStream();
        using var tar = new ReproducibleTarWriter(output, leaveOpen: true);
        var layer = new LayerWriter(tar);
        layer.AddFile("./etc/ssl/certs/ca.pem", 0x1a4, 0, []);

        Assert.Multiple(() =>
        {
            Assert.That(layer.EntryCount, Is.EqualTo(4));
            Assert.That(layer.Contains("etc/ssl"), Is.True);
            Assert.That(layer.Contains("./etc/ssl/certs/ca.pem"), Is.True);
            Assert.That(layer.Contains("etc/passwd"), Is.False);
        });
    }

    [Test]
    public void A_second_entry_at_the_same_path_is_refused()
    {
        var output = new MemoryStream();
        using var tar = new ReproducibleTarWriter(output, leaveOpen: true);
        var layer = new LayerWriter(tar);
        layer.AddFile("etc/passwd", 0x1a4, 0, []);

        Assert.That(() => layer.AddSymlink("./etc/passwd", "x", 0), Throws.TypeOf<InvalidOperationException>());
    }

    [TestCase("usr/lib/x", "usr/lib/x", TestName = "plain relative path")]
    [TestCase("./usr/lib/x", "usr/lib/x", TestName = "leading dot-slash as in .deb files")]
    [TestCase("././usr", "usr", TestName = "repeated dot-slash")]
    [TestCase("usr/lib/", "usr/lib", TestName = "trailing slash")]
    [TestCase("app\\bin\\x.dll", "app/bin/x.dll", TestName = "backslashes")]
    [TestCase("usr/..x/y", "usr/..x/y", TestName = "dots inside a name")]
    public void Normalize_accepts_safe_paths(string path, string expected)
        => Assert.That(LayerWriter.Normalize(path), Is.EqualTo(expected));

    [TestCase("", TestName = "empty")]
    [TestCase(".", TestName = "dot")]
    [TestCase("./", TestName = "dot-slash")]
    [TestCase("/", TestName = "root")]
    [TestCase("/abs", TestName = "absolute")]
    [TestCase("//abs", TestName = "double-slash absolute")]
    [TestCase("..", TestName = "parent")]
    [TestCase("../x", TestName = "leading parent segment")]
    [TestCase("a/../../x", TestName = "inner parent segments")]
    [TestCase("a/./b", TestName = "inner dot segment")]
    [TestCase("a//b", TestName = "empty segment")]
    [TestCase("..\\x", TestName = "parent with a backslash")]
    public void Normalize_rejects_unsafe_paths(string path)
        => Assert.That(() => LayerWriter.Normalize(path), Throws.TypeOf<ArgumentException>());

    [TestCase("../etc/passwd", TestName = "file outside the root")]
    [TestCase("/etc/passwd", TestName = "absolute file")]
    public void Unsafe_paths_are_refused_by_every_add(string path)
    {
        var output = new MemoryStream();
        using var tar = new ReproducibleTarWriter(output, leaveOpen: true);
        var layer = new LayerWriter(tar);

        Assert.Multiple(() =>
        {
            Assert.That(() => layer.AddFile(path, 0x1a4, 0, []), Throws.TypeOf<ArgumentException>());
            Assert.That(() => layer.AddDirectory(path, 0x1ed, 0), Throws.TypeOf<ArgumentException>());
            Assert.That(() => layer.AddSymlink(path, "x", 0), Throws.TypeOf<ArgumentException>());
            Assert.That(() => layer.AddHardlink(path, "x", 0x1a4, 0), Throws.TypeOf<ArgumentException>());
            Assert.That(() => layer.AddHardlink("x", path, 0x1a4, 0), Throws.TypeOf<ArgumentException>(), "as a hard link target");
        });
        Assert.That(layer.EntryCount, Is.Zero);
    }
}
