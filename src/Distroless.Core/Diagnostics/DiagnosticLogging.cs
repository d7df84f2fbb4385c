using Microsoft.Extensions.Logging;

namespace Distroless.Diagnostics;

/// <summary>
/// Logs a coded diagnostic (a warning the build goes on after) so that hosts can show its code:
/// the event id's name is the DSTL code, which the MSBuild and command-line loggers print as
/// "warning DSTLnnnn: …".
/// </summary>
public static class DiagnosticLogging
{
    public static void LogDiagnostic(this ILogger logger, Diagnostic diagnostic, LogLevel level = LogLevel.Warning)
        => logger.Log(level, EventIdOf(diagnostic.Code), "{Message} {Fix}", diagnostic.MessageText, diagnostic.FixText);

    /// <summary>The DSTL code an event id carries, or null for an ordinary log line.</summary>
    public static string? CodeOf(EventId eventId)
        => eventId.Name is { Length: 8 } name && name.StartsWith("DSTL", StringComparison.Ordinal) ? name : null;

    private static EventId EventIdOf(string code) => new(int.Parse(code.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture), code);
}
