using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// The Native AOT sample (invariant globalization, no TLS): one native binary on the smallest
/// base it needs — no .NET runtime layer, no ICU, no libstdc++, and no OpenSSL because the binary
/// does not name it — and it runs as nonroot with time zones. Needs clang and lld
/// (build/install-prerequisites).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class NativeAotTests
{
    /// <summary>The size target: at most half of the .NET SDK's runtime-deps based AOT image (23.2 MB).</summary>
    private const long SizeTarget = 11_600_000;

    private ImageArchive _image = null!;
    private Dictionary<string, string> _report = [];

    [OneTimeSetUp]
    public async Task PublishAndRunAsync()
    {
        (_image, var archive) = await SampleImages.PublishAsync(SampleProject.Create("aot", "HelloAot"), "aot", "-r", "linux-x64");
        _report = await SampleImages.RunAsync(archive);
    }

    [Test]
    public void It_runs_as_nonroot_with_time_zones_and_invariant_cultures()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_report["hello"], Is.EqualTo("Hello from a Native AOT distroless image!"));
            Assert.That(_report["uid"], Is.EqualTo("65532"));
            Assert.That(_report["timezone"], Is.EqualTo("Europe/Berlin"));
            Assert.That(_report["cultures"], Is.EqualTo("invariant only"));
        });
    }

    [Test]
    public void The_base_has_no_ICU_no_libstdcxx_and_there_is_no_runtime_layer()
    {
        Assert.Multiple(() =>
        {
            // The sample uses no TLS: its binary names no libssl, so OpenSSL and the CA bundle stay out too.
            Assert.That(ImageFacts.DebianPackages(_image), Is.EquivalentTo(new[]
            {
                "base-files", "gcc-12-base", "libc6", "libgcc-s1", "media-types", "netbase", "tzdata",
            }));
            Assert.That(_image.History, Has.None.Contains(".NET runtime"));
            Assert.That(ImageFacts.Environment(_image), Has.None.StartsWith("DOTNET_ROOT="));
        });
    }

    [Test]
    public void The_image_is_within_the_size_target()
    {
        var size = ImageFacts.CompressedSize(_image);
        TestContext.Out.WriteLine($"Native AOT image: {size / 1e6:F1} MB compressed (target {SizeTarget / 1e6:F1} MB)");
        Assert.That(size, Is.LessThanOrEqualTo(SizeTarget));
    }
}
