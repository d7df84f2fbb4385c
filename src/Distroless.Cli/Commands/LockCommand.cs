using System.CommandLine;

namespace Distroless.Cli.Commands;

/// <summary>`distroless lock --plan …`: resolve the plan's base and write its lock file, without building the app image.</summary>
internal static class LockCommand
{
    public static Command Create(CliContext context)
    {
        var plans = new Option<string[]>("--plan")
        {
            Description = "A distroless.plan.json; repeat it, one per platform, to lock every platform's base in one file.",
            HelpName = "file",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var update = new Option<bool>("--update")
        {
            Description = "Resolve against the archive again and rewrite the lock (pick up security fixes); " +
                "without it a lock that already answers the plan is kept.",
        };
        var command = new Command("lock", "Write or update the plan's lock file (distroless.lock.json): the exact Debian packages of its base, per architecture.");
        command.Options.Add(plans);
        command.Options.Add(update);
        context.Epilogs[command] = """
            Examples:
              distroless lock --plan obj/Release/net10.0/linux-x64/distroless.plan.json
              distroless lock --update --plan x64/distroless.plan.json --plan arm64/distroless.plan.json
            The lock file is the one the plan names (DistrolessLockFile, distroless.lock.json beside the project).
            """;
        context.SetAction(command, async (session, result, ct) =>
        {
            var loaded = PlanFiles.Read(result.GetValue(plans)!).Select(p => PlanFiles.WithHostSettings(p, session)).ToList();
            var locked = await session.Containerizer().LockAsync(loaded, result.GetValue(update), ct).ConfigureAwait(false);
            session.Out.WriteLine($"{locked.Path}: {(locked.Changed ? "written" : "up to date")} (Debian {locked.Lock.Suite}; " +
                string.Join(", ", locked.Lock.Platforms.Select(p => $"{p.Key}: {p.Value.Packages.Length} packages")) + ")");
            return ExitCodes.Success;
        });
        return command;
    }
}
