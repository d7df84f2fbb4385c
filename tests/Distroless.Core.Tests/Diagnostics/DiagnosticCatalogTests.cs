using System.Reflection;
using System.Text.RegularExpressions;
using Distroless.Core.Tests.TestSupport;
using Distroless.Diagnostics;

namespace Distroless.Core.Tests.Diagnostics;

/// <summary>The DSTL codes: one catalog in code, every code documented, no code used that the catalog lacks.</summary>
[Parallelizable(ParallelScope.All)]
public sealed partial class DiagnosticCatalogTests
{
    private static IReadOnlyDictionary<string, string> Codes { get; } = typeof(DiagnosticCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    [GeneratedRegex(@"DSTL\d{4}")]
    private static partial Regex CodePattern();

    [Test]
    public void Codes_are_unique_well_formed_and_in_their_ranges()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Codes.Values, Is.Unique);
            Assert.That(Codes.Values, Is.All.Matches(@"^DSTL[1-69]\d{3}$"));
            Assert.That(Codes[nameof(DiagnosticCodes.InternalError)], Is.EqualTo("DSTL9001"));
        });
    }

    [Test]
    [Category("Docs")]
    public void Every_code_has_a_section_in_docs_diagnostics_md()
    {
        var path = RepositoryFiles.PathOf("docs/diagnostics.md");
        if (!File.Exists(path))
        {
            Assert.Fail("docs/diagnostics.md is missing");
        }

        var headings = File.ReadAllLines(path).Where(l => l.StartsWith('#')).ToList();

        Assert.That(Codes.Values.Where(code => !headings.Any(h => h.Contains(code, StringComparison.Ordinal))), Is.Empty,
            "codes without a heading in docs/diagnostics.md");
    }

    [Test]
    [Category("Docs")]
    public void The_docs_describe_no_code_that_does_not_exist()
    {
        var path = RepositoryFiles.PathOf("docs/diagnostics.md");
        if (!File.Exists(path))
        {
            Assert.Fail("docs/diagnostics.md is missing");
        }

        var documented = File.ReadAllLines(path).Where(l => l.StartsWith('#')).SelectMany(l => CodePattern().Matches(l)).Select(m => m.Value);

        Assert.That(documented.Except(Codes.Values), Is.Empty, "headings in docs/diagnostics.md for codes DiagnosticCodes lacks");
    }

    [Test]
    [Category("Docs")]
    public void Every_code_the_README_and_the_docs_mention_exists()
    {
        var documents = Directory.GetFiles(RepositoryFiles.PathOf("docs"), "*.md").Append(RepositoryFiles.PathOf("README.md"));
        var mentioned = documents.SelectMany(path => CodePattern().Matches(File.ReadAllText(path))
            .Select(m => (File: Path.GetFileName(path), Code: m.Value)));

        Assert.That(mentioned.Where(m => !Codes.Values.Contains(m.Code)).Select(m => $"{m.File}: {m.Code}").Distinct(), Is.Empty);
    }

    [Test]
    public void Every_code_used_in_the_sources_is_in_the_catalog()
    {
        var used = RepositoryFiles.SourceFiles("src")
            .SelectMany(file => CodePattern().Matches(File.ReadAllText(RepositoryFiles.PathOf(file))).Select(m => (file, code: m.Value)))
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(used, Is.Not.Empty, "the scan found the sources");
            Assert.That(used.Where(u => !Codes.Values.Contains(u.code)).Select(u => $"{u.file}: {u.code}"), Is.Empty);
        });
    }

    [Test]
    public void Every_code_has_an_error_factory()
    {
        var raised = typeof(Errors).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(DistrolessException))
            .Concat(typeof(Warnings).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(Diagnostic)))
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);

        // InternalError is reported by the hosts for exceptions that are not DistrolessExceptions.
        Assert.That(Codes.Keys.Where(name => name != nameof(DiagnosticCodes.InternalError) && !raised.Contains(name)), Is.Empty,
            "DiagnosticCodes constants without an Errors factory of the same name");
    }
}
