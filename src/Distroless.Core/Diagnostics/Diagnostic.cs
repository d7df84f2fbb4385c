namespace Distroless.Diagnostics;

/// <summary>
/// One reportable problem: a stable code (documented in docs/diagnostics.md), what was wrong,
/// and how to fix it. Hosts print <see cref="Code"/> so IDEs and CI logs can link to the fix.
/// </summary>
public sealed record Diagnostic(string Code, string Message, string Fix)
{
    public override string ToString() => $"{Code}: {Message} {Fix}";
}
