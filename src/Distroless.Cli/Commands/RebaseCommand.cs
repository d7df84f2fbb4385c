using System.CommandLine;
using Distroless.Base;
using Distroless.Building;
using Distroless.Cli.Inspection;
using Distroless.Registry;

namespace Distroless.Cli.Commands;

/// <summary>`distroless rebase`: a new Debian base under an image's unchanged app layers.</summary>
internal static class RebaseCommand
{
    public static Command Create(CliContext context)
    {
        var source = new Argument<string>("image")
        {
            Description = "An OCI image archive, or a registry reference, of an image Distroless.Sdk built.",
        };
        var lockFile = new Option<string?>("--lock")
        {
            Description = "Build the new base from this lock file when it answers the image's base (else resolve and write it).",
            HelpName = "file",
        };
        var updateLock = new Option<bool>("--update-lock") { Description = "Resolve against the archive again and rewrite the --lock file." };
        var output = new OutputOptions();
        output.Repository.Description = "The image name without tag [default: the source's name]; needed with --registry for an archive source.";

        var command = new Command("rebase", "Rebuild an image's Debian base from the current archive (or a lock) and keep its app layers byte for byte: security fixes without a rebuild.");
        command.Arguments.Add(source);
        command.Options.Add(lockFile);
        command.Options.Add(updateLock);
        output.AddTo(command, repositoryRequiredForRegistry: false);
        command.Validators.Add(result =>
        {
            if (result.GetValue(updateLock) && result.GetValue(lockFile) is null)
            {
                result.AddError("--update-lock needs --lock <file>.");
            }
        });
        context.Epilogs[command] = """
            Examples:
              distroless rebase api.tar --archive api-rebased.tar
              distroless rebase registry.example/shop/api:1.4.2 --registry registry.example --repository shop/api --tag 1.4.2-1
            """;
        context.SetAction(command, async (session, result, ct) =>
        {
            var text = ImageSource.Resolve(result.GetValue(source)!);
            var isArchive = File.Exists(text);
            var peek = isArchive ? ArchiveListing.Read(text) : null;
            var reference = isArchive ? null : ImageReference.Parse(text, "the image to rebase");
            var name = reference?.Repository ?? peek!.RepositoryName();
            if (name is null && result.GetValue(output.Registry) is not null && result.GetValue(output.Repository) is null)
            {
                throw new UsageException("--registry needs --repository <name>: the archive does not name its image.");
            }

            var (mirror, security) = session.Mirrors(peek?.BaseRecipes().FirstOrDefault()?.Suite ?? "bookworm");
            var plan = new RebasePlan
            {
                Source = text,
                Mirror = mirror,
                SecurityMirror = security,
                LockFile = result.GetValue(lockFile) is { } path ? Path.GetFullPath(path) : null,
                LockMode = result.GetValue(updateLock) ? nameof(LockMode.Update) : nameof(LockMode.Auto),
                CacheDirectory = session.CacheDirectory,
                Output = output.Target(result, name ?? "rebased"),
                RegistrySettings = session.RegistrySettings(),
            };
            var rebased = await session.Containerizer().RebaseAsync(plan, ct).ConfigureAwait(false);
            ResultSummary.Write(session.Out, rebased);
            return ExitCodes.Success;
        });
        return command;
    }
}
