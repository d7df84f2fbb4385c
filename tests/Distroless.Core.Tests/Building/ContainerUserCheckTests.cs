using System.Collections.Immutable;
using System.Text;
using Distroless.Base;
using Distroless.Building;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Testing;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// ContainerUser by name must exist in the image's /etc/passwd (and a group name in /etc/group):
/// the generated base's, or the one the top-most layer of a registry base that has (or removes)
/// it holds. Numeric ids are never looked up.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ContainerUserCheckTests
{
    [TestCase("65532")]
    [TestCase("nonroot")]
    [TestCase("nonroot:nonroot")]
    [TestCase("root:tty")]
    [TestCase("nobody:65534")]
    [TestCase("1000:1000")]
    [TestCase("1000:staff")]
    public void Users_and_groups_the_generated_base_has_pass(string user)
        => Assert.That(() => ContainerUserCheck.CheckGeneratedBase(user), Throws.Nothing);

    [Test]
    public void An_unknown_user_names_the_users_the_generated_base_has()
    {
        var error = Assert.Throws<DistrolessException>(() => ContainerUserCheck.CheckGeneratedBase("nosuchuser"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.UnknownContainerUser));
            Assert.That(error.Diagnostic.Message, Is.EqualTo(
                "ContainerUser \"nosuchuser\" names the user \"nosuchuser\", which the generated base does not have in /etc/passwd (it has: root, nobody, nonroot)."));
            Assert.That(error.Diagnostic.Fix, Does.Contain("numeric uid[:gid]"));
        });
    }

    [Test]
    public void An_unknown_group_names_the_groups()
    {
        var error = Assert.Throws<DistrolessException>(() => ContainerUserCheck.CheckGeneratedBase("nonroot:wheel"))!;

        Assert.That(error.Diagnostic.Message, Does.Contain("names the group \"wheel\"").And.Contain("/etc/group (it has: root, nobody, tty, staff, nonroot)"));
    }

    private sealed class RegistryBase : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public RegistryBase()
        {
            Cache = new BlobCache(_temp.Combine("cache"));
        }

        public BlobCache Cache { get; }

        public List<LayerBlob> Layers { get; } = [];

        public RegistryBase Layer(params (string Path, string? Content)[] entries)
        {
            Layers.Add(LayerBuilder.Build(Cache, "layer " + Layers.Count, writer =>
            {
                foreach (var (path, content) in entries)
                {
                    writer.AddFile(path, 0x1a4, 0, Encoding.UTF8.GetBytes(content ?? ""));
                }
            }));
            return this;
        }

        public void Check(string user) => ContainerUserCheck.Check(user, new BaseImage
        {
            Description = "registry.test/base@sha256:…",
            Layers = [.. Layers],
            Config = new ImageConfig { Platform = Platform.LinuxAmd64, Created = DateTimeOffset.UnixEpoch, User = "0" },
        }, Cache);

        public void Dispose() => _temp.Dispose();
    }

    [Test]
    public void A_registry_base_is_checked_against_its_top_most_passwd()
    {
        using var image = new RegistryBase()
            .Layer(("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"), ("etc/group", "root:x:0:\napp:x:1000:\n"))
            .Layer(("usr/bin/tool", "#!"))
            .Layer(("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\nsvc:x:999:999::/:/bin/false\n"));

        Assert.Multiple(() =>
        {
            Assert.That(() => image.Check("svc"), Throws.Nothing, "added by the top layer");
            Assert.That(() => image.Check("app:app"), Throws.Nothing, "the group comes from the first layer");
            Assert.That(() => image.Check("nonroot"), Throws.TypeOf<DistrolessException>()
                .With.Message.Contains("the base image registry.test/base@sha256:… does not have in /etc/passwd (it has: root, app, svc)"));
        });
    }

    [Test]
    public void A_passwd_removed_by_a_whiteout_is_no_passwd()
    {
        using var image = new RegistryBase()
            .Layer(("etc/passwd", "app:x:1000:1000::/:/bin/sh\n"))
            .Layer(("etc/.wh.passwd", null));

        Assert.That(() => image.Check("app"), Throws.TypeOf<DistrolessException>()
            .With.Message.Contains("(it has no /etc/passwd)"));
    }

    [Test]
    public void An_opaque_etc_hides_the_lower_layers_but_not_its_own_passwd()
    {
        using var image = new RegistryBase()
            .Layer(("etc/passwd", "old:x:1:1::/:/bin/sh\n"))
            .Layer(("etc/.wh..wh..opq", null), ("etc/passwd", "new:x:2:2::/:/bin/sh\n"));

        Assert.Multiple(() =>
        {
            Assert.That(() => image.Check("new"), Throws.Nothing);
            Assert.That(() => image.Check("old"), Throws.TypeOf<DistrolessException>());
        });
    }

    [Test]
    public void A_numeric_user_on_a_base_without_passwd_is_fine()
    {
        using var image = new RegistryBase().Layer(("app/app", "binary"));

        Assert.That(() => image.Check("65532:65532"), Throws.Nothing);
    }
}
