using Distroless.Cli;

return await DistrolessCommand.RunAsync(args, CliHost.FromProcess()).ConfigureAwait(false);
