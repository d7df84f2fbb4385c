using Distroless.Base;
using Distroless.Building;
using Distroless.Diagnostics;
using Distroless.Testing;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// How a project's inputs become the plan: the .NET SDK's container property names and defaults,
/// with the environment passed in. The task and `distroless build --project-inputs` both map
/// through here, so these cases hold for Visual Studio's MSBuild too.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ProjectPlanMapperTests
{
    private static readonly Func<string, string?> Mirrors = name => name switch
    {
        HostDefaults.MirrorVariable => "http://env.test/debian",
        HostDefaults.SecurityMirrorVariable => "http://env.test/debian-security",
        HostDefaults.CacheVariable => "/cache",
        _ => null,
    };

    private static ProjectInputs Project(string publishDir) => new()
    {
        ProjectFile = "/src/shop/Shop.Api.csproj",
        PublishDir = publishDir,
        AssemblyName = "Shop.Api",
        NETCoreSdkRuntimeIdentifier = "linux-x64",
        PublishedFiles = [new ProjectItem("obj/Shop.Api.dll", ("RelativePath", "Shop.Api.dll"), ("SourcePath", "/src/shop/obj/Shop.Api.dll"))],
    };

    private static ImagePlan Map(ProjectInputs inputs) => ProjectPlanMapper.Map(inputs, Mirrors);

    [Test]
    public void A_bare_project_gets_the_sdk_defaults()
    {
        var plan = Map(Project("/src/shop/publish/"));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Repository, Is.EqualTo("shop.api"));
            Assert.That(plan.Tags, Is.EqualTo(new[] { "latest" }));
            Assert.That(plan.Base.RuntimeIdentifier, Is.EqualTo("linux-x64"), "the SDK's own RID for a portable publish");
            Assert.That((plan.Base.Mirror, plan.Base.SecurityMirror), Is.EqualTo(("http://env.test/debian", "http://env.test/debian-security")));
            Assert.That(plan.Base.LockMode, Is.EqualTo(LockMode.Auto));
            Assert.That(plan.Container.User, Is.EqualTo("65532"));
            Assert.That(plan.Container.WorkingDirectory, Is.EqualTo("/app"));
            Assert.That(plan.Container.AppCommandInstruction, Is.EqualTo(AppCommandInstruction.Entrypoint));
            Assert.That(plan.App.AppHost, Is.EqualTo("Shop.Api"));
            Assert.That(plan.App.DepsJsonPath, Is.EqualTo(Path.Combine("/src/shop/publish/", "Shop.Api.deps.json")));
            Assert.That(plan.App.Runtime.NuGetSettingsRoot, Is.EqualTo("/src/shop"));
            Assert.That(plan.ArchivePath, Is.EqualTo(Path.Combine("/src/shop/publish/", "shop.api.tar")));
            Assert.That(plan.CacheDirectory, Is.EqualTo("/cache"));
            Assert.That(plan.SourceDateEpoch, Is.Zero);
        });
    }

    [Test]
    public void The_signing_key_is_a_path_relative_to_the_project_and_the_provenance_facts_come_along()
    {
        var inputs = Project("/src/shop/publish/") with
        {
            DistrolessSigningKey = "keys/signing.pem",
            DistrolessProvenance = false,
            Configuration = "Release",
            TargetFramework = "net10.0",
            ProjectAssetsFile = "/src/shop/obj/project.assets.json",
        };
        var environment = (string name) => name switch
        {
            "GITHUB_ACTIONS" => "true",
            "GITHUB_SERVER_URL" => "https://github.com",
            "GITHUB_REPOSITORY" => "octo/shop",
            "GITHUB_RUN_ID" => "1",
            Distroless.Signing.SigningKeyReader.PasswordVariable => "never-in-a-plan",
            _ => Mirrors(name),
        };

        var plan = ProjectPlanMapper.Map(inputs, environment);

        Assert.Multiple(() =>
        {
            Assert.That(plan.SupplyChain.SigningKey, Is.EqualTo(Path.Combine("/src/shop", "keys/signing.pem")));
            Assert.That(plan.SupplyChain.Provenance, Is.False);
            Assert.That(plan.SupplyChain.Project, Is.EqualTo("Shop.Api.csproj"), "the file name: the path differs per machine");
            Assert.That((plan.SupplyChain.Configuration, plan.SupplyChain.TargetFramework), Is.EqualTo(("Release", "net10.0")));
            Assert.That(plan.SupplyChain.AssetsFile, Is.EqualTo("/src/shop/obj/project.assets.json"));
            Assert.That(plan.SupplyChain.Invocation?.InvocationId, Is.EqualTo("https://github.com/octo/shop/actions/runs/1/attempts/1"));
            Assert.That(plan.ToJson(), Does.Not.Contain("never-in-a-plan"));
            Assert.That(Map(Project("/p/") with { DistrolessSigningKey = "/abs/key.pem" }).SupplyChain.SigningKey, Is.EqualTo("/abs/key.pem"));
            Assert.That(Map(Project("/p/")).SupplyChain, Is.EqualTo(new SupplyChainPlan { Project = "Shop.Api.csproj" }), "no key, provenance on: nothing signed");
        });
    }

    [TestCase("My App!", "my-app")]
    [TestCase("_Leading.Trailing_", "leading.trailing")]
    [TestCase("Shop/Api", "shop/api")]
    public void An_assembly_name_becomes_an_image_name_as_the_sdk_derives_it(string assemblyName, string repository)
        => Assert.That(Map(Project("/p/") with { AssemblyName = assemblyName }).Repository, Is.EqualTo(repository));

    [TestCase("My..App", "my..app", "my-app")]
    [TestCase("A._B", "a._b", "a-b")]
    [TestCase("...", "", "shop/api")]
    public void An_assembly_name_that_makes_no_valid_image_name_says_where_the_name_came_from(string assemblyName, string derived, string suggestion)
    {
        var error = Assert.Throws<Distroless.Diagnostics.DistrolessException>(() => Map(Project("/p/") with { AssemblyName = assemblyName }))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(Distroless.Diagnostics.DiagnosticCodes.InvalidProperty));
            Assert.That(error.Diagnostic.Message, Is.EqualTo(
                $"ContainerRepository is not set, so it is derived from AssemblyName \"{assemblyName}\" as \"{derived}\", which is not valid."));
            Assert.That(error.Diagnostic.Fix, Does.StartWith("Set ContainerRepository to a valid image name").And.EndWith($"e.g. {suggestion}."));
        });
    }

    [Test]
    public void An_assembly_name_that_makes_no_image_name_is_fine_when_ContainerRepository_is_set()
        => Assert.That(Map(Project("/p/") with { AssemblyName = "My..App", ContainerRepository = "shop/api" }).Repository, Is.EqualTo("shop/api"));

    [Test]
    public void ContainerImageTags_is_split_on_semicolons()
        => Assert.That(Map(Project("/p/") with { ContainerImageTags = " 1.0 ;latest;" }).Tags, Is.EqualTo(new[] { "1.0", "latest" }));

    [Test]
    public void ContainerImageTag_and_ContainerImageTags_together_are_DSTL1004()
    {
        var e = Assert.Throws<DistrolessException>(() => Map(Project("/p/") with { ContainerImageTag = "1.0", ContainerImageTags = "2.0" }))!;

        Assert.That(e.Code, Is.EqualTo(DiagnosticCodes.InvalidProperty));
    }

    [Test]
    public void Container_labels_override_generated_ones_and_empty_values_are_dropped()
    {
        var plan = Map(Project("/p/") with
        {
            GeneratedLabels = [new ProjectItem("org.opencontainers.image.title", ("Value", "Shop")), new ProjectItem("org.opencontainers.image.url")],
            ContainerLabel = [new ProjectItem("org.opencontainers.image.title", ("Value", "Api"))],
        });

        Assert.That(plan.Container.Labels, Is.EqualTo(new Dictionary<string, string> { ["org.opencontainers.image.title"] = "Api" }));
    }

    [Test]
    public void Ports_environment_and_arguments_keep_their_order()
    {
        var plan = Map(Project("/p/") with
        {
            ContainerPort = [new ProjectItem("8080"), new ProjectItem("53", ("Type", "UDP"))],
            ContainerEnvironmentVariable = [new ProjectItem("B", ("Value", "2")), new ProjectItem("A", ("Value", "1;x"))],
            ContainerAppCommandArgs = [new ProjectItem("-v"), new ProjectItem("--name"), new ProjectItem("-v")],
        });

        Assert.Multiple(() =>
        {
            Assert.That(plan.Container.Ports.Select(p => p.ToString()), Is.EqualTo(new[] { "8080/tcp", "53/udp" }));
            Assert.That(plan.Container.Environment, Is.EqualTo(new[] { new EnvironmentVariable("B", "2"), new EnvironmentVariable("A", "1;x") }));
            Assert.That(plan.Container.AppCommandArgs, Is.EqualTo(new[] { "-v", "--name", "-v" }));
        });
    }

    [TestCase("0", "tcp")]
    [TestCase("8080", "sctp")]
    [TestCase("http", "tcp")]
    public void A_bad_port_is_DSTL1004(string port, string type)
    {
        // Text that is no port fails in the mapper; a number out of range in the validator, which
        // checks a replayed plan alike.
        var e = Assert.Throws<DistrolessException>(() => ImagePlanValidator.Validate(
            Map(Project("/p/") with
            {
                ContainerPort = [new ProjectItem(port, ("Type", type))],
                PublishedFiles = [new ProjectItem("/p/Shop.Api", ("RelativePath", "Shop.Api"))],
            })))!;

        Assert.That(e.Diagnostic.Message, Does.StartWith("ContainerPort has the invalid value"));
    }

    [Test]
    public void Packages_become_requests_with_their_version_constraint()
    {
        var plan = Map(Project("/p/") with
        {
            DistrolessPackage = [new ProjectItem("curl"), new ProjectItem("tzdata", ("Version", "2024a-0")), new ProjectItem(" jq ", ("Version", ">= 1.6"))],
            DistrolessExcludePackage = [new ProjectItem(" libicu72 ")],
        });

        Assert.That(plan.Base.ExtraPackages, Is.EqualTo(new[] { "curl", "tzdata (= 2024a-0)", "jq (>= 1.6)" }));
        Assert.That(plan.Base.ExcludedPackages, Is.EqualTo(new[] { "libicu72" }));
    }

    [Test]
    public void Framework_versions_take_the_first_known_reference_and_an_explicit_runtime_version_wins()
    {
        var plan = Map(Project("/p/") with
        {
            KnownFrameworkReferences =
            [
                new ProjectItem("Microsoft.NETCore.App", ("LatestRuntimeFrameworkVersion", "10.0.1")),
                new ProjectItem("Microsoft.AspNetCore.App", ("LatestRuntimeFrameworkVersion", "10.0.2")),
                new ProjectItem("Microsoft.AspNetCore.App", ("LatestRuntimeFrameworkVersion", "9.0.0")),
                new ProjectItem("Microsoft.WindowsDesktop.App"),
            ],
            RuntimeFrameworkVersion = "10.0.0",
        });

        Assert.That(plan.App.Runtime.FrameworkVersions, Is.EqualTo(new Dictionary<string, string>
        {
            ["Microsoft.AspNetCore.App"] = "10.0.2",
            ["Microsoft.NETCore.App"] = "10.0.0",
        }));
    }

    [Test]
    public void A_published_file_is_read_from_the_publish_directory_when_it_is_there()
    {
        using var publish = new TempDirectory();
        File.WriteAllText(publish.Combine("Shop.Api.dll"), "");
        var inputs = Project(publish.Path + "/") with
        {
            PublishedFiles =
            [
                new ProjectItem("obj/Shop.Api.dll", ("RelativePath", "Shop.Api.dll"), ("SourcePath", "/src/obj/Shop.Api.dll")),
                new ProjectItem("obj/Shop.Api.pdb", ("RelativePath", "Shop.Api.pdb"), ("SourcePath", "/src/obj/Shop.Api.pdb")),
            ],
        };

        var files = Map(inputs).App.Files;

        Assert.That(files.Select(f => (f.SourcePath, f.RelativePath)), Is.EqualTo(new[]
        {
            (publish.Combine("Shop.Api.dll"), "Shop.Api.dll"),
            ("/src/obj/Shop.Api.pdb", "Shop.Api.pdb"),
        }));
    }

    [Test]
    public void A_registry_or_an_engine_means_no_archive_unless_one_is_asked_for()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Map(Project("/p/") with { ContainerRegistry = "registry.test" }).ArchivePath, Is.Null);
            Assert.That(Map(Project("/p/") with { LocalRegistry = "Podman" }).LocalEngine, Is.EqualTo("podman"));
            Assert.That(Map(Project("/p/") with { ContainerRegistry = "registry.test", ContainerArchiveOutputPath = "/out/" }).ArchivePath,
                Is.EqualTo(Path.Combine("/out/", "shop.api.tar")), "a directory gets the default file name");
            Assert.That(Map(Project("/p/") with { DefaultArchiveDirectory = "/obj/distroless" }).ArchivePath,
                Is.EqualTo(Path.Combine("/obj/distroless", "shop.api.tar")));
        });
    }

    [Test]
    public void A_relative_archive_path_is_relative_to_the_project_not_the_current_directory()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Map(Project("/p/") with { ContainerArchiveOutputPath = "artifacts/api.tar" }).ArchivePath,
                Is.EqualTo(Path.Combine("/src/shop", "artifacts/api.tar")));
            Assert.That(Map(Project("/p/") with { ContainerArchiveOutputPath = "/abs/api.tar" }).ArchivePath, Is.EqualTo("/abs/api.tar"));
        });
    }

    [Test]
    public void Native_aot_is_self_contained_and_lock_settings_pick_the_mode()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Map(Project("/p/") with { PublishAot = true }).App.SelfContained, Is.True);
            Assert.That(Map(Project("/p/") with { DistrolessLocked = true, DistrolessUpdateLock = true }).Base.LockMode, Is.EqualTo(LockMode.Locked));
            Assert.That(Map(Project("/p/") with { DistrolessUpdateLock = true }).Base.LockMode, Is.EqualTo(LockMode.Update));
            Assert.That(Map(Project("/p/") with { DistrolessDebianSuite = " Trixie " }).Base.Suite, Is.EqualTo("trixie"));
        });
    }

    [Test]
    public void Source_date_epoch_and_registry_settings_come_from_the_inputs_and_the_environment()
    {
        Func<string, string?> env = name => name == "DOTNET_CONTAINER_INSECURE_REGISTRIES" ? "b.test" : Mirrors(name);

        var plan = ProjectPlanMapper.Map(Project("/p/") with
        {
            SourceDateEpoch = "1700000000",
            DistrolessInsecureRegistries = "a.test",
            DistrolessPushParallelism = 2,
        }, env);

        Assert.Multiple(() =>
        {
            Assert.That(plan.SourceDateEpoch, Is.EqualTo(1_700_000_000));
            Assert.That(plan.RegistrySettings.InsecureRegistries, Is.EqualTo(new[] { "a.test", "b.test" }));
            Assert.That(plan.RegistrySettings.Parallelism, Is.EqualTo(2));
            Assert.That(plan.RegistrySettings.ChunkedUploadThreshold, Is.EqualTo(new RegistrySettings().ChunkedUploadThreshold));
        });
    }

    [Test]
    public void The_file_form_maps_to_the_same_plan()
    {
        var inputs = Project("/p/") with
        {
            ContainerImageTags = "1.0;latest",
            ContainerLabel = [new ProjectItem("note", ("Value", "two\nlines"))],
            ContainerEnvironmentVariable = [new ProjectItem("PATHS", ("Value", "C:\\a;%TEMP%"))],
        };

        var viaFile = ProjectInputsFile.Parse(ProjectInputsFile.Write(inputs).ToList(), "f");

        Assert.That(Map(viaFile).ToJson(), Is.EqualTo(Map(inputs).ToJson()));
    }

    [TestCase("My+Probe.Service", "my-probe.service")]
    [TestCase("Shop.API", "shop.api")]
    [TestCase("billing_Worker", "billing_worker")]
    public void Rebase_and_publish_derive_the_same_name_and_place(string assemblyName, string repository)
    {
        var inputs = Project("/src/shop/bin/publish/") with
        {
            AssemblyName = assemblyName,
            DefaultArchiveDirectory = "/src/shop/bin/distroless",
            ContainerImageTags = "1.4.2;latest",
            DistrolessDebianSuite = "Trixie",
            LockFile = "/src/shop/distroless.lock.json",
            DistrolessUpdateLock = true,
        };

        var plan = Map(inputs);
        var rebase = ProjectPlanMapper.MapRebase(inputs, Mirrors);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Repository, Is.EqualTo(repository));
            Assert.That(rebase.Output, Is.EqualTo(new OutputTarget(plan.Repository, plan.Tags, plan.ArchivePath, plan.Registry, plan.LocalEngine))
                .Using<OutputTarget>((a, b) => a.Repository == b.Repository && a.Tags.SequenceEqual(b.Tags) && a.ArchivePath == b.ArchivePath
                    && a.Registry == b.Registry && a.LocalEngine == b.LocalEngine));
            Assert.That(rebase.Source, Is.EqualTo($"/src/shop/bin/distroless/{repository}.tar"), "the archive the publish wrote");
            Assert.That((rebase.Mirror, rebase.SecurityMirror), Is.EqualTo((plan.Base.Mirror, plan.Base.SecurityMirror)));
            Assert.That((rebase.LockFile, rebase.LockMode), Is.EqualTo((plan.Base.LockFile, plan.Base.LockMode)));
            Assert.That(rebase.CacheDirectory, Is.EqualTo(plan.CacheDirectory));
        });
    }

    [Test]
    public void A_pushed_image_is_rebased_from_its_registry_and_an_explicit_source_wins()
    {
        var pushed = Project("/p/") with { ContainerRegistry = "registry.test:5000", ContainerImageTags = "1.0;latest" };
        var file = Path.Combine(TestEnvironment.NewTempDirectory("rebase-source"), "old.tar");
        File.WriteAllBytes(file, []);
        var project = Path.Combine(Path.GetDirectoryName(file)!, "App.csproj");

        Assert.Multiple(() =>
        {
            Assert.That(ProjectPlanMapper.MapRebase(pushed, Mirrors).Source, Is.EqualTo("registry.test:5000/shop.api:1.0"));
            Assert.That(ProjectPlanMapper.MapRebase(pushed with { DistrolessRebaseSource = "registry.test:5000/shop/api:0.9" }, Mirrors).Source,
                Is.EqualTo("registry.test:5000/shop/api:0.9"));
            Assert.That(ProjectPlanMapper.MapRebase(pushed with { ProjectFile = project, DistrolessRebaseSource = "old.tar" }, Mirrors).Source,
                Is.EqualTo(file), "a file relative to the project");
        });
    }
}
