using Distroless.Building;
using Distroless.Diagnostics;

namespace Distroless.Core.Tests.Building;

/// <summary>The one binding both hosts use: names as the project writes them, MSBuild's empty-is-unset, and a bad value named by its property.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ProjectInputsBinderTests
{
    private static ProjectInputs Bind(params (string Name, string Value)[] properties)
        => ProjectInputsBinder.Bind(properties, [], reason => new DistrolessException(new Diagnostic("DSTL9999", reason, "")));

    [TestCase("", "", true, false)]
    [TestCase("False", "TRUE", false, true)]
    [TestCase(" true ", "!false", true, true)]
    public void Switches_take_MSBuild_booleans_and_empty_keeps_the_default(string resolve, string strict, bool resolves, bool isStrict)
    {
        var inputs = Bind(("DistrolessResolveNativeDependencies", resolve), ("DistrolessStrictNativeDependencies", strict));

        Assert.That((inputs.DistrolessResolveNativeDependencies, inputs.DistrolessStrictNativeDependencies), Is.EqualTo((resolves, isStrict)));
    }

    [TestCase("DistrolessResolveNativeDependencies", "sometimes", "true or false")]
    [TestCase("DistrolessPushParallelism", "four", "a whole number")]
    public void A_value_the_input_cannot_take_is_DSTL1004_naming_the_property_as_the_project_writes_it(string name, string value, string expected)
    {
        var e = Assert.Throws<DistrolessException>(() => Bind((name, value)))!;

        Assert.Multiple(() =>
        {
            Assert.That(e.Code, Is.EqualTo(DiagnosticCodes.InvalidProperty));
            Assert.That(e.Message, Does.Contain($"{name} has the invalid value \"{value}\"").And.Contain(expected));
        });
    }

    [Test]
    public void A_name_that_is_no_input_or_one_given_twice_is_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Bind(("DistrolessNoSuchThing", "x")), Throws.TypeOf<DistrolessException>().With.Message.Contains("there is no input DistrolessNoSuchThing"));
            Assert.That(() => Bind(("ContainerUser", "a"), ("containeruser", "b")), Throws.TypeOf<DistrolessException>().With.Message.Contains("ContainerUser is given twice"));
            Assert.That(() => Bind(("ContainerPort", "8080")), Throws.TypeOf<DistrolessException>().With.Message.Contains("ContainerPort is an item list"));
        });
    }
}
