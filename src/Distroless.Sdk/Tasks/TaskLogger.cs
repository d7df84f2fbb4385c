using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Microsoft.Extensions.Logging;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// Routes the core's Microsoft.Extensions.Logging output into the MSBuild log: Information
/// as normal-importance messages (shown at -v:n), Debug and Trace at low importance
/// (-v:d), warnings and errors as MSBuild warnings and errors.
/// </summary>
internal sealed class TaskLogger(TaskLoggingHelper log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = "Distroless: " + formatter(state, exception);
        switch (logLevel)
        {
            case LogLevel.Critical or LogLevel.Error:
                log.LogError(message);
                break;
            case LogLevel.Warning when Distroless.Diagnostics.DiagnosticLog.CodeOf(eventId) is { } code:
                // A coded warning: MSBuild prints "warning DSTLnnnn:", and /warnaserror:DSTLnnnn and NoWarn work on it.
                log.LogWarning(null, code, code, null, 0, 0, 0, 0, formatter(state, exception));
                break;
            case LogLevel.Warning:
                log.LogWarning(message);
                break;
            case LogLevel.Information:
                log.LogMessage(MessageImportance.Normal, message);
                break;
            default:
                log.LogMessage(MessageImportance.Low, message);
                break;
        }
    }
}
