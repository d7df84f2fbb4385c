using Distroless.Building;
using Microsoft.Build.Framework;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// `dotnet msbuild -t:DistrolessRebase`: the published image gets a freshly built base (current
/// Debian packages, or the lock's), its app layers unchanged. Takes the same inputs as the
/// publish's task, and <see cref="ProjectPlanMapper.MapRebase"/> derives name, tags, archive,
/// suite and lock from them as the publish does, so the two cannot disagree.
/// </summary>
public sealed class RebaseDistrolessImage : DistrolessTask
{
    [Output]
    public string? ImageDigest { get; private set; }

    protected override async Task<bool> ExecuteAsync(ProjectInputs inputs, CancellationToken ct)
    {
        var plan = ProjectPlanMapper.MapRebase(inputs, Environment.GetEnvironmentVariable);
        using var http = CreateHttpClient();
        var result = await CreateContainerizer(http).RebaseAsync(plan, ct).ConfigureAwait(false);
        ImageDigest = result.Digest.ToString();
        Log.LogMessage(MessageImportance.High, $"  rebased {plan.Source} -> {string.Join(", ", result.References)} ({result.Digest})" +
            (result.ArchivePath is { } archive ? $" written to {archive}" : "") + (result.Push is { } push ? $" pushed: {push}" : ""));
        return true;
    }
}
