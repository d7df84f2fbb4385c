using Distroless.Debian;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class PackageRelationTests
{
    [TestCase(null, TestName = "null field")]
    [TestCase("", TestName = "empty field")]
    [TestCase("  ", TestName = "blank field")]
    public void Empty_fields_have_no_relations(string? field)
        => Assert.That(PackageRelation.ParseList(field), Is.Empty);

    [Test]
    public void Commas_separate_relations_and_bars_separate_alternatives()
    {
        var relations = PackageRelation.ParseList("libc6 (>= 2.36), libgcc-s1 | libgcc1, zlib1g");

        Assert.That(relations, Has.Length.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(relations[0].Alternatives.Select(a => a.Name), Is.EqualTo(new[] { "libc6" }));
            Assert.That(relations[1].Alternatives.Select(a => a.Name), Is.EqualTo(new[] { "libgcc-s1", "libgcc1" }));
            Assert.That(relations[2].ToString(), Is.EqualTo("zlib1g"));
            Assert.That(relations[1].ToString(), Is.EqualTo("libgcc-s1 | libgcc1"));
        });
    }

    [TestCase("a (<< 2)", VersionOperator.Earlier, "2", TestName = "<< is strictly earlier")]
    [TestCase("a (<= 2)", VersionOperator.EarlierOrEqual, "2", TestName = "<= is earlier or equal")]
    [TestCase("a (= 1:2.0-1)", VersionOperator.Equal, "1:2.0-1", TestName = "= is exactly")]
    [TestCase("a (>= 2.36)", VersionOperator.LaterOrEqual, "2.36", TestName = ">= is later or equal")]
    [TestCase("a (>> 2)", VersionOperator.Later, "2", TestName = ">> is strictly later")]
    [TestCase("a (< 2)", VersionOperator.EarlierOrEqual, "2", TestName = "obsolete < means <=")]
    [TestCase("a (> 2)", VersionOperator.LaterOrEqual, "2", TestName = "obsolete > means >=")]
    [TestCase("a(>=2)", VersionOperator.LaterOrEqual, "2", TestName = "no spaces around the operator")]
    [TestCase("a  (  >=   2.0~rc1  )", VersionOperator.LaterOrEqual, "2.0~rc1", TestName = "extra spaces")]
    public void Version_operators_parse(string field, VersionOperator op, string version)
    {
        var constraint = PackageRelation.ParseList(field).Single().Alternatives.Single();

        Assert.Multiple(() =>
        {
            Assert.That(constraint.Name, Is.EqualTo("a"));
            Assert.That(constraint.Operator, Is.EqualTo(op));
            Assert.That(constraint.Version?.Text, Is.EqualTo(version));
            Assert.That(constraint.ArchQualifier, Is.Null);
        });
    }

    [TestCase("python3:any", "python3", "any", TestName = "any qualifier")]
    [TestCase("libc6:amd64 (>= 2.36)", "libc6", "amd64", TestName = "architecture qualifier with version")]
    public void Architecture_qualifiers_are_split_from_the_name(string field, string name, string arch)
    {
        var constraint = PackageRelation.ParseList(field).Single().Alternatives.Single();

        Assert.That(constraint.Name, Is.EqualTo(name));
        Assert.That(constraint.ArchQualifier, Is.EqualTo(arch));
    }

    [Test]
    public void Source_only_restrictions_are_dropped()
    {
        var relations = PackageRelation.ParseList("debhelper-compat (= 13), gcc [amd64] , check <!nocheck>");

        Assert.That(relations.Select(r => r.Alternatives[0].Name), Is.EqualTo(new[] { "debhelper-compat", "gcc", "check" }));
    }

    [TestCase("a (>= 2", TestName = "unbalanced parenthesis")]
    [TestCase("a (2.0)", TestName = "no operator")]
    [TestCase("a (>= )", TestName = "no version")]
    public void Malformed_relations_are_rejected(string field)
        => Assert.That(() => PackageRelation.ParseList(field), Throws.TypeOf<FormatException>());

    [TestCase("a (>= 2.36)", "2.36", true, TestName = ">= accepts equal")]
    [TestCase("a (>= 2.36)", "2.35", false, TestName = ">= rejects earlier")]
    [TestCase("a (<< 2.36)", "2.36~rc1", true, TestName = "<< accepts a tilde pre-release")]
    [TestCase("a (<< 2.36)", "2.36", false, TestName = "<< rejects equal")]
    [TestCase("a (= 1.0)", "1.0-0", true, TestName = "= compares versions, not text")]
    [TestCase("a (>> 1.0)", "1:0.1", true, TestName = ">> honours epochs")]
    [TestCase("a", "0", true, TestName = "unversioned accepts anything")]
    public void IsSatisfiedBy_applies_the_operator(string field, string candidate, bool expected)
    {
        var constraint = PackageRelation.ParseList(field).Single().Alternatives.Single();

        Assert.That(constraint.IsSatisfiedBy(DebVersion.Parse(candidate)), Is.EqualTo(expected));
    }

    [Test]
    public void ToString_writes_the_relation_back_in_canonical_form()
    {
        var relations = PackageRelation.ParseList("a:any (> 1), b (<<2) | c");

        Assert.That(string.Join(", ", relations), Is.EqualTo("a:any (>= 1), b (<< 2) | c"));
    }
}
