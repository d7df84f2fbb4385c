using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Distroless.RegistryTests.Infrastructure;

/// <summary>A blob: its bytes, its "sha256:…" digest and media type.</summary>
public sealed record TestBlob(string MediaType, byte[] Bytes)
{
    public string Digest { get; } = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Bytes));

    public long Size => Bytes.LongLength;
}

/// <summary>
/// A minimal OCI image written by hand, independent of the product's own writers: one gzip
/// layer holding one small file, a config and a manifest; as an OCI image layout directory or an
/// oci-archive tar (what skopeo reads with oci-archive:PATH).
/// </summary>
public sealed class OciTestImage
{
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";
    public const string LayerMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";

    private OciTestImage(TestBlob layer, TestBlob config, TestBlob manifest)
    {
        Layer = layer;
        Config = config;
        Manifest = manifest;
    }

    public TestBlob Layer { get; }

    public TestBlob Config { get; }

    public TestBlob Manifest { get; }

    /// <summary>
    /// An image whose single file /hello.txt holds <paramref name="content"/> (different content,
    /// different digests), padded with <paramref name="extraBytes"/> random bytes in /padding.bin
    /// to make the layer larger than one upload chunk when needed.
    /// </summary>
    public static OciTestImage Create(string content = "hello from a registry test\n", int extraBytes = 0)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var fixedTime = DateTimeOffset.FromUnixTimeSeconds(0);
            var entry = new UstarTarEntry(TarEntryType.RegularFile, "hello.txt")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = fixedTime,
            };
            writer.WriteEntry(entry);
            if (extraBytes > 0)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "padding.bin")
                {
                    DataStream = new MemoryStream(RandomNumberGenerator.GetBytes(extraBytes)),
                    Mode = entry.Mode,
                    ModificationTime = fixedTime,
                });
            }
        }

        var uncompressed = tar.ToArray();
        var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(uncompressed);
        }

        var layer = new TestBlob(LayerMediaType, gzip.ToArray());
        var config = new TestBlob(ConfigMediaType, Json(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Cmd"] = new JsonArray("/hello") },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray("sha256:" + Convert.ToHexStringLower(SHA256.HashData(uncompressed))),
            },
        }));
        var manifest = new TestBlob(ManifestMediaType, Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestMediaType,
            ["config"] = Descriptor(config),
            ["layers"] = new JsonArray(Descriptor(layer)),
        }));
        return new OciTestImage(layer, config, manifest);
    }

    /// <summary>Writes an OCI image layout (oci-layout, index.json, blobs/sha256/…) into <paramref name="directory"/>.</summary>
    public string WriteLayout(string directory, string tag = "latest")
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        foreach (var blob in new[] { Layer, Config, Manifest })
        {
            File.WriteAllBytes(Path.Combine(blobs, blob.Digest["sha256:".Length..]), blob.Bytes);
        }

        var descriptor = Descriptor(Manifest);
        descriptor["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag };
        File.WriteAllBytes(Path.Combine(directory, "index.json"), Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(descriptor),
        }));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return directory;
    }

    /// <summary>Writes the layout as a tar at <paramref name="path"/> (oci-archive) and returns the path.</summary>
    public string WriteArchive(string path, string tag = "latest")
    {
        var layout = path + ".layout";
        WriteLayout(layout, tag);
        TarFile.CreateFromDirectory(layout, path, includeBaseDirectory: false);
        Directory.Delete(layout, recursive: true);
        return path;
    }

    private static JsonObject Descriptor(TestBlob blob) => new()
    {
        ["mediaType"] = blob.MediaType,
        ["digest"] = blob.Digest,
        ["size"] = blob.Size,
    };

    private static byte[] Json(JsonObject value) => Encoding.UTF8.GetBytes(value.ToJsonString());
}
