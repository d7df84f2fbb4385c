using Distroless.Registry.Auth;

namespace Distroless.Testing.Registry;

/// <summary>
/// Docker credential helpers without processes: (helper, server URL) → a credential, "not
/// found" (null), or an exception (a helper that fails). Records every call.
/// </summary>
public sealed class FakeCredentialHelperRunner : ICredentialHelperRunner
{
    private readonly Dictionary<(string Helper, string ServerUrl), Func<RegistryCredential?>> _answers = [];
    private readonly List<(string Helper, string ServerUrl)> _calls = [];

    public IReadOnlyList<(string Helper, string ServerUrl)> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public FakeCredentialHelperRunner Returns(string helper, string serverUrl, string username, string secret)
    {
        _answers[(helper, serverUrl)] = () => new RegistryCredential(username, secret, "docker-credential-" + helper);
        return this;
    }

    public FakeCredentialHelperRunner Throws(string helper, string serverUrl, Func<Exception> error)
    {
        _answers[(helper, serverUrl)] = () => throw error();
        return this;
    }

    public Task<RegistryCredential?> GetAsync(string helper, string serverUrl, CancellationToken ct)
    {
        lock (_calls)
        {
            _calls.Add((helper, serverUrl));
        }

        return Task.FromResult(_answers.TryGetValue((helper, serverUrl), out var answer) ? answer() : null);
    }
}
