using System.Collections.Immutable;
using System.Text;
using Distroless.App;
using Distroless.Testing;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>
/// Debian library packages and an app whose NuGet packages bring native code, as in the cases
/// users hit: a SkiaSharp-like library needing libfontconfig.so.1 (whose package declares
/// libfreetype6 but not libexpat1, which only its ELF file names: the closure must scan it), a
/// RocksDB-like package with a glibc, a jemalloc and a musl build of one library, a Kafka-like
/// library whose glibc build needs a soname Debian does not have (libsasl2.so.3) beside a
/// variant that loads, and a private copy of libjemalloc outside the loader's search path.
/// </summary>
internal static class FakeNativeLibraries
{
    private const string Multiarch = "./usr/lib/x86_64-linux-gnu/";

    private static DebBuilder Deb(string name, string version)
        => new DebBuilder(name, version).File($"./usr/share/doc/{name}/copyright", $"Copyright: {name} authors\nLicense: test\n");

    public static IReadOnlyList<FakePackage> Packages { get; } =
    [
        FakeBookworm.Package(Deb("libfontconfig1", "2.14.1-4")
                .File(Multiarch + "libfontconfig.so.1.12.0", ElfBuilder.Library("libfontconfig.so.1", "libfreetype.so.6", "libexpat.so.1", "libc.so.6").Build())
                .Symlink(Multiarch + "libfontconfig.so.1", "libfontconfig.so.1.12.0"),
            depends: "libfreetype6 (>= 2.9.1), libc6 (>= 2.34)", source: "fontconfig"),
        FakeBookworm.Package(Deb("libfreetype6", "2.12.1+dfsg-5+deb12u4")
                .File(Multiarch + "libfreetype.so.6.18.3", ElfBuilder.Library("libfreetype.so.6", "libc.so.6").Build())
                .Symlink(Multiarch + "libfreetype.so.6", "libfreetype.so.6.18.3"),
            depends: "libc6 (>= 2.34)", source: "freetype"),
        FakeBookworm.Package(Deb("libexpat1", "2.5.0-1+deb12u1")
                .File("./lib/x86_64-linux-gnu/libexpat.so.1.8.10", ElfBuilder.Library("libexpat.so.1", "libc.so.6").Build())
                .Symlink("./lib/x86_64-linux-gnu/libexpat.so.1", "libexpat.so.1.8.10"),
            depends: "libc6 (>= 2.25)", source: "expat"),
        FakeBookworm.Package(Deb("libfontconfig-dev", "2.14.1-4").Symlink(Multiarch + "libfontconfig.so", "libfontconfig.so.1.12.0"),
            depends: "libfontconfig1 (= 2.14.1-4)", source: "fontconfig"),
        FakeBookworm.Package(Deb("libjemalloc2", "5.3.0-1")
                .File(Multiarch + "libjemalloc.so.2", ElfBuilder.Library("libjemalloc.so.2", "libc.so.6").Build()),
            depends: "libc6 (>= 2.34)", source: "jemalloc"),
        FakeBookworm.Package(Deb("libx11-6", "2:1.8.4-2+deb12u2")
                .File(Multiarch + "libX11.so.6.4.0", ElfBuilder.Library("libX11.so.6", "libc.so.6").Build())
                .Symlink(Multiarch + "libX11.so.6", "libX11.so.6.4.0"),
            depends: "libc6 (>= 2.34)", source: "libx11"),
        FakeBookworm.Package(Deb("libx11-dev", "2:1.8.4-2+deb12u2").Symlink(Multiarch + "libX11.so", "libX11.so.6"),
            depends: "libx11-6 (= 2:1.8.4-2+deb12u2)", source: "libx11"),
        FakeBookworm.Package(Deb("389-ds-base-libs", "2.3.1+dfsg1-1+deb12u1")
                .File(Multiarch + "dirsrv/lib/libjemalloc.so.2", ElfBuilder.Library("libjemalloc.so.2", "libc.so.6").Build()),
            depends: "libc6 (>= 2.34)", source: "389-ds-base"),
    ];

    public const string DepsJson = """
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v8.0/linux-x64", "signature": "" },
          "targets": {
            ".NETCoreApp,Version=v8.0/linux-x64": {
              "app/1.0.0": { "dependencies": { "SkiaSharp": "3.0.0" }, "runtime": { "app.dll": {} } },
              "SkiaSharp/3.0.0": {
                "runtime": { "lib/net8.0/SkiaSharp.dll": {} },
                "native": {
                  "runtimes/linux-x64/native/libSkiaSharp.so": {}, "runtimes/linux-x64/native/librocksdb.so": {},
                  "runtimes/linux-x64/native/librocksdb-jemalloc.so": {}, "runtimes/linux-x64/native/librocksdb-musl.so": {},
                  "runtimes/linux-x64/native/librdkafka.so": {}, "runtimes/linux-x64/native/centos8-librdkafka.so": {}
                }
              }
            }
          },
          "libraries": {
            "app/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "SkiaSharp/3.0.0": { "type": "package", "serviceable": true, "sha512": "sha512-x", "path": "skiasharp/3.0.0" }
          }
        }
        """;

    public static IReadOnlyDictionary<string, byte[]> App(params (string Path, byte[] Content)[] more)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["app"] = new ElfBuilder { Interpreter = "/lib64/ld-linux-x86-64.so.2", Needed = ["libstdc++.so.6", "libc.so.6"] }.Build(),
            ["app.dll"] = Encoding.UTF8.GetBytes("MZ app\n"),
            ["app.deps.json"] = Encoding.UTF8.GetBytes(DepsJson),
            ["app.runtimeconfig.json"] = Encoding.UTF8.GetBytes("{\"runtimeOptions\":{\"tfm\":\"net8.0\"}}\n"),
            ["SkiaSharp.dll"] = Encoding.UTF8.GetBytes("MZ skia\n"),
            ["libSkiaSharp.so"] = ElfBuilder.Library("libSkiaSharp.so", "libfontconfig.so.1", "libstdc++.so.6", "libc.so.6").Build(),
            ["librocksdb.so"] = ElfBuilder.Library("librocksdb.so.11", "libc.so.6").Build(),
            ["librocksdb-jemalloc.so"] = ElfBuilder.Library("librocksdb.so.11", "libjemalloc.so.2", "libc.so.6").Build(),
            ["librocksdb-musl.so"] = ElfBuilder.Library("librocksdb.so.11", "libc.musl-x86_64.so.1").Build(),
            ["librdkafka.so"] = ElfBuilder.Library("librdkafka.so.1", "libsasl2.so.3", "libc.so.6").Build(),
            ["centos8-librdkafka.so"] = ElfBuilder.Library("librdkafka.so.1", "libc.so.6").Build(),
        };
        foreach (var (path, content) in more)
        {
            files[path] = content;
        }

        return files;
    }

    public static ImmutableArray<PublishedFile> Write(string directory, IReadOnlyDictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(directory);
        foreach (var (relative, content) in files)
        {
            File.WriteAllBytes(Path.Combine(directory, relative), content);
        }

        return files.Keys.Select(relative => new PublishedFile(Path.Combine(directory, relative), relative)).ToImmutableArray();
    }
}
