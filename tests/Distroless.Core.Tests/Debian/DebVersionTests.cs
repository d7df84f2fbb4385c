using Distroless.Debian;
using Distroless.Testing;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class DebVersionTests
{
    /// <summary>(a, relation, b) rows, each as `dpkg --compare-versions a lt|eq|gt b` answers.</summary>
    private static readonly (string A, string Relation, string B)[] Rows =
    [
        ("1.0", "<", "1.1"),
        ("1.10", ">", "1.9"),
        ("1.0~rc1", "<", "1.0"),
        ("1.0~~", "<", "1.0~"),
        ("1.0~", "<", "1.0"),
        ("1.0~alpha", "<", "1.0~beta"),
        ("1.0", "<", "1.0a"),
        ("1.0a", "<", "1.0b"),
        ("1.0a", "<", "1.0+"),
        ("1.0+", "<", "1.0."),
        ("1.0+", "<", "1.0.1"),
        ("1.0.0", ">", "1.0"),
        ("1:1.2", ">", "9.9"),
        ("0:1.0", "=", "1.0"),
        ("2:0.1", ">", "1:9.9"),
        ("0.9", "<", "1:0.1"),
        ("01.0", "=", "1.0"),
        ("1.001", "=", "1.1"),
        ("1.0", "=", "1.0-0"),
        ("1.0", "<", "1.0-1"),
        ("1.0-1", "<", "1.0-1.1"),
        ("1.0-1", "<", "1.0-2"),
        ("1.0-10", ">", "1.0-9"),
        ("1.2.3-1-2", ">", "1.2.3-1-1"),
        ("2.0", "<", "10~"),
        ("3.5.6-1~deb13u2", "<", "3.5.6-1"),
        ("3.5.9-1~deb13u1", ">", "3.5.7-1~deb13u1"),
        ("2.36-9+deb12u10", "<", "2.36-9+deb12u14"),
        ("2.36-9+deb12u7", "<", "2.36-9+deb12u10"),
        ("7.88.1-10+deb12u14", ">", "7.88.1-10+deb12u5"),
        ("1:2.38.1-5+deb12u3", ">", "2.39"),
        ("2025b-0+deb12u1", ">", "2024a-0+deb12u1"),
        ("1.2.13.dfsg-1", "<", "1:1.2.13.dfsg-1"),
        ("76.1-4", "<", "76.1-4+b1"),
    ];

    private static IEnumerable<TestCaseData> Comparisons() => Rows.Select(r =>
        new TestCaseData(r.A, r.Relation, r.B).SetName($"{r.A} {r.Relation} {r.B}"));

    [TestCaseSource(nameof(Comparisons))]
    public void Compares_as_dpkg_does(string a, string relation, string b)
    {
        var expected = relation switch { "<" => -1, "=" => 0, _ => 1 };
        var left = DebVersion.Parse(a);
        var right = DebVersion.Parse(b);

        Assert.Multiple(() =>
        {
            Assert.That(Math.Sign(left.CompareTo(right)), Is.EqualTo(expected), $"{a} vs {b}");
            Assert.That(Math.Sign(right.CompareTo(left)), Is.EqualTo(-expected), $"{b} vs {a} (antisymmetry)");
            Assert.That(Math.Sign(DebVersion.Compare(a, b)), Is.EqualTo(expected));
            Assert.That(left.Equals(right), Is.EqualTo(expected == 0));
            Assert.That(left < right, Is.EqualTo(expected < 0));
            Assert.That(left >= right, Is.EqualTo(expected >= 0));
        });
    }

    /// <summary>The table itself is checked against dpkg where dpkg is installed (skipped elsewhere).</summary>
    [Test]
    public void Table_agrees_with_dpkg_compare_versions_when_dpkg_is_present()
    {
        if (!ExternalTool.Exists("dpkg"))
        {
            Assert.Ignore("dpkg is not installed");
        }

        Assert.Multiple(() =>
        {
            foreach (var (a, relation, b) in Rows)
            {
                var op = relation switch { "<" => "lt", "=" => "eq", _ => "gt" };
                var result = ExternalTool.Run("dpkg", ["--compare-versions", a, op, b]);
                Assert.That(result.ExitCode, Is.Zero, $"dpkg says it is not true that {a} {relation} {b}");
            }
        });
    }

    [TestCase("1:2.3-4", 1, "2.3", "4", TestName = "epoch, upstream and revision")]
    [TestCase("2.3", 0, "2.3", "", TestName = "upstream only")]
    [TestCase("2.3-4-5", 0, "2.3-4", "5", TestName = "revision after the last hyphen")]
    [TestCase("1:2:3-1", 1, "2:3", "1", TestName = "colon in upstream after an epoch")]
    [TestCase(" 1.0-1 ", 0, "1.0", "1", TestName = "surrounding spaces ignored")]
    public void Parse_splits_epoch_upstream_and_revision(string text, long epoch, string upstream, string revision)
    {
        var version = DebVersion.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(version.Epoch, Is.EqualTo(epoch));
            Assert.That(version.Upstream, Is.EqualTo(upstream));
            Assert.That(version.Revision, Is.EqualTo(revision));
            Assert.That(version.ToString(), Is.EqualTo(text.Trim()));
        });
    }

    [TestCase("", TestName = "empty")]
    [TestCase("   ", TestName = "blank")]
    [TestCase(":1.0", TestName = "empty epoch")]
    [TestCase("a:1.0", TestName = "non-numeric epoch")]
    [TestCase("-1:1.0", TestName = "negative epoch")]
    [TestCase("1:", TestName = "epoch without upstream")]
    [TestCase("-1", TestName = "revision without upstream")]
    public void Parse_rejects_malformed_versions(string text)
        => Assert.That(() => DebVersion.Parse(text), Throws.TypeOf<FormatException>());

    [Test]
    public void Equal_versions_with_different_text_hash_alike()
    {
        var a = DebVersion.Parse("1.0");
        var b = DebVersion.Parse("1.00-0");

        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
    }

    [Test]
    public void Sorting_orders_a_mixed_list_like_dpkg()
    {
        string[] shuffled = ["1.0", "1:0.1", "1.0~rc1", "1.0-1", "0.9", "1.0+b1", "1.0a"];

        var sorted = shuffled.Select(DebVersion.Parse).Order().Select(v => v.Text).ToArray();

        Assert.That(sorted, Is.EqualTo(new[] { "0.9", "1.0~rc1", "1.0", "1.0-1", "1.0a", "1.0+b1", "1:0.1" }));
    }
}
