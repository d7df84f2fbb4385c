using Distroless.Building;
using Distroless.Diagnostics;

namespace Distroless.Cli.Commands;

/// <summary>
/// `distroless build --project-inputs`: what the BuildDistrolessImage task does, for the MSBuild
/// that cannot load it (Visual Studio's, on .NET Framework). The targets write the task's
/// parameters to a file and run this; it takes the task's steps (<see cref="ProjectBuild"/>),
/// so the plan file, the build record and the image are the ones the task would make.
/// </summary>
/// <remarks>
/// Problems are printed in MSBuild's canonical form, "project : error DSTLnnnn: …", which the
/// Exec task turns into build errors attributed to the project, as the task reports them.
/// </remarks>
internal static class ProjectInputsBuild
{
    public static Task<int> RunAsync(CommandSession session, string inputsPath, string? resultFile, CancellationToken ct)
        => RunAsync(session, inputsPath, async (inputs, origin) =>
        {
            foreach (var warning in ProjectBuild.IgnoredSettingWarnings(inputs))
            {
                session.Sink.WriteLine(Canonical(origin, "warning", warning));
            }

            var plans = ProjectBuild.Plans(inputs, session.Host.Environment);
            if (ProjectBuild.PlanOnly(inputs))
            {
                return ExitCodes.Success;
            }

            ProjectOutputs outputs;
            if (ProjectBuild.FindCurrent(inputs, plans) is { } current)
            {
                outputs = ProjectOutputs.Of(current);
                session.Out.WriteLine(
                    $"Distroless: nothing changed since the last publish; {current.Digest} at {current.ArchivePath} is up to date (image step skipped)");
            }
            else
            {
                // The record keeps the plans as mapped, as the task's does; the build gets the
                // command line's host settings on top, as `build --plan` does.
                var built = await session.Containerizer()
                    .BuildAsync(plans.Select(p => PlanFiles.WithHostSettings(p, session)).ToList(), ct).ConfigureAwait(false);
                ProjectBuild.Record(inputs, plans, built);
                ResultSummary.Write(session.Out, built);
                outputs = ProjectOutputs.Of(built);
            }

            if (resultFile is not null)
            {
                ResultFile.Write(resultFile, outputs);
            }

            return ExitCodes.Success;
        });

    /// <summary>
    /// `distroless rebase --project-inputs`: DistrolessRebase for Visual Studio's MSBuild, mapped
    /// from the same inputs file as the publish (<see cref="ProjectPlanMapper.MapRebase"/>).
    /// </summary>
    public static Task<int> RebaseAsync(CommandSession session, string inputsPath, CancellationToken ct)
        => RunAsync(session, inputsPath, async (inputs, _) =>
        {
            var plan = ProjectPlanMapper.MapRebase(inputs, session.Host.Environment);
            ResultSummary.Write(session.Out, await session.Containerizer().RebaseAsync(plan, ct).ConfigureAwait(false));
            return ExitCodes.Success;
        });

    /// <summary>Reads the inputs file and runs <paramref name="step"/>; a problem is printed in MSBuild's form, against the project.</summary>
    private static async Task<int> RunAsync(CommandSession session, string inputsPath, Func<ProjectInputs, string, Task<int>> step)
    {
        var origin = "distroless";
        try
        {
            var inputs = ProjectInputsFile.Read(inputsPath);
            origin = string.IsNullOrEmpty(inputs.ProjectFile) ? origin : inputs.ProjectFile;
            return await step(inputs, origin).ConfigureAwait(false);
        }
        catch (DistrolessException e)
        {
            session.Sink.WriteLine(Canonical(origin, "error", e.Diagnostic));
            return ExitCodes.Failed;
        }
    }

    // The project's MSBuild reads these lines: settings are spelled as its properties.
    private static string Canonical(string origin, string category, Diagnostic diagnostic)
        => $"{origin} : {category} {diagnostic.Code}: {SettingStyle.MSBuild.Render(diagnostic)}";
}
