using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Distroless.Cli.Commands;

namespace Distroless.Cli;

/// <summary>
/// The `distroless` command line: the root command with its global options and subcommands,
/// parse errors reported as usage errors (exit 2), and help that ends with the exit codes.
/// </summary>
public static class DistrolessCommand
{
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken ct = default)
    {
        var context = new CliContext(host, new GlobalOptions());
        var root = Create(context);
        var result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            foreach (var error in result.Errors)
            {
                await host.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            var command = string.Join(' ', new[] { "distroless" }.Concat(Path(result.CommandResult)));
            var arguments = string.Concat(result.CommandResult.Command.Arguments.Select(a => $" <{a.Name}>"));
            await host.Error.WriteLineAsync($"Usage: {command}{arguments} [options]; run '{command} --help' for more.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = host.Out,
            Error = host.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = host.HandlesInterrupt ? TimeSpan.FromSeconds(2) : null,
        };
        return await result.InvokeAsync(configuration, ct).ConfigureAwait(false);
    }

    internal static RootCommand Create(CliContext context)
    {
        var root = new RootCommand(
            "Builds, inspects, verifies, pushes, locks and rebases distroless OCI images for .NET apps, generated from signed Debian packages.");
        foreach (var option in context.Globals.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(BuildCommand.Create(context));
        root.Subcommands.Add(BaseCommand.Create(context));
        root.Subcommands.Add(PushCommand.Create(context));
        root.Subcommands.Add(InspectCommand.Create(context));
        root.Subcommands.Add(VerifyCommand.Create(context));
        root.Subcommands.Add(LockCommand.Create(context));
        root.Subcommands.Add(RebaseCommand.Create(context));
        root.Subcommands.Add(CacheCommand.Create(context));

        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new EpilogHelpAction((HelpAction)help.Action!, context.Epilogs);
        context.Epilogs[root] = ExitCodes.Help;
        return root;
    }

    private static IEnumerable<string> Path(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var current = result; current is not null && current.Command is not RootCommand; current = current.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(current.Command.Name);
        }

        return names;
    }

    /// <summary>The standard help, then the command's epilog (examples; for the root, the exit codes).</summary>
    private sealed class EpilogHelpAction(HelpAction standard, IReadOnlyDictionary<Command, string> epilogs) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = standard.Invoke(parseResult);
            if (epilogs.TryGetValue(parseResult.CommandResult.Command, out var epilog))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(epilog.TrimEnd());
                output.WriteLine();
            }

            return code;
        }
    }
}
