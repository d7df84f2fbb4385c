using System.CommandLine;
using Distroless.Building;
using Distroless.Registry;

namespace Distroless.Cli.Commands;

/// <summary>`distroless push`: an image archive (one image or a multi-platform index) to a registry, digests unchanged.</summary>
internal static class PushCommand
{
    public static Command Create(CliContext context)
    {
        var source = new Argument<string>("archive")
        {
            Description = "The OCI image archive to push (as build, base or rebase wrote it); a registry reference copies that image instead.",
        };
        var target = new Argument<string>("reference")
        {
            Description = "Where to push: registry/repository:tag, e.g. registry.example/shop/api:1.4.2 or localhost:5000/api.",
        };
        var tags = new Option<string[]>("--tag")
        {
            Description = "Another tag to push the same image under; repeatable.",
            HelpName = "tag",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("push", "Push an OCI image archive to a registry: only the blobs the registry lacks travel, and the digest stays the same.");
        command.Arguments.Add(source);
        command.Arguments.Add(target);
        command.Options.Add(tags);
        context.Epilogs[command] = """
            Examples:
              distroless push bin/Release/net10.0/linux-x64/distroless/api.tar registry.example/shop/api:1.4.2 --tag latest
              distroless push base.tar localhost:5000/base --insecure-registry localhost:5000
            """;
        context.SetAction(command, async (session, result, ct) =>
        {
            var reference = ImageReference.Parse(result.GetValue(target)!, "the push target");
            if (reference.Digest is not null)
            {
                throw new UsageException("the push target names a digest; give a tag (registry/repository:tag) instead.");
            }

            var plan = new CopyPlan
            {
                Source = ImageSource.Resolve(result.GetValue(source)!),
                CacheDirectory = session.CacheDirectory,
                Output = new OutputTarget(reference.Repository, [reference.Tag ?? "latest", .. (result.GetValue(tags) ?? []).Except([reference.Tag ?? "latest"])],
                    ArchivePath: null, reference.Registry, LocalEngine: null),
                RegistrySettings = session.RegistrySettings(),
            };
            var pushed = await session.Containerizer().CopyAsync(plan, ct).ConfigureAwait(false);
            ResultSummary.Write(session.Out, pushed);
            return ExitCodes.Success;
        });
        return command;
    }
}
