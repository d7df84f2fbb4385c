using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Registry;

namespace Distroless.Core.Tests.Registry;

/// <summary>Image references are parsed and normalized by the rules docker and podman share.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Pinned = "sha256:" + Hex;

    public sealed record Expected(string Registry, string Repository, string? Tag, string? Digest, string Normalized, string ApiHost, string ManifestReference);

    private static TestCaseData Case(string summary, string input, string registry, string repository, string? tag, string? digest, string normalized)
        => new TestCaseData(input, new Expected(registry, repository, tag, digest, normalized,
                registry == "docker.io" ? "registry-1.docker.io" : registry, digest ?? tag ?? "latest"))
            .SetName(summary);

    private static IEnumerable<TestCaseData> Valid()
    {
        yield return Case("a bare name is a Docker Hub official image", "nginx",
            "docker.io", "library/nginx", null, null, "docker.io/library/nginx");
        yield return Case("a bare name with a tag", "nginx:1.27-alpine",
            "docker.io", "library/nginx", "1.27-alpine", null, "docker.io/library/nginx:1.27-alpine");
        yield return Case("a user repository on Docker Hub keeps its namespace", "bitnami/redis:7.2",
            "docker.io", "bitnami/redis", "7.2", null, "docker.io/bitnami/redis:7.2");
        yield return Case("docker.io with a one-component name gets library/", "docker.io/nginx",
            "docker.io", "library/nginx", null, null, "docker.io/library/nginx");
        yield return Case("index.docker.io is an alias of docker.io", "index.docker.io/library/nginx:1",
            "docker.io", "library/nginx", "1", null, "docker.io/library/nginx:1");
        yield return Case("registry-1.docker.io is an alias of docker.io", "registry-1.docker.io/nginx",
            "docker.io", "library/nginx", null, null, "docker.io/library/nginx");
        yield return Case("localhost is a registry without a dot", "localhost/app",
            "localhost", "app", null, null, "localhost/app");
        yield return Case("localhost with a port and a tag", "localhost:5000/x:dev",
            "localhost:5000", "x", "dev", null, "localhost:5000/x:dev");
        yield return Case("a loopback address with a port", "127.0.0.1:5000/shop/api:1.0",
            "127.0.0.1:5000", "shop/api", "1.0", null, "127.0.0.1:5000/shop/api:1.0");
        yield return Case("an IPv6 loopback registry", "[::1]:5000/app:1",
            "[::1]:5000", "app", "1", null, "[::1]:5000/app:1");
        yield return Case("a registry with a port and a digest", "registry.example.com:5443/team/app@" + Pinned,
            "registry.example.com:5443", "team/app", null, Pinned, "registry.example.com:5443/team/app@" + Pinned);
        yield return Case("a tag and a digest: the digest wins for the manifest", "registry.example/org/app:1.0@" + Pinned,
            "registry.example", "org/app", "1.0", Pinned, "registry.example/org/app:1.0@" + Pinned);
        yield return Case("a deep repository path with separators", "registry.example/org/team/my_app.v2-x__y:v1.0_rc-1",
            "registry.example", "org/team/my_app.v2-x__y", "v1.0_rc-1", null, "registry.example/org/team/my_app.v2-x__y:v1.0_rc-1");
        yield return Case("a tag of 128 characters", "registry.example/org/app:" + new string('t', 128),
            "registry.example", "org/app", new string('t', 128), null, "registry.example/org/app:" + new string('t', 128));
        yield return Case("surrounding whitespace is ignored", "  registry.example/org/app:1  ",
            "registry.example", "org/app", "1", null, "registry.example/org/app:1");
        yield return Case("a name whose only colon is a tag is Docker Hub's", "localhost:5000",
            "docker.io", "library/localhost", "5000", null, "docker.io/library/localhost:5000");
    }

    [TestCaseSource(nameof(Valid))]
    public void Parses_and_normalizes(string input, Expected expected)
    {
        var reference = ImageReference.Parse(input);

        Assert.That(new Expected(reference.Registry, reference.Repository, reference.Tag, reference.Digest?.ToString(),
                reference.ToString(), reference.ApiHost, reference.ManifestReference),
            Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Valid))]
    public void Round_trips_through_its_normalized_form(string input, Expected expected)
    {
        var reference = ImageReference.Parse(input);
        var again = ImageReference.Parse(reference.ToString());

        Assert.That(again, Is.EqualTo(reference));
        Assert.That(again.ToString(), Is.EqualTo(expected.Normalized));
    }

    private static IEnumerable<TestCaseData> Invalid()
    {
        static TestCaseData Bad(string summary, string input, string mentions) => new TestCaseData(input, mentions).SetName(summary);
        yield return Bad("an uppercase repository", "Shop/API:1.0", "\"Shop/API\" is not a repository name");
        yield return Bad("an uppercase repository on a registry", "registry.example/Org/app", "\"Org/app\" is not a repository name");
        yield return Bad("an uppercase official image", "Nginx", "\"library/Nginx\"");
        yield return Bad("a tag starting with '-'", "nginx:-bad", "\"-bad\" is not a tag");
        yield return Bad("a tag starting with '.'", "nginx:.bad", "\".bad\" is not a tag");
        yield return Bad("an empty tag", "nginx:", "\"\" is not a tag");
        yield return Bad("a tag of 129 characters", "nginx:" + new string('t', 129), "is not a tag");
        yield return Bad("a tag with a '+'", "nginx:1.0+build", "is not a tag");
        yield return Bad("a digest that is too short", "nginx@sha256:abc", "is not a sha256:<64 lowercase hex> digest");
        yield return Bad("a digest in uppercase hex", "nginx@sha256:" + Hex.ToUpperInvariant(), "digest");
        yield return Bad("a digest of another algorithm", "nginx@sha512:" + Hex, "digest");
        yield return Bad("an empty digest", "nginx@", "digest");
        yield return Bad("a registry with an underscore", "my_registry.example.com/app", "is not a registry host[:port]");
        yield return Bad("a registry without a repository", "registry.example/", "is not a repository name");
        yield return Bad("an empty reference", "", "is not a repository name");
        yield return Bad("a double slash", "registry.example/org//app", "is not a repository name");
        yield return Bad("a repository ending in a separator", "registry.example/org/app-", "is not a repository name");
    }

    [TestCaseSource(nameof(Invalid))]
    public void Rejects_with_DSTL1006(string input, string mentions)
    {
        var error = Assert.Throws<DistrolessException>(() => ImageReference.Parse(input, "ContainerBaseImage"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.InvalidImageReference));
            Assert.That(error.Message, Does.Contain("ContainerBaseImage"));
            Assert.That(error.Message, Does.Contain(mentions));
        });
    }

    [TestCase("registry.example", "Shop/api", "1.0", "ContainerRepository", TestName = "Create names ContainerRepository for a bad repository")]
    [TestCase("registry.example", "shop/api", "-1", "ContainerImageTags", TestName = "Create names ContainerImageTags for a bad tag")]
    [TestCase("registry.example:port", "shop/api", "1", "ContainerRegistry", TestName = "Create names ContainerRegistry for a bad registry")]
    public void Create_names_the_MSBuild_property_at_fault(string registry, string repository, string tag, string property)
    {
        var error = Assert.Throws<DistrolessException>(() => ImageReference.Create(registry, repository, tag))!;

        Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.InvalidImageReference));
        Assert.That(error.Diagnostic.Message, Does.StartWith(property));
    }

    [Test]
    public void Create_does_not_add_library_or_change_the_registry()
    {
        var reference = ImageReference.Create("docker.io", "nginx", "1");

        Assert.That(reference.ToString(), Is.EqualTo("docker.io/nginx:1"));
    }

    [Test]
    public void ManifestReference_is_the_digest_when_pinned_else_the_tag_else_latest()
    {
        var digest = Digest.Parse(Pinned);

        Assert.Multiple(() =>
        {
            Assert.That(ImageReference.Parse("registry.example/org/app").ManifestReference, Is.EqualTo("latest"));
            Assert.That(ImageReference.Parse("registry.example/org/app:2").ManifestReference, Is.EqualTo("2"));
            Assert.That(ImageReference.Parse("registry.example/org/app:2").WithDigest(digest).ManifestReference, Is.EqualTo(Pinned));
            Assert.That(ImageReference.Parse("registry.example/org/app:2").WithDigest(digest).ToString(), Is.EqualTo("registry.example/org/app:2@" + Pinned));
        });
    }

    [Test]
    public void WithTag_replaces_the_tag_and_drops_the_digest()
    {
        var reference = ImageReference.Parse("registry.example/org/app:1.0@" + Pinned).WithTag("2.0");

        Assert.Multiple(() =>
        {
            Assert.That(reference.ToString(), Is.EqualTo("registry.example/org/app:2.0"));
            Assert.That(reference.Digest, Is.Null);
        });
    }

    [Test]
    public void WithTag_validates_the_tag()
        => Assert.That(() => ImageReference.Parse("registry.example/org/app").WithTag("bad tag"),
            Throws.TypeOf<DistrolessException>().With.Property(nameof(DistrolessException.Code)).EqualTo(DiagnosticCodes.InvalidImageReference));

    [TestCase("localhost", true)]
    [TestCase("localhost:5000", true)]
    [TestCase("127.0.0.1:5000", true)]
    [TestCase("127.1.2.3", true)]
    [TestCase("[::1]:5000", true)]
    [TestCase("registry.test", false)]
    [TestCase("10.0.0.1:5000", false)]
    [TestCase("localhost.example.com", false)]
    public void IsLoopback(string registry, bool loopback)
        => Assert.That(RegistryOptions.IsLoopback(registry), Is.EqualTo(loopback));
}
