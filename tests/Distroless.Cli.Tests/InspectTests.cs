using System.Text.Json;
using Distroless.Caching;
using Distroless.Oci;

namespace Distroless.Cli.Tests;

/// <summary>`distroless inspect` of archives the core writes: config, layers, dpkg packages, SBOMs, and the JSON form.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class InspectTests
{
    [Test]
    public async Task Shows_the_config_the_layers_and_the_packages()
    {
        using var temp = new TempDirectory();
        var archive = TestImages.WriteArchive(temp);

        var result = await Cli.In(temp).RunAsync("inspect", archive);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Out, Does.Contain("linux/amd64"));
        Assert.That(result.Out, Does.Contain("user       65532"));
        Assert.That(result.Out, Does.Contain("entrypoint [\"/app/app\"]"));
        Assert.That(result.Out, Does.Contain("workdir    /app"));
        Assert.That(result.Out, Does.Contain("DOTNET_RUNNING_IN_CONTAINER=true"));
        Assert.That(result.Out, Does.Contain("org.opencontainers.image.title=api"));
        Assert.That(result.Out, Does.Contain("8080/tcp"));
        Assert.That(result.Out, Does.Contain("layers (2):"));
        Assert.That(result.Out, Does.Contain("debian package foo 1.2-3").And.Contain("app files"));
        Assert.That(result.Out, Does.Contain("packages (2):"));
        Assert.That(result.Out, Does.Match(@"bar\s+2:4\.5~rc1-1\s+all"));
        Assert.That(result.Out, Does.Match(@"foo\s+1\.2-3\s+amd64"));
        Assert.That(result.Out, Does.Not.Contain("md5sums"));
        Assert.That(result.Out, Does.Not.Contain("sboms"), "an archive without SBOMs lists none");
    }

    [Test]
    public async Task Shows_what_the_base_got_for_the_app_s_native_code_and_why()
    {
        using var temp = new TempDirectory();
        var cache = new BlobCache(temp.Combine("image-cache"));
        var recipe = new Distroless.Base.BaseRecipe
        {
            Suite = "bookworm", Cpp = true, Ssl = true, Icu = true, Layers = 1,
            Native = [new("libfontconfig.so.1", "libfontconfig1", ["app/libSkiaSharp.so"]), new("libsasl2.so.3", null, ["app/librdkafka.so"])],
        };
        var image = TestImages.Create(cache, annotations: System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            [KeyValuePair.Create(Distroless.Base.BaseRecipe.Annotation, recipe.ToJson())]));
        var archive = temp.Combine("native.tar");
        Distroless.Output.ImageArchiveWriter.Write(archive, image, ["shop/api:1.0"], cache);

        var text = await Cli.In(temp).RunAsync("inspect", archive);
        var json = await Cli.In(temp).RunAsync("inspect", archive, "--json");

        var native = JsonDocument.Parse(json.Out).RootElement.GetProperty("images")[0].GetProperty("nativeDependencies");
        Assert.Multiple(() =>
        {
            Assert.That(text.Out, Does.Contain("native dependencies (2, added to the base for the app's native code):"));
            Assert.That(text.Out, Does.Match(@"libfontconfig\.so\.1\s+libfontconfig1\s+needed by /app/libSkiaSharp\.so"));
            Assert.That(text.Out, Does.Match(@"libsasl2\.so\.3\s+\(none ships it\)\s+needed by /app/librdkafka\.so"));
            Assert.That(native.EnumerateArray().Select(n => $"{n.GetProperty("soName").GetString()}={n.GetProperty("package").GetString()}"),
                Is.EqualTo(new[] { "libfontconfig.so.1=libfontconfig1", "libsasl2.so.3=" }));
        });
    }

    [Test]
    public async Task Json_is_one_stable_document()
    {
        using var temp = new TempDirectory();
        var archive = TestImages.WriteArchive(temp);
        var expected = TestImages.Create(new BlobCache(temp.Combine("again")));

        var result = await Cli.In(temp).RunAsync("inspect", archive, "--json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "schemaVersion", "source", "digest", "mediaType", "images", "sboms", "attestations" }));
        Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
        Assert.That(root.GetProperty("digest").GetString(), Is.EqualTo(expected.Digest.ToString()));
        var image = root.GetProperty("images").EnumerateArray().Single();
        Assert.That(image.GetProperty("platform").GetString(), Is.EqualTo("linux/amd64"));
        Assert.That(image.GetProperty("configDigest").GetString(), Is.EqualTo(expected.ImageId.ToString()));
        var config = image.GetProperty("config");
        Assert.That(config.GetProperty("user").GetString(), Is.EqualTo("65532"));
        Assert.That(config.GetProperty("entrypoint").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "/app/app" }));
        Assert.That(config.GetProperty("workingDir").GetString(), Is.EqualTo("/app"));
        Assert.That(config.GetProperty("labels").GetProperty("org.opencontainers.image.title").GetString(), Is.EqualTo("api"));
        var layers = image.GetProperty("layers").EnumerateArray().ToList();
        Assert.That(layers.Select(l => l.GetProperty("digest").GetString()), Is.EqualTo(expected.Layers.Select(l => l.Digest.ToString())));
        Assert.That(layers.Select(l => l.GetProperty("size").GetInt64()), Is.EqualTo(expected.Layers.Select(l => l.Size)));
        Assert.That(layers.Select(l => l.GetProperty("createdBy").GetString()), Is.EqualTo(new[] { "debian package foo 1.2-3", "app files" }));
        var packages = image.GetProperty("packages").EnumerateArray()
            .Select(p => $"{p.GetProperty("name").GetString()} {p.GetProperty("version").GetString()} {p.GetProperty("architecture").GetString()} {p.GetProperty("source").GetString()}");
        Assert.That(packages, Is.EqualTo(new[] { "bar 2:4.5~rc1-1 all ", "foo 1.2-3 amd64 foo-src" }));
        Assert.That(image.GetProperty("sboms").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task An_index_is_shown_per_platform()
    {
        using var temp = new TempDirectory();
        var archive = TestImages.WriteArchive(temp, multiPlatform: true);

        var result = await Cli.In(temp).RunAsync("inspect", archive, "--json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.That(json.RootElement.GetProperty("mediaType").GetString(), Is.EqualTo(MediaTypes.ImageIndex));
        Assert.That(json.RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("platform").GetString()),
            Is.EqualTo(new[] { "linux/amd64", "linux/arm64/v8" }));
        Assert.That(json.RootElement.GetProperty("images").EnumerateArray().All(i => i.GetProperty("packages").GetArrayLength() == 2));
    }

    [Test]
    public async Task Sboms_the_archive_carries_are_listed_with_the_image_they_describe()
    {
        using var temp = new TempDirectory();
        var image = TestImages.Create(new BlobCache(temp.Combine("again")));
        var archive = TestImages.WithSbom(TestImages.WriteArchive(temp), image.Digest, image.ManifestJson.Length,
            """{"spdxVersion":"SPDX-2.3","name":"api"}""");

        var text = await Cli.In(temp).RunAsync("inspect", archive);
        var json = await Cli.In(temp).RunAsync("inspect", archive, "--json");

        Assert.That(text.ExitCode, Is.Zero, text.ToString());
        Assert.That(text.Out, Does.Contain("sboms (1):").And.Contain("application/spdx+json").And.Contain("sbom.spdx.json"));
        using var document = JsonDocument.Parse(json.Out);
        var sbom = document.RootElement.GetProperty("images")[0].GetProperty("sboms").EnumerateArray().Single();
        Assert.That(sbom.GetProperty("mediaType").GetString(), Is.EqualTo("application/spdx+json"));
        Assert.That(sbom.GetProperty("subject").GetString(), Is.EqualTo(image.Digest.ToString()));
        Assert.That(sbom.GetProperty("name").GetString(), Is.EqualTo("sbom.spdx.json"));
    }

    [Test]
    public async Task Sbom_files_a_build_wrote_beside_the_archive_are_listed_per_platform()
    {
        using var temp = new TempDirectory();
        var archive = TestImages.WriteArchive(temp, "api.tar", multiPlatform: true);
        await File.WriteAllTextAsync(temp.Combine("api.amd64.spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
        await File.WriteAllTextAsync(temp.Combine("api.arm64.cdx.json"), "{\"bomFormat\":\"CycloneDX\"}");

        var result = await Cli.In(temp).RunAsync("inspect", archive, "--json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var images = json.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.That(images[0].GetProperty("sboms").EnumerateArray().Select(s => s.GetProperty("mediaType").GetString()),
            Is.EqualTo(new[] { "application/spdx+json" }));
        Assert.That(images[1].GetProperty("sboms").EnumerateArray().Select(s => s.GetProperty("name").GetString()),
            Is.EqualTo(new[] { temp.Combine("api.arm64.cdx.json") }));
        Assert.That(images[1].GetProperty("sboms")[0].GetProperty("subject").GetString(), Is.EqualTo(images[1].GetProperty("digest").GetString()));
    }

    [Test]
    public async Task A_missing_archive_is_a_DSTL_error()
    {
        using var temp = new TempDirectory();

        var result = await Cli.In(temp).RunAsync("inspect", temp.Combine("missing.tar"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.StartWith("error DSTL4004: cannot read the image").And.Contain("does not exist"));
    }

    [Test]
    public async Task A_file_that_is_not_an_image_archive_is_a_DSTL_error()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("notes.tar");
        await File.WriteAllTextAsync(path, "these are notes, not a tar file\n");

        var result = await Cli.In(temp).RunAsync("inspect", path);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.Contain("error DSTL4004"));
    }
}
