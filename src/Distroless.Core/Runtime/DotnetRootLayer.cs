using Distroless.App;
using Distroless.Caching;
using Distroless.Layers;
using Distroless.Oci;

namespace Distroless.Runtime;

/// <summary>
/// The .NET runtime of a framework-dependent app as a dotnet root at <see cref="Root"/>:
/// <c>host/fxr/&lt;v&gt;/libhostfxr.so</c> and <c>shared/&lt;framework&gt;/&lt;v&gt;/</c>, assembled from
/// the runtime packs, one layer per framework. Nothing in them depends on the app or the time
/// input (mtime 0, root-owned, modes from content), so every app on the same runtime shares
/// them by digest. The apphost finds the root through DOTNET_ROOT.
/// </summary>
public static class DotnetRootLayer
{
    public const string Root = "/usr/share/dotnet";
    private const string Recipe = "dotnet-root-v2";

    /// <summary>A framework and the directory of its installed runtime pack.</summary>
    public sealed record Pack(RuntimeFramework Framework, string Directory);

    /// <summary>
    /// One layer per framework (Microsoft.NETCore.App, with hostfxr, first), so a console app
    /// and a web app on the same runtime share the first. Each comes from the cache when it was
    /// built before (no pack is read), else from the pack <paramref name="locate"/> finds.
    /// </summary>
    public static async Task<IReadOnlyList<LayerBlob>> GetOrBuildAsync(BlobCache cache, IReadOnlyList<RuntimeFramework> frameworks,
        string runtimeIdentifier, Func<RuntimeFramework, Task<string>> locate)
    {
        var layers = new List<LayerBlob>();
        foreach (var framework in frameworks)
        {
            layers.Add(await GetOrBuildAsync(cache, framework, runtimeIdentifier, locate).ConfigureAwait(false));
        }

        return layers;
    }

    private static async Task<LayerBlob> GetOrBuildAsync(BlobCache cache, RuntimeFramework framework, string runtimeIdentifier,
        Func<RuntimeFramework, Task<string>> locate)
    {
        var key = Digest.Compute(System.Text.Encoding.UTF8.GetBytes(
            $"{Recipe}\n{runtimeIdentifier}\n{framework.Name} {framework.Version}\n{Compression.ParallelGzipStream.DefaultLevel}")).Hex;
        var createdBy = $"distroless: .NET runtime {framework}";
        if (cache.TryReadRecord<CachedLayer>("dotnet-root-layers", key, out var cached) && cache.Contains(Digest.Parse(cached.Digest)))
        {
            return cached.ToLayer() with { CreatedBy = createdBy };
        }

        var pack = new Pack(framework, await locate(framework).ConfigureAwait(false));
        var layer = await Task.Run(() => Build(cache, [pack], runtimeIdentifier, createdBy)).ConfigureAwait(false);
        cache.WriteRecord("dotnet-root-layers", key, CachedLayer.From(layer));
        return layer;
    }

    public static LayerBlob Build(BlobCache cache, IReadOnlyList<Pack> packs, string runtimeIdentifier, string createdBy)
        => LayerBuilder.Build(cache, createdBy, writer =>
        {
            const long mtime = 0;
            var root = Root.Trim('/');
            var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (framework, directory) in packs)
            {
                var runtimeDirectory = Path.Combine(directory, "runtimes", runtimeIdentifier);
                var shared = $"{root}/shared/{framework.Name}/{framework.Version}";
                foreach (var group in new[] { "lib", "native" })
                {
                    var groupDirectory = Path.Combine(runtimeDirectory, group);
                    if (!Directory.Exists(groupDirectory))
                    {
                        continue;
                    }

                    foreach (var file in Directory.EnumerateFiles(groupDirectory, "*", SearchOption.AllDirectories))
                    {
                        var name = Path.GetFileName(file);
                        var target = name == "libhostfxr.so"
                            ? $"{root}/host/fxr/{framework.Version}/{name}"
                            : $"{shared}/{FlattenLibDirectory(Path.GetRelativePath(groupDirectory, file))}";
                        files[target] = file;
                    }
                }
            }

            writer.AddDirectory(root, 0x1ed, mtime);
            foreach (var (target, source) in files)
            {
                using var content = File.OpenRead(source);
                writer.AddFile(target, ExecutableDetector.IsExecutable(content) ? 0x1ed : 0x1a4, mtime, Rewind(content), content.Length);
            }
        });

    /// <summary>lib/net10.0/X.dll → X.dll: the shared framework directory is flat.</summary>
    private static string FlattenLibDirectory(string relative)
    {
        var parts = relative.Replace('\\', '/').Split('/');
        return parts.Length > 1 && parts[0].StartsWith("net", StringComparison.Ordinal) ? string.Join('/', parts[1..]) : string.Join('/', parts);
    }

    private static Stream Rewind(Stream stream)
    {
        stream.Position = 0;
        return stream;
    }
}
