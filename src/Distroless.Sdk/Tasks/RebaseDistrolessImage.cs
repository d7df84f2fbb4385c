using System.Collections.Immutable;
using Distroless.Building;
using Distroless.Diagnostics;
using Distroless.Registry.Auth;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// `dotnet msbuild -t:DistrolessRebase`: the published image gets a freshly built base (current
/// Debian packages, or the lock's), its app layers unchanged. Thin: inputs become a
/// <see cref="RebasePlan"/> for <see cref="Containerizer.RebaseAsync"/>.
/// </summary>
public sealed class RebaseDistrolessImage : Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    public string? ProjectFile { get; set; }

    /// <summary>An OCI image archive or a registry reference.</summary>
    [Required]
    public string Source { get; set; } = "";

    [Required]
    public string Repository { get; set; } = "";

    public string? Tags { get; set; }

    public string? ArchivePath { get; set; }

    public string? Registry { get; set; }

    public string? DebianMirror { get; set; }

    public string? DebianSecurityMirror { get; set; }

    public string? DebianSuite { get; set; }

    public string? LockFile { get; set; }

    public bool Locked { get; set; }

    public bool UpdateLock { get; set; }

    public string? CacheDirectory { get; set; }

    public string? InsecureRegistries { get; set; }

    [Output]
    public string? ImageDigest { get; private set; }

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
            var environment = (Func<string, string?>)Environment.GetEnvironmentVariable;
            var suite = string.IsNullOrWhiteSpace(DebianSuite) ? "bookworm" : DebianSuite.Trim();
            var (mirror, securityMirror) = HostDefaults.ResolveMirrors(DebianMirror, DebianSecurityMirror, suite, environment);
            var tags = (Tags ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var plan = new RebasePlan
            {
                Source = Source,
                Mirror = mirror,
                SecurityMirror = securityMirror,
                LockFile = string.IsNullOrWhiteSpace(LockFile) ? null : LockFile,
                LockMode = Locked ? "Locked" : UpdateLock ? "Update" : "Auto",
                CacheDirectory = string.IsNullOrWhiteSpace(CacheDirectory) ? HostDefaults.CacheDirectory(environment) : CacheDirectory,
                Output = new OutputTarget(Repository, tags.Length > 0 ? [.. tags] : ["latest"],
                    string.IsNullOrWhiteSpace(ArchivePath) ? null : ArchivePath, string.IsNullOrWhiteSpace(Registry) ? null : Registry, null),
                RegistrySettings = new RegistrySettings { InsecureRegistries = HostDefaults.InsecureRegistries(InsecureRegistries, environment) },
            };

            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var logger = new TaskLogger(Log);
            var credentials = new CredentialStore(environment, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                new ProcessCredentialHelperRunner(), logger);
            var result = await new Containerizer(http, logger, credentials: credentials).RebaseAsync(plan, ct).ConfigureAwait(false);
            ImageDigest = result.Digest.ToString();
            Log.LogMessage(MessageImportance.High, $"  rebased {Source} -> {string.Join(", ", result.References)} ({result.Digest})" +
                (result.ArchivePath is { } archive ? $" written to {archive}" : "") + (result.Push is { } push ? $" pushed: {push}" : ""));
            return !Log.HasLoggedErrors;
        }
        catch (DistrolessException e)
        {
            Log.LogError(null, e.Code, e.Code, ProjectFile, 0, 0, 0, 0, $"{e.Diagnostic.Message} {e.Diagnostic.Fix}");
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (FileSystemErrors.Classify(e, []) is { } classified)
            {
                Log.LogError(null, classified.Code, classified.Code, ProjectFile, 0, 0, 0, 0, $"{classified.Diagnostic.Message} {classified.Diagnostic.Fix}");
                return false;
            }

            Log.LogError(null, DiagnosticCodes.InternalError, DiagnosticCodes.InternalError, ProjectFile, 0, 0, 0, 0, $"unexpected error: {e}");
            return false;
        }
    }
}
