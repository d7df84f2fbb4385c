namespace Distroless.Cli.Output;

/// <summary>
/// The error stream shared by log lines, errors and the progress line: one writer, one lock.
/// On a terminal the progress line is erased before a log line is written and drawn again
/// after it, so the two never garble each other; elsewhere there is no in-place line at all.
/// </summary>
internal sealed class ConsoleSink(TextWriter writer, bool isTerminal)
{
    private const string EraseLine = "\r\u001b[2K";
    private const int MaxStatusWidth = 79;
    private readonly object _gate = new();
    private string _status = "";

    public bool IsTerminal { get; } = isTerminal;

    public void WriteLine(string line)
    {
        lock (_gate)
        {
            Erase();
            writer.WriteLine(line);
            Draw();
            writer.Flush();
        }
    }

    /// <summary>Replaces the in-place status line (terminals only).</summary>
    public void SetStatus(string status)
    {
        if (!IsTerminal)
        {
            return;
        }

        lock (_gate)
        {
            Erase();
            _status = status.Length > MaxStatusWidth ? status[..(MaxStatusWidth - 1)] + "…" : status;
            Draw();
            writer.Flush();
        }
    }

    public void ClearStatus()
    {
        lock (_gate)
        {
            Erase();
            _status = "";
            writer.Flush();
        }
    }

    private void Erase()
    {
        if (IsTerminal && _status.Length > 0)
        {
            writer.Write(EraseLine);
        }
    }

    private void Draw()
    {
        if (IsTerminal && _status.Length > 0)
        {
            writer.Write(_status);
        }
    }
}
