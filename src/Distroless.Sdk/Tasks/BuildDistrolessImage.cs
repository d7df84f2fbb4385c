using Distroless.Building;
using Distroless.Diagnostics;
using Distroless.Registry.Auth;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = Microsoft.Build.Utilities.Task;
using TaskItem = Microsoft.Build.Utilities.TaskItem;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// Builds the image after publish. Thin by design: parameters become <see cref="ProjectInputs"/>,
/// <see cref="ProjectBuild"/> maps them to an <see cref="ImagePlan"/> (written beside the
/// intermediate output for inspection and replay) and checks the last build's record,
/// <see cref="Containerizer"/> runs the plan, and results become outputs. Visual Studio's
/// MSBuild cannot load this task; the targets then run `distroless build --project-inputs`,
/// which takes the same steps.
/// </summary>
public sealed partial class BuildDistrolessImage : Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        try
        {
            return System.Threading.Tasks.Task.Run(() => ExecuteAsync(_cancel.Token)).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<bool> ExecuteAsync(CancellationToken ct)
    {
        try
        {
            var inputs = ToInputs();
            foreach (var warning in ProjectBuild.IgnoredSettingWarnings(inputs))
            {
                Report(warning, warning: true);
            }

            var plans = ProjectBuild.Plans(inputs, Environment.GetEnvironmentVariable);
            if (ProjectBuild.PlanOnly(inputs))
            {
                return !Log.HasLoggedErrors;
            }

            if (ProjectBuild.FindCurrent(inputs, plans) is { } current)
            {
                SetOutputs(ProjectOutputs.Of(current));
                Log.LogMessage(MessageImportance.High,
                    $"  Distroless: nothing changed since the last publish; {current.Digest} at {current.ArchivePath} is up to date (image step skipped)");
                return true;
            }

            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromMinutes(5),
            };
            var logger = new TaskLogger(Log);
            var credentials = new CredentialStore(Environment.GetEnvironmentVariable,
                Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), new ProcessCredentialHelperRunner(), logger);
            var result = await new Containerizer(http, logger, credentials: credentials,
                signingKeyPassword: () => Environment.GetEnvironmentVariable(Signing.SigningKeyReader.PasswordVariable)).BuildAsync(plans, ct).ConfigureAwait(false);

            SetOutputs(ProjectOutputs.Of(result));
            ProjectBuild.Record(inputs, plans, result);

            foreach (var layer in result.LayerDescriptions)
            {
                Log.LogMessage(MessageImportance.Low, "Distroless:   layer " + layer);
            }

            Log.LogMessage(MessageImportance.High, "  " + Summary(result));
            return !Log.HasLoggedErrors;
        }
        catch (DistrolessException e)
        {
            Report(e.Diagnostic);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A file the task itself writes (the plan, the build record) on a full or read-only disk is no bug.
            FileLocation[] intermediate = string.IsNullOrEmpty(PlanFile) ? [] : [FileLocation.Intermediate(Path.GetDirectoryName(Path.GetFullPath(PlanFile))!)];
            Report(FileSystemErrors.Classify(e, intermediate)?.Diagnostic
                ?? new Diagnostic(DiagnosticCodes.InternalError, $"unexpected error: {e}", "Please report this as a bug."));
            return false;
        }
    }

    private void Report(Diagnostic diagnostic, bool warning = false)
    {
        if (warning)
        {
            Log.LogWarning(subcategory: null, warningCode: diagnostic.Code, helpKeyword: diagnostic.Code, helpLink: null,
                file: ProjectFile, lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0,
                message: $"{diagnostic.Message} {diagnostic.Fix}");
            return;
        }

        Log.LogError(subcategory: null, errorCode: diagnostic.Code, helpKeyword: diagnostic.Code, helpLink: null,
            file: ProjectFile, lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0,
            message: $"{diagnostic.Message} {diagnostic.Fix}");
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
