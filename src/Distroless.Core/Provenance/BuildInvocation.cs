namespace Distroless.Provenance;

/// <summary>
/// The CI run a build happened in (see <see cref="CiEnvironment"/>): the provenance's builder
/// id and invocation id, and the source it built. Part of the plan, so a replayed plan states
/// the run that made it.
/// </summary>
/// <param name="System">github-actions, gitlab-ci or azure-pipelines.</param>
/// <param name="BuilderId">The build platform, e.g. https://github.com/actions/runner/github-hosted.</param>
/// <param name="InvocationId">The run, as a URL a person can open.</param>
public sealed record BuildInvocation(string System, string BuilderId, string? InvocationId)
{
    /// <summary>The repository, as an SPDX-style VCS locator (git+https://host/repo@ref).</summary>
    public string? SourceUri { get; init; }

    /// <summary>The commit built.</summary>
    public string? SourceRevision { get; init; }
}
