using System.Text;
using Distroless.Debian;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class ContentsIndexTests
{
    private const string Sample = """
        usr/bin/fc-cache                                            utils/fontconfig
        usr/lib/x86_64-linux-gnu/libfontconfig.so                   libdevel/libfontconfig-dev
        usr/lib/x86_64-linux-gnu/libfontconfig.so.1                 libs/libfontconfig1
        usr/lib/x86_64-linux-gnu/libfontconfig.so.1.12.0            libs/libfontconfig1
        usr/lib/x86_64-linux-gnu/mylibfontconfig.so.1               libs/decoy
        usr/share/doc/a file with spaces/libfontconfig.so.1         doc/odd-docs,libs/other
        usr/lib/x86_64-linux-gnu/libX11.so.6                        libs/libx11-6
        usr/lib/x86_64-linux-gnu/libX11.so.6.4.0                    libs/libx11-6
        usr/lib/x86_64-linux-gnu/libX11.so.6.foo                    libs/decoy
        usr/lib/x86_64-linux-gnu/libX11.so                          libdevel/libx11-dev

        """;

    private static Dictionary<string, string[]> Search(string text, params ContentsIndex.Query[] queries)
        => ContentsIndex.Search(new MemoryStream(Encoding.UTF8.GetBytes(text)), queries)
            .ToDictionary(r => r.Key.FileName, r => r.Value.Select(h => $"{h.Path} {string.Join(',', h.Packages)}").ToArray());

    [Test]
    public void Finds_whole_file_names_with_their_packages_and_no_section()
    {
        var found = Search(Sample, new ContentsIndex.Query("libfontconfig.so.1"), new ContentsIndex.Query("libnothing.so.9"));

        Assert.Multiple(() =>
        {
            Assert.That(found["libfontconfig.so.1"], Is.EqualTo(new[]
            {
                "usr/lib/x86_64-linux-gnu/libfontconfig.so.1 libfontconfig1",
                "usr/share/doc/a file with spaces/libfontconfig.so.1 odd-docs,other",
            }));
            Assert.That(found["libnothing.so.9"], Is.Empty);
        });
    }

    [Test]
    public void A_name_with_version_suffixes_finds_every_numbered_file()
    {
        var found = Search(Sample, new ContentsIndex.Query("libX11.so", WithVersionSuffix: true));

        Assert.That(found["libX11.so"], Is.EqualTo(new[]
        {
            "usr/lib/x86_64-linux-gnu/libX11.so.6 libx11-6",
            "usr/lib/x86_64-linux-gnu/libX11.so.6.4.0 libx11-6",
            "usr/lib/x86_64-linux-gnu/libX11.so libx11-dev",
        }));
    }

    [Test]
    public void Lines_that_cross_a_read_boundary_are_found_whole()
    {
        // More than one 8 MiB block of filler, with the line the search wants across the boundary.
        var filler = new StringBuilder();
        var line = "usr/share/filler/file-0000000 doc/filler\n";
        while (filler.Length < (8 << 20) - 20)
        {
            filler.Append(line);
        }

        var text = filler + "usr/lib/x86_64-linux-gnu/libjemalloc.so.2 libs/libjemalloc2\n";
        var found = ContentsIndex.Search(new OneByteLaterStream(Encoding.UTF8.GetBytes(text)), [new ContentsIndex.Query("libjemalloc.so.2")]);

        Assert.That(found.Single().Value.Single().Packages, Is.EqualTo(new[] { "libjemalloc2" }));
    }

    /// <summary>A stream that hands out at most 4 KiB per read, as a decompressor does.</summary>
    private sealed class OneByteLaterStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 4096)]);
    }
}
