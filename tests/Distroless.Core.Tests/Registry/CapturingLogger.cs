using Distroless.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Distroless.Core.Tests.Registry;

/// <summary>Keeps every formatted log line (and exception message), to check what a log would show.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly List<(LogLevel Level, string? Code, string Text)> _entries = [];

    public IReadOnlyList<string> Lines => Entries.Select(e => $"{e.Level}: {e.Text}").ToList();

    /// <summary>Each line with its level and the DSTL code its event id carries (see <see cref="DiagnosticLogging"/>), if any.</summary>
    public IReadOnlyList<(LogLevel Level, string? Code, string Text)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, DiagnosticLogging.CodeOf(eventId), $"{formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}"));
        }
    }
}
