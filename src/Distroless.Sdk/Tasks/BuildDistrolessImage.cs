using Distroless.Building;
using Distroless.Diagnostics;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

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
            var plan = ImagePlanMapper.Map(this, Environment.GetEnvironmentVariable);
            if (!string.IsNullOrEmpty(PlanFile))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(PlanFile))!);
                File.WriteAllText(PlanFile, plan.ToJson());
            }

            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromMinutes(5),
            };
            var result = await new Containerizer(http, new TaskLogger(Log)).BuildAsync(plan, ct).ConfigureAwait(false);

            ImageDigest = result.Image.Digest.ToString();
            ImageId = result.Image.ImageId.ToString();
            ArchiveOutputPath = result.ArchivePath;
            foreach (var layer in result.LayerDescriptions)
            {
                Log.LogMessage(MessageImportance.Low, "Distroless:   layer " + layer);
            }

            Log.LogMessage(MessageImportance.High,
                $"  {string.Join(", ", result.References)} ({result.Image.Digest.Short}) -> {result.ArchivePath}  [load it: podman load -i {Quote(result.ArchivePath)}]");
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

    private void Report(Diagnostic diagnostic)
        => Log.LogError(subcategory: null, errorCode: diagnostic.Code, helpKeyword: diagnostic.Code, helpLink: null,
            file: ProjectFile, lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0,
            message: $"{diagnostic.Message} {diagnostic.Fix}");

    private static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;
}
