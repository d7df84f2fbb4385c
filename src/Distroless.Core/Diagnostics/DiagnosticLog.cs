using Microsoft.Extensions.Logging;

namespace Distroless.Diagnostics;

/// <summary>
/// Warnings with a DSTL code, through the core's logger: the code travels as the event's name,
/// so the MSBuild host reports it as `warning DSTLnnnn` and the CLI prints it the same way.
/// </summary>
public static class DiagnosticLog
{
    public static void LogDiagnostic(this ILogger logger, Diagnostic diagnostic)
        => logger.Log(LogLevel.Warning, new EventId(int.Parse(diagnostic.Code.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture), diagnostic.Code),
            "{Message} {Fix}", diagnostic.Message, diagnostic.Fix);

    /// <summary>The DSTL code a log event carries, if it is one of these warnings.</summary>
    public static string? CodeOf(EventId eventId) => eventId.Name is { } name && name.StartsWith("DSTL", StringComparison.Ordinal) ? name : null;
}
