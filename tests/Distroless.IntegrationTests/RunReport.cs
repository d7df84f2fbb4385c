namespace Distroless.IntegrationTests;

/// <summary>The samples print "key: value" lines; this reads them back.</summary>
public static class RunReport
{
    public static Dictionary<string, string> Parse(string output) => output
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Where(l => l.Contains(": ", StringComparison.Ordinal))
        .ToDictionary(l => l[..l.IndexOf(": ", StringComparison.Ordinal)], l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..].Trim());
}
