using System.Collections.Immutable;
using Distroless.Building;
using Distroless.Diagnostics;
using Distroless.Testing;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// The inputs file the targets write for Visual Studio's MSBuild: every value comes back exactly,
/// the file MSBuild writes reads as the task would see its parameters, and a malformed file is
/// a DSTL1004 that names the line.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ProjectInputsFileTests
{
    private const string Awkward = "1.0;latest *? 50% %0A \\back\\slash 'q' \"dq\" tab\there\r\nline two\nü €";

    private static ProjectInputs Sample() => new()
    {
        ProjectFile = "/src/shop/Api.csproj",
        PublishDir = "/src/shop/bin/publish/",
        AssemblyName = "Api",
        ContainerImageTags = "1.0;latest",
        ContainerUser = Awkward,
        SelfContained = true,
        DistrolessSlim = false,
        DistrolessPushParallelism = 7,
        DistrolessChunkedUploadThreshold = 5_248_080,
        PublishedFiles =
        [
            new ProjectItem("obj/Api.dll", ("RelativePath", "Api.dll"), ("SourcePath", "/src/shop/obj/Api.dll")),
            new ProjectItem("C:\\nuget\\x.dll", ("RelativePath", "x.dll")),
        ],
        ContainerAppCommandArgs = [new ProjectItem("--urls=http://*:8080"), new ProjectItem("-v"), new ProjectItem("-v")],
        ContainerLabel = [new ProjectItem("com.example.note", ("Value", Awkward)), new ProjectItem("empty")],
        ContainerEnvironmentVariable = [new ProjectItem("A\tB", ("Value", "x=y"))],
    };

    private static ProjectInputs RoundTrip(ProjectInputs inputs) => ProjectInputsFile.Parse(ProjectInputsFile.Write(inputs).ToList(), "test");

    [Test]
    public void Every_value_comes_back_as_it_was_written()
    {
        var sample = Sample();
        var back = RoundTrip(sample);

        Assert.Multiple(() =>
        {
            Assert.That(ProjectInputsFile.Write(back), Is.EqualTo(ProjectInputsFile.Write(sample)));
            Assert.That(back.ContainerUser, Is.EqualTo(Awkward));
            Assert.That(back.ContainerImageTags, Is.EqualTo("1.0;latest"), "one value, not one line per tag");
            Assert.That(back.DistrolessSlim, Is.False);
            Assert.That(back.SelfContained, Is.True);
            Assert.That(back.DistrolessChunkedUploadThreshold, Is.EqualTo(5_248_080));
            Assert.That(back.ContainerAppCommandArgs.Select(i => i.Spec), Is.EqualTo(new[] { "--urls=http://*:8080", "-v", "-v" }));
            Assert.That(back.ContainerLabel[0].GetMetadata("Value"), Is.EqualTo(Awkward));
            Assert.That(back.ContainerEnvironmentVariable[0].Spec, Is.EqualTo("A\tB"), "a spec is the rest of its line");
            Assert.That(back.PublishedFiles[1].Spec, Is.EqualTo("C:\\nuget\\x.dll"));
            Assert.That(back.PublishedFiles[1].GetMetadata("SourcePath"), Is.Empty);
        });
    }

    [Test]
    public void Written_lines_are_single_lines_with_only_the_four_escapes()
    {
        var lines = ProjectInputsFile.Write(Sample()).ToList();

        Assert.That(lines, Has.None.Contain("\n").And.None.Contain("\r").And.None.Contain("\\"));
        Assert.That(lines, Does.Contain("P\tContainerUser\t1.0;latest *? 50%25 %250A %5Cback%5Cslash 'q' \"dq\" tab\there%0D%0Aline two%0Aü €"));
    }

    [Test]
    public void Defaults_are_what_the_task_has_when_a_parameter_is_not_set()
    {
        var back = RoundTrip(new ProjectInputs());

        Assert.Multiple(() =>
        {
            Assert.That(back.DistrolessSlim, Is.True);
            Assert.That(back.DistrolessSbom, Is.True);
            Assert.That(back.DistrolessIncremental, Is.True);
            Assert.That(back.PublishDir, Is.Empty);
            Assert.That(back.ContainerUser, Is.Null);
            Assert.That(back.PublishedFiles, Is.Empty);
        });
    }

    /// <summary>What WriteLinesToFile writes: every property named (most empty), CRLF on Windows, items with their metadata lines after them.</summary>
    [Test]
    public void A_file_as_msbuild_writes_it_reads_like_the_task_parameters()
    {
        var lines = ("P\tProjectFile\tC:%5Csrc%5CApi.csproj\r\nP\tDistrolessSlim\t\r\nP\tDistrolessSbom\tFalse\r\nP\tDistrolessDebug\t!false\r\nP\tDistrolessLocked\toff\r\n" +
                "P\tContainerUser\t\r\nP\tDistrolessPushParallelism\t 3 \r\n" +
                "I\tContainerPort\t8080\r\nI\tContainerPort\t53\r\nM\tContainerPort\tType\ttcp\r\nM\tContainerPort\tType\tudp\r\n" +
                "I\tGeneratedLabels\torg.opencontainers.image.description\r\nM\tGeneratedLabels\tValue\t%0A\tLine one%0A\tLine two%0A  \r\n")
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        var inputs = ProjectInputsFile.Parse(lines, "distroless.inputs.tsv");

        Assert.Multiple(() =>
        {
            Assert.That(inputs.ProjectFile, Is.EqualTo("C:\\src\\Api.csproj"));
            Assert.That(inputs.DistrolessSlim, Is.True, "empty is not set: the default stays");
            Assert.That(inputs.DistrolessSbom, Is.False);
            Assert.That(inputs.DistrolessDebug, Is.True, "MSBuild's boolean spellings");
            Assert.That(inputs.DistrolessLocked, Is.False);
            Assert.That(inputs.ContainerUser, Is.Null);
            Assert.That(inputs.DistrolessPushParallelism, Is.EqualTo(3));
            Assert.That(inputs.ContainerPort.Select(p => $"{p.Spec}/{p.GetMetadata("type")}"), Is.EqualTo(new[] { "8080/tcp", "53/udp" }));
            Assert.That(inputs.GeneratedLabels.Single().GetMetadata("Value"), Is.EqualTo("\n\tLine one\n\tLine two\n  "));
        });
    }

    [Test]
    public void Comments_and_blank_lines_are_skipped()
        => Assert.That(ProjectInputsFile.Parse(["# written by Distroless.Sdk", "", "P\tAssemblyName\tApi"], "f").AssemblyName, Is.EqualTo("Api"));

    private static IEnumerable<TestCaseData> Malformed()
    {
        yield return new TestCaseData(new[] { "X\tAssemblyName\tApi" }, "line 1", "expected P, I or M").SetName("an unknown kind of line");
        yield return new TestCaseData(new[] { "P\tAssemblyName" }, "line 1", "expected P, I or M").SetName("a property line without a value field");
        yield return new TestCaseData(new[] { "P\tAssemblyNam\tApi" }, "line 1", "no input AssemblyNam").SetName("an unknown parameter");
        yield return new TestCaseData(new[] { "P\tContainerPort\t80" }, "line 1", "is an item list").SetName("an item list as a property");
        yield return new TestCaseData(new[] { "I\tContainerUser\troot" }, "line 1", "is a property").SetName("a property as an item list");
        yield return new TestCaseData(new[] { "P\tAssemblyName\tA", "P\tAssemblyName\tB" }, "line 2", "given twice").SetName("a property given twice");
        yield return new TestCaseData(new[] { "P\tAssemblyName\t50%" }, "line 1", "%25").SetName("a percent sign that is not an escape");
        yield return new TestCaseData(new[] { "I\tContainerPort\t80", "I\tContainerPort\t81", "M\tContainerPort\tType\ttcp" },
            "ContainerPort", "2 items but 1 Type").SetName("fewer metadata lines than items");
        yield return new TestCaseData(new[] { "M\tContainerPort\tType\ttcp" }, "ContainerPort", "no items").SetName("metadata without items");
    }

    [TestCaseSource(nameof(Malformed))]
    public void A_malformed_file_is_DSTL1004_naming_the_file_and_why(string[] lines, string where, string why)
    {
        var e = Assert.Throws<DistrolessException>(() => ProjectInputsFile.Parse(lines, "/obj/distroless.inputs.tsv"))!;

        Assert.That(e.Code, Is.EqualTo(DiagnosticCodes.InvalidProperty));
        Assert.That(e.Diagnostic.Message, Does.Contain("\"/obj/distroless.inputs.tsv\"").And.Contain(where).And.Contain(why));
    }

    [TestCase("DistrolessSlim", "maybe", "true or false")]
    [TestCase("DistrolessPushParallelism", "many", "a whole number")]
    [TestCase("DistrolessChunkedUploadThreshold", "1.5", "a whole number")]
    public void A_value_of_the_wrong_type_is_the_invalid_property(string name, string value, string expected)
    {
        var e = Assert.Throws<DistrolessException>(() => ProjectInputsFile.Parse([$"P\t{name}\t{value}"], "f"))!;

        Assert.That(e.Diagnostic, Is.EqualTo(Errors.InvalidProperty(name, value, expected).Diagnostic));
    }

    [Test]
    public void A_missing_file_says_so()
    {
        using var temp = new TempDirectory();

        var e = Assert.Throws<DistrolessException>(() => ProjectInputsFile.Read(temp.Combine("none.tsv")))!;

        Assert.That(e.Diagnostic.Message, Does.Contain("the file does not exist"));
    }

    [Test]
    public void Read_takes_the_file_msbuild_wrote()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("distroless.inputs.tsv");
        File.WriteAllLines(path, ProjectInputsFile.Write(Sample()));

        Assert.That(ProjectInputsFile.Write(ProjectInputsFile.Read(path)), Is.EqualTo(ProjectInputsFile.Write(Sample())));
    }

    [Test]
    public void Every_parameter_has_a_type_the_file_can_carry()
    {
        var unsupported = typeof(ProjectInputs).GetProperties()
            .Where(p => p.CanWrite && !ProjectInputsBinder.SupportedTypes.Contains(p.PropertyType))
            .Select(p => $"{p.Name}: {p.PropertyType.Name}");

        Assert.That(unsupported, Is.Empty);
    }

    [Test]
    public void Metadata_names_are_case_insensitive_as_in_msbuild()
    {
        var item = new ProjectItem("x", ImmutableDictionary<string, string>.Empty.Add("Value", "v"));

        Assert.That((item.GetMetadata("value"), item.GetMetadata("missing")), Is.EqualTo(("v", "")));
    }
}
