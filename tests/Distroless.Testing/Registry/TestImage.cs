using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Distroless.Oci;

namespace Distroless.Testing.Registry;

/// <summary>
/// A small single-platform image to seed an <see cref="InMemoryRegistry"/> with: gzipped tar
/// layers (one file each), a config with env, labels, ports, Cmd and a history that has empty
/// entries between the layers (as Dockerfile builds write), and its OCI or Docker v2 manifest.
/// </summary>
public sealed class TestImage
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    private TestImage()
    {
    }

    public required string Os { get; init; }

    public required string Architecture { get; init; }

    public string? Variant { get; init; }

    public required byte[] Config { get; init; }

    public Digest ConfigDigest => Digest.Compute(Config);

    /// <summary>The compressed layer blobs, bottom first.</summary>
    public required IReadOnlyList<byte[]> Layers { get; init; }

    public IReadOnlyList<Digest> LayerDigests => Layers.Select(l => Digest.Compute(l)).ToList();

    public required IReadOnlyList<Digest> DiffIds { get; init; }

    /// <summary>created_by of the history entries that have a layer, in order.</summary>
    public required IReadOnlyList<string> LayerHistory { get; init; }

    /// <summary>created_by of every history entry, empty ones included.</summary>
    public required IReadOnlyList<string> History { get; init; }

    public required byte[] Manifest { get; init; }

    public Digest Digest => Digest.Compute(Manifest);

    public required string MediaType { get; init; }

    public required string LayerMediaType { get; init; }

    public static TestImage Create(string name = "base", string architecture = "amd64", string? variant = null, int layers = 2,
        bool docker = false, IEnumerable<string>? env = null, IReadOnlyDictionary<string, string>? labels = null,
        IEnumerable<string>? ports = null, IEnumerable<string>? cmd = null)
    {
        var uncompressed = Enumerable.Range(1, layers).Select(i => Tar($"{name}/{architecture}/layer{i}.txt", $"{name} {architecture} layer {i}\n")).ToList();
        var compressed = uncompressed.Select(Gzip).ToList();
        var diffIds = uncompressed.Select(u => Digest.Compute(u)).ToList();
        var layerHistory = Enumerable.Range(1, layers).Select(i => $"{name}: layer {i}").ToList();
        var history = new List<(string CreatedBy, bool Empty)>();
        for (var i = 0; i < layers; i++)
        {
            history.Add((layerHistory[i], false));
            if (i == 0)
            {
                history.Add(("ENV BASE=1", true));
            }
        }

        var command = (cmd ?? ["/bin/sh"]).ToList();
        history.Add(($"CMD [\"{string.Join("\", \"", command)}\"]", true));

        var config = Write(w =>
        {
            w.WriteString("architecture", architecture);
            w.WriteString("os", "linux");
            if (variant is not null)
            {
                w.WriteString("variant", variant);
            }

            w.WriteString("created", "2024-01-01T00:00:00Z");
            w.WriteStartObject("config");
            w.WriteStartArray("Env");
            foreach (var e in env ?? ["PATH=/usr/local/bin:/usr/bin:/bin"])
            {
                w.WriteStringValue(e);
            }

            w.WriteEndArray();
            w.WriteStartArray("Cmd");
            command.ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteStartObject("Labels");
            foreach (var (key, value) in labels ?? new Dictionary<string, string>())
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
            w.WriteStartObject("ExposedPorts");
            foreach (var port in ports ?? [])
            {
                w.WriteStartObject(port);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("rootfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diff_ids");
            diffIds.ForEach(d => w.WriteStringValue(d.ToString()));
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("history");
            foreach (var (createdBy, empty) in history)
            {
                w.WriteStartObject();
                w.WriteString("created", "2024-01-01T00:00:00Z");
                w.WriteString("created_by", createdBy);
                if (empty)
                {
                    w.WriteBoolean("empty_layer", true);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

        var mediaType = docker ? DockerManifest : MediaTypes.ImageManifest;
        var layerType = docker ? DockerLayer : MediaTypes.LayerGzip;
        var manifest = Write(w =>
        {
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", mediaType);
            WriteDescriptor(w, "config", docker ? DockerConfig : MediaTypes.ImageConfig, Digest.Compute(config), config.Length);
            w.WriteStartArray("layers");
            foreach (var layer in compressed)
            {
                WriteDescriptor(w, null, layerType, Digest.Compute(layer), layer.Length);
            }

            w.WriteEndArray();
        });

        return new TestImage
        {
            Os = "linux",
            Architecture = architecture,
            Variant = variant,
            Config = config,
            Layers = compressed,
            DiffIds = diffIds,
            LayerHistory = layerHistory,
            History = history.Select(h => h.CreatedBy).ToList(),
            Manifest = manifest,
            MediaType = mediaType,
            LayerMediaType = layerType,
        };
    }

    /// <summary>An OCI index (or Docker manifest list) of the images, each with its platform.</summary>
    public static (byte[] Content, string MediaType) Index(IEnumerable<TestImage> images, bool docker = false)
    {
        var mediaType = docker ? DockerManifestList : MediaTypes.ImageIndex;
        var content = Write(w =>
        {
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", mediaType);
            w.WriteStartArray("manifests");
            foreach (var image in images)
            {
                w.WriteStartObject();
                w.WriteString("mediaType", image.MediaType);
                w.WriteString("digest", image.Digest.ToString());
                w.WriteNumber("size", image.Manifest.Length);
                w.WriteStartObject("platform");
                w.WriteString("architecture", image.Architecture);
                w.WriteString("os", image.Os);
                if (image.Variant is not null)
                {
                    w.WriteString("variant", image.Variant);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        return (content, mediaType);
    }

    private static void WriteDescriptor(Utf8JsonWriter w, string? property, string mediaType, Digest digest, long size)
    {
        if (property is null)
        {
            w.WriteStartObject();
        }
        else
        {
            w.WriteStartObject(property);
        }

        w.WriteString("mediaType", mediaType);
        w.WriteString("digest", digest.ToString());
        w.WriteNumber("size", size);
        w.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] Tar(string path, string content)
    {
        var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, path)
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            });
        }

        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] content)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }
}
