using System.Collections.Immutable;
using System.Text;
using Distroless.App;
using Distroless.Testing;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>
/// A small self-contained linux-x64 publish directory for an app called "app": an ELF apphost
/// (PT_INTERP, so a program), app.dll, app.deps.json naming a runtime pack, a NuGet package
/// and the project, the files those libraries own, app.runtimeconfig.json and app.pdb.
/// </summary>
internal static class FakePublishOutput
{
    public const string AppHost = "app";

    public const string DepsJson = """
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v8.0/linux-x64", "signature": "" },
          "compilationOptions": {},
          "targets": {
            ".NETCoreApp,Version=v8.0": {},
            ".NETCoreApp,Version=v8.0/linux-x64": {
              "app/1.0.0": {
                "dependencies": { "Newtonsoft.Json": "13.0.3", "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64": "8.0.8" },
                "runtime": { "app.dll": {} }
              },
              "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.8": {
                "runtime": { "System.Private.CoreLib.dll": { "assemblyVersion": "8.0.0.0", "fileVersion": "8.0.824.36612" } },
                "native": { "libSystem.Native.so": { "fileVersion": "0.0.0.0" } }
              },
              "Newtonsoft.Json/13.0.3": {
                "runtime": { "lib/net6.0/Newtonsoft.Json.dll": { "assemblyVersion": "13.0.0.0", "fileVersion": "13.0.3.27908" } }
              }
            }
          },
          "libraries": {
            "app/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.8": { "type": "runtimepack", "serviceable": false, "sha512": "" },
            "Newtonsoft.Json/13.0.3": { "type": "package", "serviceable": true, "sha512": "sha512-x", "path": "newtonsoft.json/13.0.3" }
          }
        }
        """;

    /// <summary>Relative path → content of every published file.</summary>
    public static IReadOnlyDictionary<string, byte[]> Contents { get; } = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
    {
        [AppHost] = FakeElf.Create(),
        ["app.dll"] = Encoding.UTF8.GetBytes("MZ app\n"),
        ["app.deps.json"] = Encoding.UTF8.GetBytes(DepsJson),
        ["app.runtimeconfig.json"] = Encoding.UTF8.GetBytes("{\"runtimeOptions\":{\"tfm\":\"net8.0\"}}\n"),
        ["app.pdb"] = Encoding.UTF8.GetBytes("BSJB symbols\n"),
        ["System.Private.CoreLib.dll"] = Encoding.UTF8.GetBytes("MZ corelib\n"),
        ["libSystem.Native.so"] = FakeElf.Create(interpreter: false),
        ["Newtonsoft.Json.dll"] = Encoding.UTF8.GetBytes("MZ json\n"),
    };

    /// <summary>Writes the files under <paramref name="directory"/> and returns them as a plan lists them.</summary>
    public static ImmutableArray<PublishedFile> Write(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (relative, content) in Contents)
        {
            File.WriteAllBytes(Path.Combine(directory, relative), content);
        }

        return Contents.Keys.Select(relative => new PublishedFile(Path.Combine(directory, relative), relative)).ToImmutableArray();
    }

    public static ImmutableArray<PublishedFile> Write(TempDirectory temp) => Write(temp.Combine("publish"));
}
