using Distroless.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Microsoft.Extensions.Logging;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// Routes the core's Microsoft.Extensions.Logging output into the MSBuild log: Information
/// as normal-importance messages (shown at -v:n), Debug and Trace at low importance
/// (-v:d), warnings and errors as MSBuild warnings and errors (with their DSTL code when the
/// event id carries one, see <see cref="DiagnosticLogging"/>).
/// </summary>
internal sealed class TaskLogger(TaskLoggingHelper log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = SettingStyle.MSBuild.Render(formatter(state, exception));
        var message = "Distroless: " + text;
        switch (logLevel)
        {
            case LogLevel.Critical or LogLevel.Error:
                log.LogError(message);
                break;
            case LogLevel.Warning when DiagnosticLogging.CodeOf(eventId) is { } code:
                // A coded diagnostic: MSBuild shows "warning DSTLnnnn: …", as for the task's own.
                log.LogWarning(subcategory: null, warningCode: code, helpKeyword: code, helpLink: null, file: null,
                    lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0, message: text);
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
