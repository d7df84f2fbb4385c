using System.CommandLine;
using Distroless.Cli.Caching;
using Distroless.Cli.Output;

namespace Distroless.Cli.Commands;

/// <summary>`distroless cache info|prune`: the user-wide cache of downloads and built layers.</summary>
internal static class CacheCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("cache", "Show or trim the cache of downloads and built layers (--cache, DISTROLESS_CACHE, or ~/.cache/distroless).");
        command.Subcommands.Add(Info(context));
        command.Subcommands.Add(Prune(context));
        return command;
    }

    private static Command Info(CliContext context)
    {
        var command = new Command("info", "Print the cache's path, size, and counts of blobs, records and temporary files.");
        context.SetAction(command, (session, _, _) =>
        {
            var info = new CacheMaintenance(session.CacheDirectory, session.Host.Time).Info();
            var output = session.Out;
            output.WriteLine($"path     {info.Path}{(info.Exists ? "" : " (does not exist yet)")}");
            output.WriteLine($"size     {ProgressDisplay.Size(info.TotalBytes)} ({info.TotalBytes} bytes)");
            output.WriteLine($"blobs    {info.Blobs} ({ProgressDisplay.Size(info.BlobBytes)})");
            output.WriteLine($"records  {info.Records}" + (info.RecordsByKind.IsEmpty ? "" : $" ({string.Join(", ", info.RecordsByKind.Select(k => $"{k.Key} {k.Value}"))})"));
            output.WriteLine($"tmp      {info.TempFiles} ({ProgressDisplay.Size(info.TempBytes)})");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Prune(CliContext context)
    {
        var all = new Option<bool>("--all") { Description = "Remove every blob and record (and the temporary files of builds that ended; a running build keeps its files)." };
        var olderThan = new Option<int?>("--older-than")
        {
            Description = "Remove blobs and records not read or written for this many days [default: 30].",
            HelpName = "days",
            CustomParser = argument =>
            {
                if (int.TryParse(argument.Tokens.Single().Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days))
                {
                    return days;
                }

                argument.AddError($"--older-than takes a whole number of days, 0 or more, not \"{argument.Tokens.Single().Value}\".");
                return null;
            },
        };
        var command = new Command("prune",
            "Remove cache entries not used for a while. Only complete blobs and records go, and the temporary files of builds that ended: a running build's files stay.");
        command.Options.Add(all);
        command.Options.Add(olderThan);
        command.Validators.Add(result =>
        {
            if (result.GetValue(all) && result.GetValue(olderThan) is not null)
            {
                result.AddError("Give --all or --older-than <days>, not both.");
            }
        });
        context.SetAction(command, (session, result, _) =>
        {
            TimeSpan? age = result.GetValue(all) ? null : TimeSpan.FromDays(result.GetValue(olderThan) ?? 30);
            var pruned = new CacheMaintenance(session.CacheDirectory, session.Host.Time).Prune(age);
            session.Out.WriteLine($"Removed {pruned.Blobs} blobs, {pruned.Records} records and {pruned.TempFiles} temporary files " +
                $"({ProgressDisplay.Size(pruned.TotalBytes)}) from {session.CacheDirectory}");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
