using Distroless.Building;
using Distroless.Diagnostics;
using Distroless.Registry.Auth;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = Microsoft.Build.Utilities.Task;
using TaskItem = Microsoft.Build.Utilities.TaskItem;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// Builds the image after publish. Thin by design: parameters become an <see cref="ImagePlan"/>
/// (<see cref="ImagePlanMapper"/>), the plan is written beside the intermediate output for
/// inspection and replay, <see cref="Containerizer"/> runs it, and results become outputs.
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
            foreach (var ignored in IgnoredSettings)
            {
                Report(Warnings.PropertyIgnored(ignored.ItemSpec, ignored.GetMetadata("Value"), ignored.GetMetadata("Reason")), warning: true);
            }

            IReadOnlyList<ImagePlan> plans;
            if (PlanFiles.Length > 0)
            {
                plans = PlanFiles.Select(f => ImagePlan.FromJson(File.ReadAllText(f.ItemSpec))).ToList();
            }
            else
            {
                var plan = ImagePlanMapper.Map(this, Environment.GetEnvironmentVariable);
                if (!string.IsNullOrEmpty(PlanFile))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(PlanFile))!);
                    File.WriteAllText(PlanFile, plan.ToJson());
                }

                if (PlanOnly)
                {
                    return !Log.HasLoggedErrors;
                }

                plans = [plan];
            }

            if (Incremental && !string.IsNullOrEmpty(BuildRecordFile) && UpToDateCheck.FindCurrent(BuildRecordFile, plans) is { } current)
            {
                ImageDigest = current.Digest;
                ImageId = current.ImageId;
                ArchiveOutputPath = current.ArchivePath;
                SbomFiles = SbomItems(current.Outputs.Select(o => o.Path).Where(p => p.EndsWith(".json", StringComparison.Ordinal)));
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
            var result = await new Containerizer(http, logger, credentials: credentials).BuildAsync(plans, ct).ConfigureAwait(false);

            ImageDigest = result.Digest.ToString();
            ImageId = result.Image.ImageId.ToString();
            ArchiveOutputPath = result.ArchivePath;
            PushedReferences = result.Push is null ? [] : result.References.Select(r =>
            {
                var item = new TaskItem(r);
                item.SetMetadata("Digest", result.Digest.ToString());
                return (ITaskItem)item;
            }).ToArray();
            SbomFiles = SbomItems(result.SbomPaths);
            if (!string.IsNullOrEmpty(BuildRecordFile))
            {
                UpToDateCheck.Record(BuildRecordFile, plans, result);
            }

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
            Report(new Diagnostic(DiagnosticCodes.InternalError, $"unexpected error: {e}", "Please report this as a bug."));
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

    /// <summary>The one line a publish ends with: what was built and where it went.</summary>
    private static ITaskItem[] SbomItems(IEnumerable<string> paths) => paths.Select(path =>
    {
        var item = new TaskItem(path);
        item.SetMetadata("Format", path.EndsWith(".spdx.json", StringComparison.Ordinal) ? "spdx" : "cyclonedx");
        return (ITaskItem)item;
    }).ToArray();

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

        return $"{image} {string.Join("; ", places)}";
    }

    private static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;
}
