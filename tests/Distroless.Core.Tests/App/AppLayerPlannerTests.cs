using Distroless.App;
using Distroless.Diagnostics;
using Distroless.Testing;

namespace Distroless.Core.Tests.App;

/// <summary>How a publish directory is split into layers, from least to most often changed.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class AppLayerPlannerTests
{
    /// <summary>A publish directory with a file for every library of <see cref="DepsJsonTests.Sample"/>, plus symbols and content.</summary>
    private static readonly string[] Published =
    [
        "App", "App.dll", "App.pdb", "App.deps.json", "App.runtimeconfig.json", "appsettings.json", "de/App.resources.dll",
        "System.Runtime.dll", "libSystem.Native.so", "libSystem.Native.so.dbg", "createdump",
        "Humanizer.dll", "de/Humanizer.resources.dll", "libe_sqlite3.so",
        "Shop.Domain.dll", "Shop.Domain.pdb",
    ];

    private static List<PublishedFile> Publish(TempDirectory dir, IEnumerable<string> relativePaths)
    {
        var files = new List<PublishedFile>();
        foreach (var relative in relativePaths)
        {
            var path = dir.Combine("publish", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, relative);
            files.Add(new PublishedFile(path, relative));
        }

        return files;
    }

    private static IEnumerable<string> Summary(IEnumerable<AppLayerSpec> layers)
        => layers.Select(l => $"{l.Kind} | {l.Description} | {string.Join(" ", l.Files.Select(f => f.RelativePath))}");

    [Test]
    public void Layers_go_runtime_packages_project_references_app_with_files_sorted()
    {
        using var dir = new TempDirectory();

        var layers = AppLayerPlanner.Plan(Publish(dir, Published), DepsJsonTests.Read(DepsJsonTests.Sample), includeSymbols: false);

        Assert.That(Summary(layers), Is.EqualTo(new[]
        {
            "Runtime | .NET runtime (runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.8) | System.Runtime.dll createdump libSystem.Native.so",
            "Package | NuGet packages (Humanizer.Core.de/2.14.1, Humanizer.Core/2.14.1, SQLitePCLRaw.lib.e_sqlite3/2.1.6) | Humanizer.dll de/Humanizer.resources.dll libe_sqlite3.so",
            "ProjectReference | project references (Shop.Domain/1.0.0) | Shop.Domain.dll",
            "App | app (App/1.0.0) | App App.deps.json App.dll App.runtimeconfig.json appsettings.json de/App.resources.dll",
        }));
    }

    [Test]
    public void Each_file_keeps_its_source_path()
    {
        using var dir = new TempDirectory();
        var files = Publish(dir, Published);

        var layers = AppLayerPlanner.Plan(files, DepsJsonTests.Read(DepsJsonTests.Sample), includeSymbols: true);

        Assert.That(layers.SelectMany(l => l.Files).Select(f => (f.SourcePath, f.RelativePath)),
            Is.EquivalentTo(files.Select(f => (f.SourcePath, f.RelativePath))));
    }

    [Test]
    public void Symbols_are_left_out_unless_asked_for()
    {
        using var dir = new TempDirectory();
        var files = Publish(dir, Published);
        var deps = DepsJsonTests.Read(DepsJsonTests.Sample);

        var without = AppLayerPlanner.Plan(files, deps, includeSymbols: false).SelectMany(l => l.Files).Select(f => f.RelativePath);
        var with = AppLayerPlanner.Plan(files, deps, includeSymbols: true).SelectMany(l => l.Files).Select(f => f.RelativePath);

        Assert.Multiple(() =>
        {
            Assert.That(without, Has.None.EndsWith(".pdb").And.None.EndsWith(".dbg"));
            Assert.That(with.Except(without), Is.EquivalentTo(new[] { "App.pdb", "libSystem.Native.so.dbg", "Shop.Domain.pdb" }));
        });
    }

    [Test]
    public void A_missing_symbol_file_is_no_error_when_symbols_are_left_out()
    {
        using var dir = new TempDirectory();
        var files = Publish(dir, ["App"]);
        files.Add(new PublishedFile(dir.Combine("publish", "gone.PDB"), "gone.PDB"));

        Assert.That(AppLayerPlanner.Plan(files, null, includeSymbols: false).Single().Files.Select(f => f.RelativePath),
            Is.EqualTo(new[] { "App" }));
    }

    [Test]
    public void Without_a_deps_json_everything_is_one_app_layer()
    {
        using var dir = new TempDirectory();

        var layers = AppLayerPlanner.Plan(Publish(dir, ["b.txt", "App", "a/c.txt"]), null, includeSymbols: false);

        Assert.That(Summary(layers), Is.EqualTo(new[] { "App | app | App a/c.txt b.txt" }));
    }

    [Test]
    public void Descriptions_name_three_libraries_and_count_the_rest()
    {
        const string deps = """
            { "runtimeTarget": { "name": "t" }, "targets": { "t": {
              "App/1": { "runtime": { "App.dll": {} } },
              "A/1": { "runtime": { "A.dll": {} } }, "B/1": { "runtime": { "B.dll": {} } }, "C/1": { "runtime": { "C.dll": {} } },
              "D/1": { "runtime": { "D.dll": {} } }, "E/1": { "runtime": { "E.dll": {} } } } },
              "libraries": { "App/1": { "type": "project" }, "A/1": { "type": "package" }, "B/1": { "type": "package" },
                "C/1": { "type": "package" }, "D/1": { "type": "package" }, "E/1": { "type": "package" } } }
            """;
        using var dir = new TempDirectory();

        var layers = AppLayerPlanner.Plan(Publish(dir, ["E.dll", "A.dll", "D.dll", "C.dll", "B.dll", "App.dll"]), DepsJsonTests.Read(deps), false);

        Assert.That(layers.Select(l => l.Description), Is.EqualTo(new[] { "NuGet packages (A/1, B/1, C/1 and 2 more)", "app (App/1)" }));
    }

    [Test]
    public void A_path_listed_twice_is_placed_once()
    {
        using var dir = new TempDirectory();
        var files = Publish(dir, ["App", "x.json"]);
        files.Add(new PublishedFile(files[1].SourcePath, "x.json"));

        Assert.That(AppLayerPlanner.Plan(files, null, false).Single().Files.Select(f => f.RelativePath), Is.EqualTo(new[] { "App", "x.json" }));
    }

    [TestCase("", TestName = "an empty path is DSTL3003")]
    [TestCase("/etc/passwd", TestName = "an absolute path is DSTL3003")]
    [TestCase("../outside.dll", TestName = "a path leaving the directory is DSTL3003")]
    [TestCase("lib/../../outside.dll", TestName = "a path leaving it further down is DSTL3003")]
    [TestCase(@"..\outside.dll", TestName = "a Windows path leaving the directory is DSTL3003")]
    [TestCase("./App.dll", TestName = "a '.' segment is DSTL3003")]
    [TestCase("lib//App.dll", TestName = "an empty segment is DSTL3003")]
    [TestCase("lib/", TestName = "a trailing separator is DSTL3003")]
    public void Unsafe_relative_paths_are_DSTL3003(string relativePath)
    {
        using var dir = new TempDirectory();
        var files = Publish(dir, ["App"]);
        files.Add(new PublishedFile(files[0].SourcePath, relativePath));

        var error = Assert.Throws<DistrolessException>(() => AppLayerPlanner.Plan(files, null, false))!;

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.UnsafePath));
    }

    [Test]
    public void A_published_file_that_does_not_exist_is_DSTL3001_naming_it()
    {
        using var dir = new TempDirectory();
        var files = Publish(dir, ["App"]);
        files.Add(new PublishedFile(dir.Combine("publish", "Gone.dll"), "Gone.dll"));

        var error = Assert.Throws<DistrolessException>(() => AppLayerPlanner.Plan(files, null, false))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.PublishOutputMissing));
            Assert.That(error.Message, Does.Contain("Gone.dll"));
        });
    }
}
