namespace Distroless.Diagnostics;

/// <summary>
/// One reportable problem: a stable code (documented in docs/diagnostics.md), what was wrong,
/// and how to fix it. Hosts print <see cref="Code"/> so IDEs and CI logs can link to the fix.
/// </summary>
/// <remarks>
/// <see cref="MessageText"/> and <see cref="FixText"/> name settings through
/// <see cref="Setting"/> references, which each host renders in its own terms
/// (<see cref="SettingStyle"/>): the MSBuild host as properties, the CLI as its options.
/// <see cref="Message"/> and <see cref="Fix"/> are the MSBuild rendering, the form most users see.
/// </remarks>
public sealed record Diagnostic(string Code, string MessageText, string FixText)
{
    public string Message => SettingStyle.MSBuild.Render(MessageText);

    public string Fix => SettingStyle.MSBuild.Render(FixText);

    public override string ToString() => $"{Code}: {Message} {Fix}";
}
