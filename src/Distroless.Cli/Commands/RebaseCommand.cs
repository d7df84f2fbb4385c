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
        var source = new Argument<string?>("image")
        {
            Description = "An OCI image archive, or a registry reference, of an image Distroless.Sdk built.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var projectInputs = new Option<string?>("--project-inputs")
        {
            Description = "A distroless.inputs.tsv the Distroless.Sdk targets wrote: rebase the image the project publishes, " +
                "named, locked and written as the publish does (DistrolessRebase through Visual Studio's MSBuild).",
            HelpName = "file",
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
        command.Options.Add(projectInputs);
        output.AddTo(command, repositoryRequiredForRegistry: false, elsewhere: projectInputs);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(projectInputs) is null) == (result.GetValue(source) is null))
            {
                result.AddError("Pass the image to rebase, or --project-inputs <file> (and then nothing else: the project says the rest).");
            }
            else if (result.GetResult(projectInputs) is not null
                && new Option[] { lockFile, updateLock }.Concat(output.All).Any(option => result.GetResult(option) is not null))
            {
                result.AddError("--project-inputs takes everything else from the project (DistrolessLockFile, DistrolessUpdateLock, ContainerArchiveOutputPath, " +
                    "ContainerRegistry, ContainerRepository, ContainerImageTags): pass no other option with it.");
            }

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
            if (result.GetValue(projectInputs) is { } inputsFile)
            {
                return await ProjectInputsBuild.RebaseAsync(session, Path.GetFullPath(inputsFile), ct).ConfigureAwait(false);
            }

            var text = ImageSource.Resolve(result.GetValue(source)!);
            var isArchive = File.Exists(text);
            var peek = isArchive ? ArchiveListing.Read(text) : null;
            var reference = isArchive ? null : ImageReference.Parse(text, "the image to rebase");
            var name = reference?.Repository ?? peek!.RepositoryName();
            if (name is null && result.GetValue(output.Registry) is not null && result.GetValue(output.Repository) is null)
            {
                throw new UsageException("--registry needs --repository <name>: the archive does not name its image.");
            }

            var (mirror, security) = session.Mirrors(peek?.BaseRecipes().FirstOrDefault()?.Suite ?? DebianRelease.DefaultCodename);
            var plan = new RebasePlan
            {
                Source = text,
                Mirror = mirror,
                SecurityMirror = security,
                LockFile = result.GetValue(lockFile) is { } path ? Path.GetFullPath(path) : null,
                LockMode = result.GetValue(updateLock) ? LockMode.Update : LockMode.Auto,
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
