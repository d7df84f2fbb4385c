namespace Distroless.Provenance;

/// <summary>
/// Who ran a build, read from the variables CI systems set (GitHub Actions, GitLab CI, Azure
/// Pipelines): the builder's id, the invocation (the run a person can open), and the source
/// revision. Hosts pass their environment in; a build outside CI has none.
/// </summary>
/// <remarks>
/// Only identifiers go in, never a credential: GitLab's CI_REPOSITORY_URL carries a job token,
/// so the project URL is used instead, and every URI loses its user info.
/// </remarks>
public static class CiEnvironment
{
    public static BuildInvocation? Detect(Func<string, string?> environment)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;

        if (Get("GITHUB_ACTIONS") == "true" && Get("GITHUB_SERVER_URL") is { } server && Get("GITHUB_REPOSITORY") is { } repository)
        {
            var run = $"{server}/{repository}/actions/runs/{Get("GITHUB_RUN_ID")}/attempts/{Get("GITHUB_RUN_ATTEMPT") ?? "1"}";
            return new BuildInvocation("github-actions", $"{server}/actions/runner/{Get("RUNNER_ENVIRONMENT") ?? "github-hosted"}", Public(run))
            {
                SourceUri = "git+" + Public($"{server}/{repository}") + (Get("GITHUB_REF") is { } gitRef ? "@" + gitRef : ""),
                SourceRevision = Get("GITHUB_SHA"),
            };
        }

        if (Get("GITLAB_CI") == "true" && Get("CI_SERVER_URL") is { } gitlab && Get("CI_PROJECT_PATH") is { } project)
        {
            return new BuildInvocation("gitlab-ci", Public($"{gitlab}/{project}/-/runners/{Get("CI_RUNNER_ID")}"), Get("CI_JOB_URL") is { } job ? Public(job) : null)
            {
                SourceUri = Get("CI_PROJECT_URL") is { } url ? "git+" + Public(url) + (Get("CI_COMMIT_REF_NAME") is { } name ? "@" + name : "") : null,
                SourceRevision = Get("CI_COMMIT_SHA"),
            };
        }

        if (string.Equals(Get("TF_BUILD"), "true", StringComparison.OrdinalIgnoreCase) && Get("SYSTEM_COLLECTIONURI") is { } collection)
        {
            var teamProject = Uri.EscapeDataString(Get("SYSTEM_TEAMPROJECT") ?? "");
            collection = collection.TrimEnd('/');
            return new BuildInvocation("azure-pipelines", Public($"{collection}/{teamProject}/_build?definitionId={Get("SYSTEM_DEFINITIONID")}", keepQuery: true),
                Public($"{collection}/{teamProject}/_build/results?buildId={Get("BUILD_BUILDID")}", keepQuery: true))
            {
                SourceUri = Get("BUILD_REPOSITORY_URI") is { } url ? "git+" + Public(url) + (Get("BUILD_SOURCEBRANCH") is { } branch ? "@" + branch : "") : null,
                SourceRevision = Get("BUILD_SOURCEVERSION"),
            };
        }

        return null;
    }

    private static string Public(string uri, bool keepQuery = false)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return uri;
        }

        return new UriBuilder(parsed) { UserName = "", Password = "", Query = keepQuery ? parsed.Query.TrimStart('?') : "" }.Uri.AbsoluteUri;
    }
}
