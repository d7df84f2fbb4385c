using System.Collections.Immutable;
using Distroless.Native;

namespace Distroless.Core.Tests.Native;

[Parallelizable(ParallelScope.All)]
public sealed class ImageFileSystemTests
{
    private static ImageFileSystem MergedUsr() => new([
        new LayerLibraries
        {
            Symlinks = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["lib"] = "usr/lib",
                ["lib64"] = "usr/lib64",
            }),
        },
        new LayerLibraries
        {
            Files = ["usr/lib/x86_64-linux-gnu/libc.so.6", "usr/lib/x86_64-linux-gnu/libz.so.1.2.13"],
            Symlinks = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["usr/lib/x86_64-linux-gnu/libz.so.1"] = "libz.so.1.2.13",
                ["usr/lib64/ld-linux-x86-64.so.2"] = "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                ["loop/a"] = "b",
                ["loop/b"] = "a",
            }),
        },
    ]);

    [TestCase("lib/x86_64-linux-gnu/libc.so.6", "usr/lib/x86_64-linux-gnu/libc.so.6", TestName = "A link to a directory moves what lies below it")]
    [TestCase("lib/x86_64-linux-gnu/libz.so.1", "usr/lib/x86_64-linux-gnu/libz.so.1.2.13", TestName = "Links are followed in every component")]
    [TestCase("/usr/lib/x86_64-linux-gnu/../x86_64-linux-gnu/libc.so.6", "usr/lib/x86_64-linux-gnu/libc.so.6", TestName = "Dot-dot and a leading slash")]
    [TestCase("lib64/ld-linux-x86-64.so.2", null, TestName = "A link to a file that is not there leads nowhere")]
    [TestCase("loop/a", null, TestName = "A loop of links leads nowhere")]
    [TestCase("usr/lib/x86_64-linux-gnu", null, TestName = "A directory is not a file")]
    public void Resolves_files_as_a_process_would(string path, string? expected)
        => Assert.That(MergedUsr().ResolveFile(path), Is.EqualTo(expected));

    [Test]
    public void Directories_are_known_from_what_lies_in_them()
    {
        var files = MergedUsr();

        Assert.Multiple(() =>
        {
            Assert.That(files.IsDirectory("lib/x86_64-linux-gnu"), Is.True);
            Assert.That(files.IsDirectory("opt"), Is.False);
        });
    }
}
