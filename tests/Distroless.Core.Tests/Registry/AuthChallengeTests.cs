using System.Net;
using System.Net.Http.Headers;
using Distroless.Registry.Auth;

namespace Distroless.Core.Tests.Registry;

/// <summary>WWW-Authenticate challenges as registries write them (the Docker token authentication spec).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class AuthChallengeTests
{
    private static IEnumerable<TestCaseData> Parameters()
    {
        static TestCaseData Case(string summary, string text, params string[] pairs)
        {
            var expected = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < pairs.Length; i += 2)
            {
                expected[pairs[i]] = pairs[i + 1];
            }

            return new TestCaseData(text, expected).SetName(summary);
        }

        yield return Case("Docker Hub's challenge",
            "realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/ubuntu:pull\"",
            "realm", "https://auth.docker.io/token", "service", "registry.docker.io", "scope", "repository:library/ubuntu:pull");
        yield return Case("a comma inside quotes belongs to the value",
            "realm=\"https://registry.example/token\",scope=\"repository:org/app:pull,push\",service=\"registry.example\"",
            "realm", "https://registry.example/token", "scope", "repository:org/app:pull,push", "service", "registry.example");
        yield return Case("an escaped quote inside quotes",
            "realm=\"https://a.test/token?note=\\\"x\\\"\",service=\"a\"",
            "realm", "https://a.test/token?note=\"x\"", "service", "a");
        yield return Case("an escaped backslash inside quotes",
            "realm=\"C:\\\\path\"", "realm", "C:\\path");
        yield return Case("unquoted values, trimmed",
            "realm=https://a.test/token , service=a.test",
            "realm", "https://a.test/token", "service", "a.test");
        yield return Case("several scopes in one parameter, space-separated",
            "realm=\"https://a.test/token\",scope=\"repository:a:pull repository:b:pull,push\"",
            "realm", "https://a.test/token", "scope", "repository:a:pull repository:b:pull,push");
        yield return Case("spaces after commas and an error parameter",
            "realm=\"https://a.test/token\", service=\"a.test\", error=\"insufficient_scope\"",
            "realm", "https://a.test/token", "service", "a.test", "error", "insufficient_scope");
        yield return Case("an empty quoted value",
            "realm=\"https://a.test/token\",service=\"\"", "realm", "https://a.test/token", "service", "");
        yield return Case("Basic's realm alone", "realm=\"Registry Realm\"", "realm", "Registry Realm");
        yield return Case("nothing", "");
        yield return Case("a lone token without '=' is ignored", "garbage");
        yield return Case("an unterminated quote takes the rest", "realm=\"https://a.test/token", "realm", "https://a.test/token");
    }

    [TestCaseSource(nameof(Parameters))]
    public void Parses_parameters(string text, Dictionary<string, string> expected)
        => Assert.That(AuthChallenge.ParseParameters(text), Is.EquivalentTo(expected));

    [Test]
    public void Parameter_names_are_case_insensitive()
    {
        var challenge = AuthChallenge.Parse(AuthenticationHeaderValue.Parse("bearer Realm=\"https://a.test/token\",SERVICE=\"a\",Scope=\"repository:x:pull\""));

        Assert.Multiple(() =>
        {
            Assert.That(challenge.IsBearer, Is.True);
            Assert.That(challenge.IsBasic, Is.False);
            Assert.That(challenge.Realm, Is.EqualTo("https://a.test/token"));
            Assert.That(challenge.Service, Is.EqualTo("a"));
            Assert.That(challenge.Scope, Is.EqualTo("repository:x:pull"));
        });
    }

    [Test]
    public void From_prefers_a_Bearer_challenge_over_Basic()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Basic", "realm=\"r\""));
        response.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Bearer", "realm=\"https://a.test/token\",service=\"a\""));

        var challenge = AuthChallenge.From(response)!;

        Assert.That(challenge.IsBearer, Is.True);
        Assert.That(challenge.Realm, Is.EqualTo("https://a.test/token"));
    }

    [Test]
    public void From_takes_Basic_when_it_is_the_only_one()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Basic", "realm=\"Registry\""));

        Assert.That(AuthChallenge.From(response), Is.Not.Null.And.Property(nameof(AuthChallenge.IsBasic)).True);
    }

    [Test]
    public void From_is_null_without_a_challenge()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);

        Assert.That(AuthChallenge.From(response), Is.Null);
    }
}
