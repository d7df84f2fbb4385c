using Distroless.Diagnostics;
using Distroless.IO;

namespace Distroless.Building;

/// <summary>
/// The steps a project's publish takes around <see cref="Containerizer"/>, given its
/// <see cref="ProjectInputs"/>: the same for the MSBuild task and for `distroless build
/// --project-inputs` (Visual Studio's MSBuild), so both write the same plan file and share one
/// build record, and switching between them keeps an unchanged publish skipped.
/// </summary>
public static class ProjectBuild
{
    /// <summary>A warning (DSTL1101) for each .NET SDK container setting this package does not honour.</summary>
    public static IEnumerable<Diagnostic> IgnoredSettingWarnings(ProjectInputs inputs) => inputs.IgnoredSettings
        .Select(setting => Warnings.PropertyIgnored(setting.Spec, setting.GetMetadata("Value"), setting.GetMetadata("Reason")));

    /// <summary>Whether only the plan file is wanted: one platform of a multi-platform build.</summary>
    public static bool PlanOnly(ProjectInputs inputs) => inputs.PlanOnly && inputs.PlanFiles.IsEmpty;

    /// <summary>
    /// The plans to build: the platforms' plan files of a multi-platform build, else the
    /// project's own plan, which is first written to <see cref="ProjectInputs.PlanFile"/> for
    /// inspection and replay (`distroless build --plan`).
    /// </summary>
    public static IReadOnlyList<ImagePlan> Plans(ProjectInputs inputs, Func<string, string?> environment)
    {
        if (inputs.PlanFiles.Length > 0)
        {
            return inputs.PlanFiles.Select(f => ImagePlan.FromJson(File.ReadAllText(f.Spec))).ToList();
        }

        var plan = ProjectPlanMapper.Map(inputs, environment);
        if (!string.IsNullOrEmpty(inputs.PlanFile))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(inputs.PlanFile))!);
            AtomicFile.Write(inputs.PlanFile, System.Text.Encoding.UTF8.GetBytes(plan.ToJson()));
        }

        return [plan];
    }

    /// <summary>The last build's record when the publish asked for incremental builds and nothing changed since.</summary>
    public static BuildRecord? FindCurrent(ProjectInputs inputs, IReadOnlyList<ImagePlan> plans)
        => inputs.DistrolessIncremental && !string.IsNullOrEmpty(inputs.BuildRecordFile) ? UpToDateCheck.FindCurrent(inputs.BuildRecordFile, plans) : null;

    /// <summary>Keeps the record the next publish compares with (see <see cref="UpToDateCheck"/>).</summary>
    public static void Record(ProjectInputs inputs, IReadOnlyList<ImagePlan> plans, BuildResult result)
    {
        if (!string.IsNullOrEmpty(inputs.BuildRecordFile))
        {
            UpToDateCheck.Record(inputs.BuildRecordFile, plans, result);
        }
    }
}
