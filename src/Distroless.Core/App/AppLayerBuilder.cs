using System.Globalization;
using System.Text;
using Distroless.Caching;
using Distroless.Layers;
using Distroless.Oci;

namespace Distroless.App;

/// <summary>
/// Builds an app layer under the app directory: root-owned entries (the app cannot rewrite
/// itself), 0755 for programs and 0644 for everything else (decided by content, see
/// <see cref="ExecutableDetector"/>), every mtime set to the build's time input.
/// <para>
/// Two cache levels keep an unchanged republish cheap: first by the files' paths, sizes and
/// modification times (no file is read), then by the layer's diff ID (files are read and
/// hashed, but not compressed again).
/// </para>
/// </summary>
public static class AppLayerBuilder
{
    private const string Recipe = "app-layer-v1";

    public static LayerBlob GetOrBuild(BlobCache cache, AppLayerSpec spec, string appDirectory, long mtime)
    {
        var root = appDirectory.Trim('/');
        var createdBy = "distroless: " + spec.Description;
        var statKey = StatKey(spec, root, mtime);
        if (cache.TryReadRecord<CachedLayer>("app-layers", statKey, out var cached) && cache.Contains(Digest.Parse(cached.Digest)))
        {
            return cached.ToLayer() with { CreatedBy = createdBy };
        }

        var modes = spec.Files.Select(f => ExecutableDetector.IsExecutable(f.SourcePath) ? 0x1ed : 0x1a4).ToArray();
        var layer = LayerBuilder.GetOrBuild(cache, createdBy, writer =>
        {
            // ContainerWorkingDirectory "/" puts the app at the image root, which has no entry of its own.
            if (root.Length > 0)
            {
                writer.AddDirectory(root, 0x1ed, mtime);
            }

            for (var i = 0; i < spec.Files.Length; i++)
            {
                var file = spec.Files[i];
                using var content = File.OpenRead(file.SourcePath);
                writer.AddFile(root.Length > 0 ? $"{root}/{file.RelativePath}" : file.RelativePath, modes[i], mtime, content, content.Length);
            }
        });
        cache.WriteRecord("app-layers", statKey, CachedLayer.From(layer));
        return layer;
    }

    private static string StatKey(AppLayerSpec spec, string root, long mtime)
    {
        var text = new StringBuilder().Append(Recipe).Append('\n').Append(root).Append('\n')
            .Append(mtime.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var file in spec.Files)
        {
            var info = new FileInfo(file.SourcePath);
            text.Append(file.RelativePath).Append('\t').Append(info.FullName).Append('\t')
                .Append(info.Length.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Digest.Compute(Encoding.UTF8.GetBytes(text.ToString())).Hex;
    }
}
