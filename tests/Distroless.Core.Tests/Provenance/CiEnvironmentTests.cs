using Distroless.Provenance;

namespace Distroless.Core.Tests.Provenance;

/// <summary>The provenance's builder and invocation, read from the variables each CI system sets; never a credential.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class CiEnvironmentTests
{
    private static BuildInvocation? Detect(params (string Name, string Value)[] variables)
        => CiEnvironment.Detect(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Test]
    public void Outside_CI_there_is_no_invocation()
        => Assert.That(Detect(("CI", "true"), ("HOME", "/root")), Is.Null);

    [Test]
    public void GitHub_Actions_names_the_runner_the_run_attempt_and_the_commit()
    {
        var invocation = Detect(("GITHUB_ACTIONS", "true"), ("GITHUB_SERVER_URL", "https://github.com"), ("GITHUB_REPOSITORY", "octo/shop"),
            ("GITHUB_RUN_ID", "4242"), ("GITHUB_RUN_ATTEMPT", "2"), ("RUNNER_ENVIRONMENT", "github-hosted"),
            ("GITHUB_REF", "refs/heads/main"), ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"), ("GITHUB_TOKEN", "ghs_secret"));

        Assert.That(invocation, Is.EqualTo(new BuildInvocation("github-actions", "https://github.com/actions/runner/github-hosted",
            "https://github.com/octo/shop/actions/runs/4242/attempts/2")
        {
            SourceUri = "git+https://github.com/octo/shop@refs/heads/main",
            SourceRevision = "0123456789abcdef0123456789abcdef01234567",
        }));
    }

    [Test]
    public void GitLab_CI_names_the_runner_and_the_job_but_not_the_repository_URL_with_its_job_token()
    {
        var invocation = Detect(("GITLAB_CI", "true"), ("CI_SERVER_URL", "https://gitlab.test"), ("CI_PROJECT_PATH", "team/shop"),
            ("CI_RUNNER_ID", "7"), ("CI_JOB_URL", "https://gitlab.test/team/shop/-/jobs/99"), ("CI_PROJECT_URL", "https://gitlab.test/team/shop"),
            ("CI_REPOSITORY_URL", "https://gitlab-ci-token:glcbt-secret@gitlab.test/team/shop.git"), ("CI_COMMIT_REF_NAME", "main"),
            ("CI_COMMIT_SHA", "89abcdef0123456789abcdef0123456789abcdef"));

        Assert.Multiple(() =>
        {
            Assert.That(invocation!.BuilderId, Is.EqualTo("https://gitlab.test/team/shop/-/runners/7"));
            Assert.That(invocation.InvocationId, Is.EqualTo("https://gitlab.test/team/shop/-/jobs/99"));
            Assert.That(invocation.SourceUri, Is.EqualTo("git+https://gitlab.test/team/shop@main"));
            Assert.That(invocation.ToString(), Does.Not.Contain("secret"));
        });
    }

    [Test]
    public void Azure_Pipelines_names_the_definition_and_the_build_and_drops_user_info()
    {
        var invocation = Detect(("TF_BUILD", "True"), ("SYSTEM_COLLECTIONURI", "https://dev.azure.test/org/"), ("SYSTEM_TEAMPROJECT", "Shop Team"),
            ("SYSTEM_DEFINITIONID", "12"), ("BUILD_BUILDID", "345"), ("BUILD_REPOSITORY_URI", "https://user:pat@dev.azure.test/org/shop/_git/shop"),
            ("BUILD_SOURCEBRANCH", "refs/heads/main"), ("BUILD_SOURCEVERSION", "fedcba9876543210fedcba9876543210fedcba98"));

        Assert.Multiple(() =>
        {
            Assert.That(invocation!.BuilderId, Is.EqualTo("https://dev.azure.test/org/Shop%20Team/_build?definitionId=12"));
            Assert.That(invocation.InvocationId, Is.EqualTo("https://dev.azure.test/org/Shop%20Team/_build/results?buildId=345"));
            Assert.That(invocation.SourceUri, Is.EqualTo("git+https://dev.azure.test/org/shop/_git/shop@refs/heads/main"));
            Assert.That(invocation.SourceRevision, Is.EqualTo("fedcba9876543210fedcba9876543210fedcba98"));
        });
    }
}
