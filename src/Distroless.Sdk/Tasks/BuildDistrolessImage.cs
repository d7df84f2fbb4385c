using Distroless.Building;
using Distroless.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = Microsoft.Build.Utilities.Task;
using TaskItem = Microsoft.Build.Utilities.TaskItem;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// Builds the image after publish. Thin by design: the inputs the targets list become <see cref="ProjectInputs"/>,
/// <see cref="ProjectBuild"/> maps them to an <see cref="ImagePlan"/> (written beside the
/// intermediate output for inspection and replay) and checks the last build's record,
/// <see cref="Containerizer"/> runs the plan, and results become outputs. Visual Studio's
/// MSBuild cannot load this task; the targets then run `distroless build --project-inputs`,
/// which takes the same steps.
/// </summary>
public sealed partial class BuildDistrolessImage : DistrolessTask
{
    private string? PlanFile => Input(nameof(ProjectInputs.PlanFile));

    // A file the task itself writes (the plan, the build record) on a full or read-only disk is no bug.
    protected override FileLocation[] OwnFiles
        => string.IsNullOrEmpty(PlanFile) ? [] : [FileLocation.Intermediate(Path.GetDirectoryName(Path.GetFullPath(PlanFile))!)];

    protected override async Task<bool> ExecuteAsync(ProjectInputs inputs, CancellationToken ct)
    {
        foreach (var warning in ProjectBuild.IgnoredSettingWarnings(inputs))
        {
            Report(warning, warning: true);
        }

        var plans = ProjectBuild.Plans(inputs, Environment.GetEnvironmentVariable);
        if (ProjectBuild.PlanOnly(inputs))
        {
            return true;
        }

        if (ProjectBuild.FindCurrent(inputs, plans) is { } current)
        {
            SetOutputs(ProjectOutputs.Of(current));
            Log.LogMessage(MessageImportance.High,
                $"  Distroless: nothing changed since the last publish; {current.Digest} at {current.ArchivePath} is up to date (image step skipped)");
            return true;
        }

        using var http = CreateHttpClient();
        var result = await CreateContainerizer(http).BuildAsync(plans, ct).ConfigureAwait(false);

        SetOutputs(ProjectOutputs.Of(result));
        ProjectBuild.Record(inputs, plans, result);
        foreach (var layer in result.LayerDescriptions)
        {
            Log.LogMessage(MessageImportance.Low, "Distroless:   layer " + layer);
        }

        Log.LogMessage(MessageImportance.High, "  " + Summary(result));
        return true;
    }

    private void SetOutputs(ProjectOutputs outputs)
    {
        ImageDigest = outputs.ImageDigest;
        ImageId = outputs.ImageId;
        ArchiveOutputPath = outputs.ArchiveOutputPath;
        PushedReferences = outputs.PushedReferences.Select(reference =>
        {
            var item = new TaskItem(reference);
            item.SetMetadata("Digest", outputs.ImageDigest);
            return (ITaskItem)item;
        }).ToArray();
        SbomFiles = outputs.SbomFiles.Select(path =>
        {
            var item = new TaskItem(path);
            item.SetMetadata("Format", ProjectOutputs.SbomFormat(path));
            return (ITaskItem)item;
        }).ToArray();
    }

    /// <summary>The one line a publish ends with: what was built and where it went.</summary>
    private static string Summary(BuildResult result)
    {
        var platforms = result.Index is null ? "" : $" [{string.Join(", ", result.Images.Select(i => i.Config.Platform))}]";
        var image = $"{string.Join(", ", result.References)} ({result.Digest}){platforms}";
        var places = new List<string>();
        if (result.ArchivePath is { } archive)
        {
            places.Add($"written to {archive}  [load it: podman load -i {Quote(archive)}]");
            if (result.SbomPaths.Length > 0)
            {
                places.Add("SBOMs " + string.Join(", ", result.SbomPaths.Select(Path.GetFileName)));
            }
        }

        if (result.Push is { } push)
        {
            places.Add($"pushed: {push}");
        }

        if (result.LoadedInto is { } engine)
        {
            places.Add($"loaded into {engine}");
        }

        if (result.Signed is { } signed)
        {
            places.Add($"signed with the {signed}");
        }

        if (result.RepairedCacheEntries.Length > 0)
        {
            places.Add($"repaired {result.RepairedCacheEntries.Length} damaged cache entr{(result.RepairedCacheEntries.Length == 1 ? "y" : "ies")} (DSTL4010)");
        }

        return $"{image} {string.Join("; ", places)}";
    }

    private static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;
}
