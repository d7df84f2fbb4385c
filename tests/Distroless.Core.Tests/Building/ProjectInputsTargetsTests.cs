using System.Text.RegularExpressions;
using System.Xml.Linq;
using Distroless.Building;
using Distroless.Core.Tests.TestSupport;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// The package's targets list the image step's inputs once (_DistrolessComputeInputs, and the
/// multi-platform outer build's short list): every name there is a <see cref="ProjectInputs"/>
/// input, every input is listed, both paths hand over that one list (the task's two item
/// parameters; the inputs file's lines), and the file carries every metadata name the mapper
/// reads. Read from the sources: these tests do not load MSBuild.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed partial class ProjectInputsTargetsTests
{
    private static XDocument Targets(string file) => XDocument.Load(RepositoryFiles.PathOf("src/Distroless.Sdk/build/" + file));

    private static XElement Target(string file, string name)
        => Targets(file).Root!.Elements("Target").Single(t => (string?)t.Attribute("Name") == name);

    /// <summary>The inputs a target lists: properties by Include, item lists by their DistrolessInputList metadata.</summary>
    private static List<string> Listed(string target)
    {
        var element = Target("Distroless.Sdk.targets", target);
        return element.Descendants("_DistrolessInput").Select(e => (string?)e.Attribute("Include")).OfType<string>()
            .Concat(element.Descendants("_DistrolessInputItem").Select(e => (string?)e.Attribute("DistrolessInputList")).OfType<string>())
            .ToList();
    }

    private static readonly HashSet<string> Inputs = typeof(ProjectInputs).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    [Test]
    public void Every_input_is_listed_once_and_every_listed_name_is_an_input()
    {
        var publish = Listed("_DistrolessComputeInputs");
        var platforms = Listed("_DistrolessComputePlatformsInputs");

        Assert.Multiple(() =>
        {
            Assert.That(publish.Concat(platforms).Where(n => !Inputs.Contains(n)), Is.Empty, "names that are no ProjectInputs input");
            Assert.That(publish.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "listed twice");
            Assert.That(Inputs.Where(i => !publish.Contains(i) && !platforms.Contains(i)), Is.Empty, "inputs no target lists");
        });
    }

    [Test]
    public void A_project_property_reaches_the_input_of_its_own_name()
    {
        var mismatched = Target("Distroless.Sdk.targets", "_DistrolessComputeInputs").Descendants("_DistrolessInput")
            .Select(e => (Name: (string?)e.Attribute("Include"), Value: (string?)e.Attribute("Value")))
            .Where(i => i.Name is not null && i.Value is not null)
            .Select(i => (Name: i.Name!, Value: i.Value!))
            .Where(i => i.Value.StartsWith("$(", StringComparison.Ordinal) && !i.Value.StartsWith("$(_", StringComparison.Ordinal))
            .Where(i => i.Value != $"$({i.Name})" && i.Name != "ProjectFile")
            .Select(i => $"{i.Name} = {i.Value}");

        Assert.That(mismatched, Is.Empty, "a user's property keeps its name as the input's name");
    }

    [TestCase("_DistrolessImageInProcess")]
    [TestCase("_DistrolessPlatformsImageInProcess")]
    public void The_task_gets_the_list_and_nothing_else(string target)
    {
        var attributes = Target("Distroless.Sdk.targets", target).Elements("BuildDistrolessImage").Single().Attributes()
            .ToDictionary(a => a.Name.LocalName, a => a.Value);

        Assert.That(attributes, Is.EqualTo(new Dictionary<string, string> { ["Inputs"] = "@(_DistrolessInput)", ["InputItems"] = "@(_DistrolessInputItem)" }));
    }

    [GeneratedRegex(@"GetMetadata\(""(\w+)""\)")]
    private static partial Regex MetadataRead();

    [GeneratedRegex(@"'M\t%\(DistrolessInputList\)\t(\w+)\t")]
    private static partial Regex MetadataLine();

    [Test]
    public void The_inputs_file_carries_every_metadata_name_the_mapper_reads()
    {
        var read = new[] { "ProjectPlanMapper.cs", "ProjectBuild.cs" }
            .SelectMany(f => MetadataRead().Matches(File.ReadAllText(RepositoryFiles.PathOf("src/Distroless.Core/Building/Project/" + f))))
            .Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal).ToList();
        var written = Target("Distroless.Sdk.OutOfProcess.targets", "_DistrolessInputLines").Descendants("_DistrolessInputLine")
            .Select(e => (string?)e.Attribute("Include")).OfType<string>()
            .SelectMany(include => MetadataLine().Matches(include)).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.Not.Empty);
            Assert.That(read.Where(name => !written.Contains(name)), Is.Empty);
        });
    }
}
