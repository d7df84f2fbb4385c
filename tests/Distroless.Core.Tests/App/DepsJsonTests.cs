using Distroless.App;
using Distroless.Diagnostics;
using Distroless.Testing;

namespace Distroless.Core.Tests.App;

/// <summary>Classification of published files by the app's .deps.json, never by file name.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class DepsJsonTests
{
    private const string RuntimePack = "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.8";

    /// <summary>A RID-specific publish of App: a runtime pack, NuGet packages (one with satellite resources, one with runtimeTargets), a project reference.</summary>
    internal const string Sample = """
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v8.0/linux-x64", "signature": "" },
          "compilationOptions": {},
          "targets": {
            ".NETCoreApp,Version=v8.0": {
              "Ignored.Portable/1.0.0": { "runtime": { "lib/net8.0/Portable.dll": {} } }
            },
            ".NETCoreApp,Version=v8.0/linux-x64": {
              "App/1.0.0": {
                "dependencies": { "Humanizer.Core": "2.14.1", "Shop.Domain": "1.0.0" },
                "runtime": { "App.dll": {} },
                "resources": { "de/App.resources.dll": { "locale": "de" } }
              },
              "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.8": {
                "runtime": { "System.Runtime.dll": { "assemblyVersion": "8.0.0.0", "fileVersion": "8.0.824.36612" } },
                "native": { "libSystem.Native.so": { "fileVersion": "0.0.0.0" }, "createdump": { "fileVersion": "0.0.0.0" } }
              },
              "Humanizer.Core/2.14.1": {
                "runtime": { "lib/net6.0/Humanizer.dll": { "assemblyVersion": "2.14.0.0", "fileVersion": "2.14.1.48190" } }
              },
              "Humanizer.Core.de/2.14.1": {
                "resources": { "lib/net6.0/de/Humanizer.resources.dll": { "locale": "de" } }
              },
              "SQLitePCLRaw.lib.e_sqlite3/2.1.6": {
                "native": { "runtimes/linux-x64/native/libe_sqlite3.so": { "fileVersion": "0.0.0.0" } },
                "runtimeTargets": { "runtimes/linux-arm64/native/libe_sqlite3.so": { "rid": "linux-arm64", "assetType": "native" } }
              },
              "Shop.Domain/1.0.0": { "runtime": { "Shop.Domain.dll": {} } }
            }
          },
          "libraries": {
            "App/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.8": { "type": "runtimepack", "serviceable": false, "sha512": "" },
            "Humanizer.Core/2.14.1": { "type": "package", "serviceable": true, "sha512": "sha512-a", "path": "humanizer.core/2.14.1" },
            "Humanizer.Core.de/2.14.1": { "type": "package", "serviceable": true, "sha512": "sha512-b", "path": "humanizer.core.de/2.14.1" },
            "SQLitePCLRaw.lib.e_sqlite3/2.1.6": { "type": "package", "serviceable": true, "sha512": "sha512-c" },
            "Shop.Domain/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "Ignored.Portable/1.0.0": { "type": "package", "serviceable": true, "sha512": "sha512-d" }
          }
        }
        """;

    internal static DepsJson Read(string text)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("App.deps.json");
        File.WriteAllText(path, text);
        return DepsJson.Read(path);
    }

    private static IEnumerable<TestCaseData> Classifications()
    {
        TestCaseData Case(string path, LibraryKind kind, string? library, string summary)
            => new TestCaseData(path, kind, library).SetName($"{summary}: {path} → {kind}");

        yield return Case("System.Runtime.dll", LibraryKind.Runtime, RuntimePack, "runtime pack assembly");
        yield return Case("libSystem.Native.so", LibraryKind.Runtime, RuntimePack, "runtime pack native library");
        yield return Case("createdump", LibraryKind.Runtime, RuntimePack, "runtime pack program");
        yield return Case("Humanizer.dll", LibraryKind.Package, "Humanizer.Core/2.14.1", "package assembly, flattened by a RID-specific publish");
        yield return Case("lib/net6.0/Humanizer.dll", LibraryKind.Package, "Humanizer.Core/2.14.1", "package assembly at its portable path");
        yield return Case("de/Humanizer.resources.dll", LibraryKind.Package, "Humanizer.Core.de/2.14.1", "package resources in their culture directory");
        yield return Case(@"de\Humanizer.resources.dll", LibraryKind.Package, "Humanizer.Core.de/2.14.1", "a Windows separator");
        yield return Case("libe_sqlite3.so", LibraryKind.Package, "SQLitePCLRaw.lib.e_sqlite3/2.1.6", "package native library, flattened");
        yield return Case("runtimes/linux-arm64/native/libe_sqlite3.so", LibraryKind.Package, "SQLitePCLRaw.lib.e_sqlite3/2.1.6", "runtimeTargets path");
        yield return Case("Shop.Domain.dll", LibraryKind.ProjectReference, "Shop.Domain/1.0.0", "project reference");
        yield return Case("App.dll", LibraryKind.App, "App/1.0.0", "the app's own assembly");
        yield return Case("de/App.resources.dll", LibraryKind.App, "App/1.0.0", "the app's resources");
        yield return Case("App", LibraryKind.App, null, "the apphost, which deps.json does not list");
        yield return Case("appsettings.json", LibraryKind.App, null, "content");
        yield return Case("Portable.dll", LibraryKind.App, null, "an asset of another target");
    }

    [TestCaseSource(nameof(Classifications))]
    public void Files_are_classified_by_the_library_that_owns_them(string path, LibraryKind kind, string? library)
        => Assert.That(Read(Sample).Classify(path), Is.EqualTo((kind, library)));

    [Test]
    public void The_main_library_is_the_first_project_of_the_runtime_target()
        => Assert.That(Read(Sample).MainLibrary, Is.EqualTo("App/1.0.0"));

    [Test]
    public void A_library_missing_from_libraries_counts_as_the_app()
    {
        var deps = Read("""{ "runtimeTarget": { "name": "t" }, "targets": { "t": { "Odd/1.0": { "runtime": { "Odd.dll": {} } } } } }""");

        Assert.Multiple(() =>
        {
            Assert.That(deps.Classify("Odd.dll"), Is.EqualTo((LibraryKind.App, (string?)"Odd/1.0")));
            Assert.That(deps.MainLibrary, Is.Null);
        });
    }

    private static IEnumerable<TestCaseData> Malformed()
    {
        yield return new TestCaseData("").SetName("empty file");
        yield return new TestCaseData("{ \"runtimeTarget\": ").SetName("truncated JSON");
        yield return new TestCaseData("[]").SetName("an array, not an object");
        yield return new TestCaseData("{}").SetName("no runtimeTarget");
        yield return new TestCaseData("""{ "runtimeTarget": { "name": null }, "targets": {} }""").SetName("a null runtimeTarget name");
        yield return new TestCaseData("""{ "runtimeTarget": { "name": 8 }, "targets": {} }""").SetName("a numeric runtimeTarget name");
        yield return new TestCaseData("""{ "runtimeTarget": { "name": "t" }, "targets": {} }""").SetName("the runtime target missing from targets");
        yield return new TestCaseData("""{ "runtimeTarget": { "name": "t" }, "targets": { "t": { "a/1": [] } } }""").SetName("a library that is not an object");
        yield return new TestCaseData("""{ "runtimeTarget": { "name": "t" }, "targets": { "t": { "a/1": { "runtime": [] } } } }""").SetName("a runtime group that is not an object");
        yield return new TestCaseData("""{ "runtimeTarget": { "name": "t" }, "targets": { "t": {} }, "libraries": { "a/1": { "type": 1 } } }""").SetName("a numeric library type");
    }

    [TestCaseSource(nameof(Malformed))]
    public void A_malformed_deps_json_is_DSTL3002_naming_the_file(string text)
    {
        var error = Assert.Throws<DistrolessException>(() => Read(text))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.MalformedAppManifest));
            Assert.That(error.Message, Does.Contain("App.deps.json"));
        });
    }
}
