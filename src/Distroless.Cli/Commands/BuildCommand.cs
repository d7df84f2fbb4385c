using System.CommandLine;
using Distroless.Building;
using Microsoft.Extensions.Logging;

namespace Distroless.Cli.Commands;

/// <summary>
/// `distroless build --plan …`: the image a publish describes, from the plan file the MSBuild task
/// wrote; `--project-inputs` instead runs the task's whole step from the inputs file its targets
/// write when Visual Studio's MSBuild cannot load the task (<see cref="ProjectInputsBuild"/>).
/// </summary>
internal static class BuildCommand
{
    public static Command Create(CliContext context)
    {
        var plans = new Option<string[]>("--plan")
        {
            Description = "A distroless.plan.json (dotnet publish -p:PublishDistroless=true writes obj/<cfg>/<tfm>/<rid>/distroless.plan.json); " +
                "repeat it, one per platform, for a multi-platform image.",
            HelpName = "file",
            Arity = ArgumentArity.OneOrMore,
        };
        var projectInputs = new Option<string?>("--project-inputs")
        {
            Description = "A distroless.inputs.tsv the Distroless.Sdk targets wrote (obj/<cfg>/<tfm>/<rid>/): map it to a plan, " +
                "write the plan file, and build (or skip an unchanged build) as the MSBuild task does.",
            HelpName = "file",
        };
        var resultFile = new Option<string?>("--result-file")
        {
            Description = "Also write what was built (digest, image id, archive, pushed references, SBOMs) here, one \"Kind<TAB>value\" line each.",
            HelpName = "file",
        };
        var output = new OutputOptions();
        output.Archive.Description = "Write the OCI image archive here instead of where the plan says.";
        output.Registry.Description = "Push to this registry (host[:port]) instead of where the plan says.";
        output.Repository.Description = "The image name to use instead of the plan's.";
        output.Tags.Description = "A tag to use instead of the plan's tags; repeatable.";

        var command = new Command("build", "Build an app image from the plan file(s) a publish wrote, or from its project inputs: the same request model the MSBuild task runs.");
        command.Options.Add(plans);
        command.Options.Add(projectInputs);
        command.Options.Add(resultFile);
        foreach (var option in output.All)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            // Whether each option was given at all: a missing value is already a parse error.
            var inputs = result.GetResult(projectInputs) is not null;
            if (inputs == (result.GetResult(plans) is not null))
            {
                result.AddError("Pass either --plan <file> (one per platform) or --project-inputs <file>.");
            }
            else if (inputs && output.All.Any(option => result.GetResult(option) is not null))
            {
                result.AddError("--archive, --registry, --repository and --tag replace a plan's destinations; with --project-inputs, " +
                    "set them in the project (ContainerArchiveOutputPath, ContainerRegistry, ContainerRepository, ContainerImageTags).");
            }
        });

        context.Epilogs[command] = """
            Examples:
              distroless build --plan obj/Release/net10.0/linux-x64/distroless.plan.json
              distroless build --plan x64/distroless.plan.json --plan arm64/distroless.plan.json --registry ghcr.io --tag 1.4.2
              distroless build --project-inputs obj/Release/net10.0/linux-x64/distroless.inputs.tsv --result-file result.tsv
            Without --archive or --registry the plan's own destinations are used; with either, only those given.
            """;
        context.SetAction(command, async (session, result, ct) =>
        {
            if (result.GetValue(projectInputs) is { } inputsFile)
            {
                return await ProjectInputsBuild.RunAsync(session, Path.GetFullPath(inputsFile), result.GetValue(resultFile), ct).ConfigureAwait(false);
            }

            var loaded = PlanFiles.Read(result.GetValue(plans)!)
                .Select(plan => Override(PlanFiles.WithHostSettings(plan, session), output, result))
                .ToList();
            session.Logger.LogInformation("Building {Repository} for {Platforms}", loaded[0].Repository,
                string.Join(", ", loaded.Select(p => p.Base.RuntimeIdentifier)));
            var built = await session.Containerizer().BuildAsync(loaded, ct).ConfigureAwait(false);
            ResultSummary.Write(session.Out, built);
            if (result.GetValue(resultFile) is { } path)
            {
                ResultFile.Write(path, ProjectOutputs.Of(built));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static ImagePlan Override(ImagePlan plan, OutputOptions output, ParseResult result)
    {
        var archive = result.GetValue(output.Archive);
        var registry = result.GetValue(output.Registry);
        var tags = output.TagsOf(result);
        if (archive is not null || registry is not null)
        {
            plan = plan with
            {
                ArchivePath = archive is null ? null : Path.GetFullPath(archive),
                Registry = registry,
                LocalEngine = null,
            };
        }

        return plan with
        {
            Repository = result.GetValue(output.Repository) ?? plan.Repository,
            Tags = tags.IsEmpty ? plan.Tags : tags,
        };
    }
}
