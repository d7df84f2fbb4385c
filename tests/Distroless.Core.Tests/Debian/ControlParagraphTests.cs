using Distroless.Debian;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class ControlParagraphTests
{
    private const string Control = """
        Package: libssl3t64
        Source: openssl
        Version: 3.5.9-1~deb13u1
        Architecture: amd64
        Depends: libc6 (>= 2.38),
         libzstd1 (>= 1.5.5)
        Description: Secure Sockets Layer toolkit - shared libraries
         This package is part of the OpenSSL project's implementation.
         .
         It provides the libssl and libcrypto shared libraries.

        """;

    [Test]
    public void Fields_keep_their_order_and_values()
    {
        var p = ControlParagraph.Parse(Control);

        Assert.That(p.Fields.Select(f => f.Key), Is.EqualTo(new[]
        {
            "Package", "Source", "Version", "Architecture", "Depends", "Description",
        }));
        Assert.That(p["Version"], Is.EqualTo("3.5.9-1~deb13u1"));
    }

    [Test]
    public void Lookup_ignores_field_name_case()
    {
        var p = ControlParagraph.Parse(Control);

        Assert.Multiple(() =>
        {
            Assert.That(p["package"], Is.EqualTo("libssl3t64"));
            Assert.That(p["ARCHITECTURE"], Is.EqualTo("amd64"));
            Assert.That(p["Missing"], Is.Null);
        });
    }

    [Test]
    public void Continuation_lines_join_with_newlines_without_their_indent()
    {
        var p = ControlParagraph.Parse(Control);

        Assert.Multiple(() =>
        {
            Assert.That(p["Depends"], Is.EqualTo("libc6 (>= 2.38),\nlibzstd1 (>= 1.5.5)"));
            Assert.That(p["Description"], Is.EqualTo(
                "Secure Sockets Layer toolkit - shared libraries\n" +
                "This package is part of the OpenSSL project's implementation.\n" +
                ".\n" +
                "It provides the libssl and libcrypto shared libraries."));
        });
    }

    [Test]
    public void Required_throws_for_a_missing_field()
    {
        var p = ControlParagraph.Parse("Package: a\n");

        Assert.That(p.Required("Package"), Is.EqualTo("a"));
        Assert.That(() => p.Required("Version"),
            Throws.TypeOf<FormatException>().With.Message.Contains("\"Version\""));
    }

    [Test]
    public void Values_are_trimmed_and_may_be_empty()
    {
        var p = ControlParagraph.Parse("A:   spaced value  \nB:\nC: x\r\n");

        Assert.Multiple(() =>
        {
            Assert.That(p["A"], Is.EqualTo("spaced value"));
            Assert.That(p["B"], Is.Empty);
            Assert.That(p["C"], Is.EqualTo("x"));
        });
    }

    [Test]
    public void Comment_lines_are_skipped()
        => Assert.That(ControlParagraph.Parse("# comment\nA: 1\n").Fields, Has.Count.EqualTo(1));

    [TestCase(" leading: continuation\n", TestName = "continuation before any field")]
    [TestCase("no colon here\n", TestName = "line without a colon")]
    [TestCase(": no name\n", TestName = "empty field name")]
    public void Malformed_text_is_rejected(string text)
        => Assert.That(() => ControlParagraph.Parse(text), Throws.TypeOf<FormatException>());

    [Test]
    public void ParseAll_splits_at_blank_lines()
    {
        var paragraphs = ControlParagraph.ParseAll("Package: a\nVersion: 1\n\nPackage: b\n\n\n\nPackage: c\r\n\r\nPackage: d\n").ToList();

        Assert.That(paragraphs.Select(p => p["Package"]), Is.EqualTo(new[] { "a", "b", "c", "d" }));
    }

    [Test]
    public void ParseAll_treats_a_whitespace_only_line_as_a_paragraph_break()
    {
        var paragraphs = ControlParagraph.ParseAll("Types: deb\nURIs: http://a.test/\n  \t\nTypes: deb\nURIs: http://b.test/\n").ToList();

        Assert.That(paragraphs.Select(p => p["URIs"]), Is.EqualTo(new[] { "http://a.test/", "http://b.test/" }));
    }
}
