using System.Text.RegularExpressions;
using System.Xml.Linq;
using Distroless.Building;
using Distroless.Core.Tests.TestSupport;

namespace Distroless.Core.Tests.Building;

/// <summary>
/// The package's targets pass the task's parameters twice: as attributes of BuildDistrolessImage
/// (in process) and as lines of the inputs file (Visual Studio's MSBuild, through the CLI). Both
/// lists must name the same parameters, and the task's inputs must be exactly the
/// <see cref="ProjectInputs"/> properties (read from the sources: the tests do not load MSBuild).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed partial class ProjectInputsTargetsTests
{
    private const string BuildDirectory = "src/Distroless.Sdk/build/";

    private static XElement Target(string file, string name) => XDocument.Load(RepositoryFiles.PathOf(BuildDirectory + file))
        .Root!.Elements("Target").Single(t => (string?)t.Attribute("Name") == name);

    /// <summary>The BuildDistrolessImage parameters a target passes.</summary>
    private static IEnumerable<string> TaskParameters(string target) => Target("Distroless.Sdk.targets", target)
        .Elements("BuildDistrolessImage").Single().Attributes().Select(a => a.Name.LocalName);

    /// <summary>"'I&lt;TAB&gt;Name" or "'M&lt;TAB&gt;Name" at the start of a transform (XML has decoded &amp;#9;).</summary>
    [GeneratedRegex(@"'[IM]\t([A-Za-z]+)")]
    private static partial Regex LineParameter();

    /// <summary>The parameters a target writes lines for: property items by Include, item lists by the name in their transform.</summary>
    private static IEnumerable<string> LineParameters(string target)
    {
        var element = Target("Distroless.Sdk.OutOfProcess.targets", target);
        var properties = element.Descendants("_DistrolessInputProperty")
            .Select(e => (string?)e.Attribute("Include") ?? "")
            .Where(include => include.Length > 0 && !include.StartsWith('@'));
        var lists = element.Descendants("_DistrolessInputLine")
            .Select(e => (string?)e.Attribute("Include") ?? "")
            .SelectMany(include => LineParameter().Matches(include).Select(m => m.Groups[1].Value));
        return properties.Concat(lists).Distinct();
    }

    [TestCase("_DistrolessImageInProcess", "_DistrolessPublishInputLines", TestName = "single-platform publish")]
    [TestCase("_DistrolessPlatformsImageInProcess", "_DistrolessPlatformsInputLines", TestName = "multi-platform publish")]
    public void Both_paths_pass_the_same_parameters(string inProcess, string outOfProcess)
    {
        var parameters = TaskParameters(inProcess).Order(StringComparer.Ordinal).ToList();
        var lines = LineParameters(outOfProcess).Order(StringComparer.Ordinal).ToList();
        var known = typeof(ProjectInputs).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Multiple(() =>
        {
            Assert.That(lines, Is.EqualTo(parameters));
            Assert.That(parameters.Where(p => !known.Contains(p)), Is.Empty, "every parameter is a ProjectInputs property");
        });
    }

    [GeneratedRegex(@"public [\w\[\]?]+ (\w+) \{ get; set; \}")]
    private static partial Regex SettableProperty();

    [Test]
    public void The_task_takes_exactly_the_project_inputs()
    {
        var source = File.ReadAllText(RepositoryFiles.PathOf("src/Distroless.Sdk/Tasks/BuildDistrolessImage.Parameters.cs"));
        var task = SettableProperty().Matches(source).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        var inputs = typeof(ProjectInputs).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.That(task, Is.EqualTo(inputs));
    }

    [Test]
    public void The_scan_sees_the_parameters()
        => Assert.That(LineParameters("_DistrolessPublishInputLines"), Does.Contain("ContainerImageTags").And.Contain("PublishedFiles"));
}
