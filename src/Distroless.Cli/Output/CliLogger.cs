using Microsoft.Extensions.Logging;

namespace Distroless.Cli.Output;

/// <summary>
/// Writes the core's log to the error stream through the <see cref="ConsoleSink"/>: Information
/// as plain lines (the phases), Debug indented (detail), warnings and errors prefixed as
/// compilers do. Synchronous, unlike the console provider's background queue, so log lines and
/// the progress line stay in order.
/// </summary>
internal sealed class CliLoggerProvider(ConsoleSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CliLogger(sink);

    public void Dispose()
    {
    }

    private sealed class CliLogger(ConsoleSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = CliSettings.Style.Render(formatter(state, exception));
            if (exception is not null && logLevel >= LogLevel.Warning)
            {
                message += $" ({exception.Message})";
            }

            var code = Distroless.Diagnostics.DiagnosticLogging.CodeOf(eventId) is { } c ? " " + c : "";
            sink.WriteLine(logLevel switch
            {
                LogLevel.Critical or LogLevel.Error => $"error{code}: " + message,
                LogLevel.Warning => $"warning{code}: " + message,
                LogLevel.Information => message,
                _ => "  " + message,
            });
        }
    }
}
