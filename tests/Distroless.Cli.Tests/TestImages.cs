using System.Collections.Immutable;
using System.Formats.Tar;
using System.Text;
using Distroless.Caching;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Output;

namespace Distroless.Cli.Tests;

/// <summary>Small OCI image archives made with the core's own writers: dpkg entries, config and history as a real image has them.</summary>
internal static class TestImages
{
    public const string FooControl = "Package: foo\nVersion: 1.2-3\nArchitecture: amd64\nSource: foo-src\nDescription: a test package\n";
    public const string BarControl = "Package: bar\nVersion: 2:4.5~rc1-1\nArchitecture: all\n";

    /// <summary>Two layers: foo's files and its dpkg status (with md5sums), then bar's status and the app.</summary>
    public static BuiltImage Create(BlobCache cache, Platform? platform = null, ImmutableSortedDictionary<string, string>? annotations = null)
    {
        platform ??= Platform.LinuxAmd64;
        var first = LayerBuilder.Build(cache, "debian package foo 1.2-3", w =>
        {
            w.AddFile("usr/lib/foo.so", 0x1ed, 0, Encoding.UTF8.GetBytes("foo " + platform));
            w.AddFile("var/lib/dpkg/status.d/foo", 0x1a4, 0, Encoding.UTF8.GetBytes(FooControl));
            w.AddFile("var/lib/dpkg/status.d/foo.md5sums", 0x1a4, 0, Encoding.UTF8.GetBytes("0123  usr/lib/foo.so\n"));
        });
        var second = LayerBuilder.Build(cache, "app files", w =>
        {
            w.AddFile("var/lib/dpkg/status.d/bar", 0x1a4, 0, Encoding.UTF8.GetBytes(BarControl));
            w.AddFile("app/app", 0x1ed, 0, Encoding.UTF8.GetBytes("#!app"));
        });
        var config = new ImageConfig
        {
            Platform = platform,
            Created = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000),
            User = "65532",
            Env = ["PATH=/usr/bin:/bin", "DOTNET_RUNNING_IN_CONTAINER=true"],
            Entrypoint = ["/app/app"],
            WorkingDir = "/app",
            Labels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("org.opencontainers.image.title", "api")]),
            ExposedPorts = ImmutableSortedSet.Create(StringComparer.Ordinal, "8080/tcp"),
        }.WithLayer(first.DiffId, first.CreatedBy).WithLayer(second.DiffId, second.CreatedBy);
        return BuiltImage.Create(config, [first, second], annotations);
    }

    public static string WriteArchive(TempDirectory temp, string name = "image.tar", bool multiPlatform = false)
    {
        var cache = new BlobCache(temp.Combine("image-cache"));
        var path = temp.Combine(name);
        if (multiPlatform)
        {
            BuiltImage[] images = [Create(cache, Platform.LinuxAmd64), Create(cache, Platform.LinuxArm64)];
            ImageArchiveWriter.Write(path, images, BuiltIndex.Create(images), ["shop/api:1.0"], cache);
        }
        else
        {
            ImageArchiveWriter.Write(path, Create(cache), ["shop/api:1.0"], cache);
        }

        return path;
    }

    /// <summary>A copy of <paramref name="archive"/> that also carries an SPDX document attached to <paramref name="subject"/> as a referrer.</summary>
    public static string WithSbom(string archive, Digest subject, long subjectSize, string sbomJson)
    {
        var sbom = Encoding.UTF8.GetBytes(sbomJson);
        var empty = "{}"u8.ToArray();
        var referrer = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/spdx+json",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{Digest.Compute(empty)}}","size":2},
             "layers":[{"mediaType":"application/spdx+json","digest":"{{Digest.Compute(sbom)}}","size":{{sbom.Length}},
                        "annotations":{"org.opencontainers.image.title":"sbom.spdx.json"} } ],
             "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{subject}}","size":{{subjectSize}} } }
            """);
        var copy = Path.ChangeExtension(archive, ".sbom.tar");
        using (var output = File.Create(copy))
        using (var writer = new TarWriter(output, TarEntryFormat.Pax))
        {
            using (var input = File.OpenRead(archive))
            using (var reader = new TarReader(input))
            {
                while (reader.GetNextEntry(copyData: true) is { } entry)
                {
                    writer.WriteEntry(entry);
                }
            }

            foreach (var blob in new[] { sbom, empty, referrer })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "blobs/sha256/" + Digest.Compute(blob).Hex)
                {
                    DataStream = new MemoryStream(blob),
                });
            }
        }

        return copy;
    }
}
