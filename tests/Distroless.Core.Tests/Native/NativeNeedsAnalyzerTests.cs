using System.Collections.Immutable;
using Distroless.Native;
using Distroless.Testing;

namespace Distroless.Core.Tests.Native;

[Parallelizable(ParallelScope.All)]
public sealed class NativeNeedsAnalyzerTests
{
    /// <summary>A bookworm-like base: libc and zlib in the multiarch directory, libstdc++ as a link.</summary>
    private static readonly LayerLibraries Base = new()
    {
        Files = ["lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libz.so.1.2.13", "usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", "usr/lib/libgdiplus.so"],
        Symlinks = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            ["lib/x86_64-linux-gnu/libz.so.1"] = "libz.so.1.2.13",
            ["usr/lib/x86_64-linux-gnu/libstdc++.so.6"] = "libstdc++.so.6.0.30",
        }),
    };

    private static ElfObject Elf(string path, ElfBuilder builder) => ElfReader.Read(builder.Build(), path)!;

    private static NativeAnalysis Analyze(IReadOnlyList<ElfObject> app, IReadOnlyList<string>? appFiles = null, string? libraryPath = null)
    {
        var appLayer = new LayerLibraries { Files = [.. (appFiles ?? []).Concat(app.Select(a => a.Path)).Distinct().Order(StringComparer.Ordinal)], Objects = [.. app] };
        var analyzer = new NativeNeedsAnalyzer(new ImageFileSystem([Base, appLayer]), NativeArchitecture.Amd64, libraryPath);
        return analyzer.Analyze(app, app);
    }

    private static string Missing(NativeAnalysis analysis) => string.Join("; ", analysis.Missing.Select(m => $"{m.Key} <- {string.Join(", ", m.Value)}"));

    [Test]
    public void What_the_system_directories_hold_is_found_and_the_rest_is_missing_with_who_needs_it()
    {
        var analysis = Analyze([
            Elf("app/libSkiaSharp.so", ElfBuilder.Library("libSkiaSharp.so", "libfontconfig.so.1", "libstdc++.so.6", "libc.so.6")),
            Elf("app/libHarfBuzzSharp.so", ElfBuilder.Library("libHarfBuzzSharp.so", "libfontconfig.so.1", "libz.so.1")),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(Missing(analysis), Is.EqualTo("libfontconfig.so.1 <- app/libHarfBuzzSharp.so, app/libSkiaSharp.so"));
            Assert.That(analysis.Checked, Is.EqualTo(2));
        });
    }

    [Test]
    public void RUNPATH_with_ORIGIN_finds_the_siblings_of_a_library()
    {
        var analysis = Analyze([
            Elf("app/runtimes/linux-x64/native/avx2/libllama.so", ElfBuilder.Library("libllama.so", "libggml.so") with { RunPath = "$ORIGIN" }),
            Elf("app/runtimes/linux-x64/native/avx2/libggml.so", ElfBuilder.Library("libggml.so", "libgomp.so.1") with { RunPath = "${ORIGIN}" }),
        ]);

        Assert.That(Missing(analysis), Is.EqualTo("libgomp.so.1 <- app/runtimes/linux-x64/native/avx2/libggml.so"));
    }

    [Test]
    public void RPATH_counts_only_without_RUNPATH_and_LD_LIBRARY_PATH_comes_between()
    {
        var withBoth = Elf("app/a.so", ElfBuilder.Library("a.so", "libx.so.1") with { RPath = "/opt/x", RunPath = "/opt/none" });
        var rpathOnly = Elf("app/b.so", ElfBuilder.Library("b.so", "libx.so.1") with { RPath = "/opt/x" });
        string[] libx = ["opt/x/libx.so.1"];

        Assert.Multiple(() =>
        {
            Assert.That(Missing(Analyze([withBoth, rpathOnly], libx)), Is.EqualTo("libx.so.1 <- app/a.so"));
            Assert.That(Missing(Analyze([withBoth, rpathOnly], libx, libraryPath: "/opt/x")), Is.Empty);
        });
    }

    [Test]
    public void A_library_the_app_ships_outside_the_search_path_is_not_missing_but_noted()
    {
        var analysis = Analyze([
            Elf("app/libgit2-abc.so", ElfBuilder.Library("libgit2-abc.so.1.8", "libssh-helper.so")),
            Elf("app/libssh-helper.so", ElfBuilder.Library("libssh-helper.so")),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(analysis.Missing, Is.Empty);
            Assert.That(analysis.OffSearchPath, Is.EqualTo(new[] { ("app/libgit2-abc.so", "libssh-helper.so", "app/libssh-helper.so") }));
        });
    }

    [Test]
    public void Files_that_cannot_load_here_or_need_nothing_are_skipped_with_the_reason()
    {
        var analysis = Analyze([
            Elf("app/alpine-librdkafka.so", ElfBuilder.Library("librdkafka.so.1", "libc.musl-x86_64.so.1", "libsasl2.so.3")),
            Elf("app/runtimes/linux-arm64/native/libSkiaSharp.so", ElfBuilder.Library("libSkiaSharp.so", "libfontconfig.so.1") with { Machine = ElfBuilder.AArch64 }),
            Elf("app/libcoreclrtraceptprovider.so", ElfBuilder.Library("libcoreclrtraceptprovider.so", "liblttng-ust.so.0")),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(analysis.Missing, Is.Empty);
            Assert.That(analysis.Skipped.Select(s => s.Path), Is.EqualTo(new[]
            {
                "app/alpine-librdkafka.so", "app/libcoreclrtraceptprovider.so", "app/runtimes/linux-arm64/native/libSkiaSharp.so",
            }));
            Assert.That(analysis.Skipped[0].Reason, Does.Contain("musl"));
            Assert.That(analysis.Skipped[1].Reason, Does.Contain("LTTng"));
            Assert.That(analysis.Skipped[2].Reason, Does.Contain("another machine"));
        });
    }

    [Test]
    public void A_needed_path_is_looked_up_as_it_is_and_the_non_multiarch_system_directory_counts()
    {
        var analysis = Analyze([
            Elf("app/a.so", ElfBuilder.Library("a.so", "/usr/lib/libgdiplus.so", "/opt/missing.so", "libgdiplus.so")),
        ]);

        Assert.That(Missing(analysis), Is.EqualTo("/opt/missing.so <- app/a.so"));
    }

    [Test]
    public void A_bundled_library_resolves_from_the_system_and_its_fellow_bundled_files()
    {
        var analysis = Analyze([
            Elf("app/app!/libSkiaSharp.so", ElfBuilder.Library("libSkiaSharp.so", "libfontconfig.so.1", "libHarfBuzzSharp.so") with { RunPath = "$ORIGIN" }),
            Elf("app/app!/libHarfBuzzSharp.so", ElfBuilder.Library("libHarfBuzzSharp.so")),
        ]);

        Assert.That(Missing(analysis), Is.EqualTo("libfontconfig.so.1 <- app/app!/libSkiaSharp.so"));
    }
}
