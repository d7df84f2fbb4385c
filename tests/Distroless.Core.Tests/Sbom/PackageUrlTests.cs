using Distroless.Oci;
using Distroless.Sbom;

namespace Distroless.Core.Tests.Sbom;

/// <summary>Package URLs as the purl specification's own test suite builds them (deb, nuget and oci types).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class PackageUrlTests
{
    private static readonly Digest Digest = Digest.FromHex(new string('a', 64));

    [Test]
    public void A_plus_in_a_Debian_version_is_percent_encoded_and_the_epoch_colon_is_not()
        => Assert.That(PackageUrl.Debian(SbomSamples.Deb("attr", "1:2.4.47-2+b1", "amd64", "pool/main/a/attr/attr_2.4.47-2+b1_amd64.deb")),
            Is.EqualTo("pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64&distro=debian-12"));

    [Test]
    public void A_tilde_stays_and_the_source_package_becomes_the_upstream_qualifier()
        => Assert.That(PackageUrl.Debian(SbomSamples.Deb("libssl3", "3.0.16-1~deb12u1", "amd64", "x.deb", source: "openssl")),
            Is.EqualTo("pkg:deb/debian/libssl3@3.0.16-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl"));

    [Test]
    public void A_plus_in_a_package_name_is_encoded_and_a_source_version_that_differs_is_kept()
        => Assert.That(PackageUrl.Debian(SbomSamples.Deb("libstdc++6", "12.2.0-14+deb12u1", "amd64", "x.deb", source: "gcc-12 (12.2.0-14)")),
            Is.EqualTo("pkg:deb/debian/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14"));

    [Test]
    public void A_package_built_from_a_source_of_its_own_name_and_version_has_no_upstream()
    {
        var purl = PackageUrl.Debian(SbomSamples.Deb("tzdata", "2025b-0+deb12u1", "all", "x.deb", source: "tzdata"));

        Assert.That(purl, Is.EqualTo("pkg:deb/debian/tzdata@2025b-0%2Bdeb12u1?arch=all&distro=debian-12"));
    }

    [Test]
    public void A_NuGet_id_keeps_its_case()
        => Assert.Multiple(() =>
        {
            Assert.That(PackageUrl.NuGet("EnterpriseLibrary.Common", "6.0.1304"), Is.EqualTo("pkg:nuget/EnterpriseLibrary.Common@6.0.1304"));
            Assert.That(PackageUrl.NuGet("Foo", "1.0.0+build.5"), Is.EqualTo("pkg:nuget/Foo@1.0.0%2Bbuild.5"));
        });

    [Test]
    public void A_runtime_is_the_runtime_pack_it_came_from()
        => Assert.That(PackageUrl.Runtime(new DotnetRuntime("Microsoft.NETCore.App", "10.0.0", "linux-arm64", RuntimeDelivery.SelfContained)),
            Is.EqualTo("pkg:nuget/Microsoft.NETCore.App.Runtime.linux-arm64@10.0.0"));

    [Test]
    public void An_image_with_a_registry_gets_its_repository_url_with_slashes_encoded()
        => Assert.That(PackageUrl.Image(new ImageInfo("docker.io/library/Debian", Digest, Platform.LinuxAmd64, DateTimeOffset.UnixEpoch) { Tag = "latest" }),
            Is.EqualTo($"pkg:oci/debian@sha256:{Digest.Hex}?arch=amd64&repository_url=docker.io%2Flibrary%2FDebian&tag=latest"));

    [Test]
    public void An_image_without_a_registry_stays_registry_agnostic()
        => Assert.Multiple(() =>
        {
            Assert.That(PackageUrl.Image(new ImageInfo("hellodistroless", Digest, Platform.LinuxArm64, DateTimeOffset.UnixEpoch)),
                Is.EqualTo($"pkg:oci/hellodistroless@sha256:{Digest.Hex}?arch=arm64"));
            Assert.That(PackageUrl.Image(new ImageInfo("shop/api", Digest, Platform.LinuxAmd64, DateTimeOffset.UnixEpoch) { Tag = "1.4.2" }),
                Is.EqualTo($"pkg:oci/api@sha256:{Digest.Hex}?arch=amd64&tag=1.4.2"));
            Assert.That(PackageUrl.Image(new ImageInfo("localhost/api", Digest, Platform.LinuxAmd64, DateTimeOffset.UnixEpoch)),
                Is.EqualTo($"pkg:oci/api@sha256:{Digest.Hex}?arch=amd64&repository_url=localhost%2Fapi"));
        });

    [TestCase("abc.DEF-1_2~3", "abc.DEF-1_2~3")]
    [TestCase("1:2", "1:2")]
    [TestCase("a b", "a%20b")]
    [TestCase("a@b/c?d#e&f=g+h%", "a%40b%2Fc%3Fd%23e%26f%3Dg%2Bh%25")]
    [TestCase("café", "caf%C3%A9")]
    public void Components_are_percent_encoded_outside_the_permitted_characters(string component, string encoded)
        => Assert.That(PackageUrl.Encode(component), Is.EqualTo(encoded));
}
