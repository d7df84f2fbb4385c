using System.Security.Cryptography;
using Distroless.Provenance;
using Distroless.Testing;

namespace Distroless.Core.Tests.Provenance;

/// <summary>NuGet's package hashes as the provenance states them: from the assets file, and from beside an installed package.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class NuGetPackageHashesTests
{
    [Test]
    public void The_assets_file_gives_every_package_with_its_content_hash_and_the_installed_nupkg_hash_in_hex_and_no_project()
    {
        using var temp = new TempDirectory();
        var path = Signing.SignedArchiveTests.AssetsFile(temp.Path);

        var packages = NuGetPackageHashes.FromAssetsFile(path);

        Assert.Multiple(() =>
        {
            Assert.That(packages.Select(p => $"{p.Id}/{p.Version}"), Is.EqualTo(new[] { "Microsoft.SourceLink.GitHub/8.0.0", "Newtonsoft.Json/13.0.3" }));
            Assert.That(packages[1].ContentHash, Is.EqualTo(Convert.ToHexStringLower(SHA512.HashData("Newtonsoft.Json 13.0.3 content"u8))));
            Assert.That(packages[1].Sha512, Is.EqualTo(Convert.ToHexStringLower(SHA512.HashData("Newtonsoft.Json 13.0.3 signed .nupkg"u8))));
            Assert.That(packages[0].Sha512, Is.Null, "not in the packages folder");
        });
    }

    [TestCase(null)]
    [TestCase("missing")]
    [TestCase("not json")]
    public void No_assets_file_or_a_damaged_one_gives_nothing(string? content)
    {
        using var temp = new TempDirectory();
        var path = content is null or "missing" ? content is null ? null : temp.Combine("none.json") : temp.Combine("assets.json");
        if (content == "not json")
        {
            File.WriteAllText(path!, "{ libraries: ");
        }

        Assert.That(NuGetPackageHashes.FromAssetsFile(path), Is.Empty);
    }

    [Test]
    public void An_installed_package_has_its_hash_beside_it_in_lowercase_folders()
    {
        using var temp = new TempDirectory();
        var hash = SHA512.HashData("pack"u8);
        var folder = temp.Combine("microsoft.aspnetcore.app.runtime.linux-arm64", "10.0.1");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "microsoft.aspnetcore.app.runtime.linux-arm64.10.0.1.nupkg.sha512"), Convert.ToBase64String(hash) + "\n");

        Assert.Multiple(() =>
        {
            Assert.That(NuGetPackageHashes.Installed(temp.Path, "Microsoft.AspNetCore.App.Runtime.linux-arm64", "10.0.1"), Is.EqualTo(Convert.ToHexStringLower(hash)));
            Assert.That(NuGetPackageHashes.Installed(temp.Path, "Other", "1.0.0"), Is.Null);
            Assert.That(NuGetPackageHashes.Hex("sha512-x"), Is.Null, "not a hash: no digest rather than a wrong one");
        });
    }
}
