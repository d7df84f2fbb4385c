using Distroless.Building;
using Distroless.Diagnostics;
using Distroless.Registry.Auth;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// What the package's tasks share: they take the inputs the targets list (see
/// <see cref="TaskInputs"/>), bind them to <see cref="ProjectInputs"/>, run a core step, and
/// report a <see cref="DistrolessException"/> as an MSBuild error with its DSTL code, attributed
/// to the project. Cancellation (Ctrl+C) cancels the step.
/// </summary>
public abstract class DistrolessTask : Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>One item per property input: Include = its name (ProjectInputs), Value metadata.</summary>
    public ITaskItem[] Inputs { get; set; } = [];

    /// <summary>
    /// The items of every item-list input, each with the list's name in DistrolessInputList
    /// metadata (MSBuild refuses metadata attributes that start with an underscore).
    /// </summary>
    public ITaskItem[] InputItems { get; set; } = [];

    public void Cancel() => _cancel.Cancel();

    /// <summary>The project errors are attributed to.</summary>
    protected string? ProjectFile => Input(nameof(ProjectInputs.ProjectFile)) ?? BuildEngine?.ProjectFileOfTaskNode;

    /// <summary>A property input as the targets passed it, before binding (for reporting a failure to bind).</summary>
    protected string? Input(string name) => Inputs.FirstOrDefault(i => i.ItemSpec == name)?.GetMetadata("Value") is { Length: > 0 } value ? value : null;

    /// <summary>Where the task itself writes (the plan, the build record): a full disk there is named, not an internal error.</summary>
    protected virtual FileLocation[] OwnFiles => [];

    public override bool Execute()
    {
        try
        {
            return System.Threading.Tasks.Task.Run(() => RunAsync(_cancel.Token)).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The step itself, on the bound inputs; false when it failed (errors are logged).</summary>
    protected abstract Task<bool> ExecuteAsync(ProjectInputs inputs, CancellationToken ct);

    private async Task<bool> RunAsync(CancellationToken ct)
    {
        try
        {
            var succeeded = await ExecuteAsync(TaskInputs.Bind(Inputs, InputItems), ct).ConfigureAwait(false);
            return succeeded && !Log.HasLoggedErrors;
        }
        catch (DistrolessException e)
        {
            Report(e.Diagnostic);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Report(FileSystemErrors.Classify(e, OwnFiles)?.Diagnostic
                ?? new Diagnostic(DiagnosticCodes.InternalError, $"unexpected error: {e}", "Please report this as a bug."));
            return false;
        }
    }

    /// <summary>A containerizer as the tasks use it: credentials from the user's helpers, the signing key's password from the environment.</summary>
    protected Containerizer CreateContainerizer(HttpClient http)
    {
        var logger = new TaskLogger(Log);
        var credentials = new CredentialStore(Environment.GetEnvironmentVariable,
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), new ProcessCredentialHelperRunner(), logger);
        return new Containerizer(http, logger, credentials: credentials,
            signingKeyPassword: () => Environment.GetEnvironmentVariable(Signing.SigningKeyReader.PasswordVariable));
    }

    protected static HttpClient CreateHttpClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    protected void Report(Diagnostic diagnostic, bool warning = false)
    {
        var text = SettingStyle.MSBuild.Render(diagnostic);
        if (warning)
        {
            Log.LogWarning(subcategory: null, warningCode: diagnostic.Code, helpKeyword: diagnostic.Code, helpLink: null,
                file: ProjectFile, lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0, message: text);
            return;
        }

        Log.LogError(subcategory: null, errorCode: diagnostic.Code, helpKeyword: diagnostic.Code, helpLink: null,
            file: ProjectFile, lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0, message: text);
    }
}
