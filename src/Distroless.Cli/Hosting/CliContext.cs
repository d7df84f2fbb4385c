using System.CommandLine;
using Distroless.Diagnostics;

namespace Distroless.Cli;

/// <summary>What every command needs to be built: the host, the global options, and the one way to run an action.</summary>
internal sealed class CliContext(CliHost host, GlobalOptions globals)
{
    public CliHost Host { get; } = host;

    public GlobalOptions Globals { get; } = globals;

    /// <summary>Text printed after a command's help: examples, and for the root the exit codes.</summary>
    public Dictionary<Command, string> Epilogs { get; } = [];

    /// <summary>
    /// Runs <paramref name="body"/> in a <see cref="CommandSession"/> and maps what it throws to
    /// the exit codes: a DSTL problem → 1, a usage problem found late → 2, anything else → 3.
    /// </summary>
    public void SetAction(Command command, Func<CommandSession, ParseResult, CancellationToken, Task<int>> body)
        => command.SetAction(async (result, ct) =>
        {
            using var session = new CommandSession(Host, Globals, result);
            try
            {
                return await body(session, result, ct).ConfigureAwait(false);
            }
            catch (DistrolessException e)
            {
                session.Report(e.Diagnostic);
                return ExitCodes.Failed;
            }
            catch (UsageException e)
            {
                session.Sink.WriteLine($"error: {e.Message}");
                session.Sink.WriteLine($"Run 'distroless {command.Name} --help' for usage.");
                return ExitCodes.Usage;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                session.Sink.WriteLine("error: interrupted");
                return ExitCodes.Interrupted;
            }
            catch (Exception e) when (FileSystemErrors.Classify(e, []) is { } classified)
            {
                // Outside the core's own operations (an inspect's temporary files, a result file): still the machine's trouble, not a bug.
                session.Report(classified.Diagnostic);
                return ExitCodes.Failed;
            }
            catch (Exception e)
            {
                session.ReportInternal(e);
                return ExitCodes.InternalError;
            }
        });
}

/// <summary>A command line that parses but does not make sense (found only when the command runs).</summary>
internal sealed class UsageException(string message) : Exception(message);
