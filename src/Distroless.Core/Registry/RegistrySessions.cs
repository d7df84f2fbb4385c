using Distroless.Registry.Auth;
using Microsoft.Extensions.Logging;

namespace Distroless.Registry;

/// <summary>
/// The registry transports of one build, one per host and direction (pull credentials and
/// push credentials may differ), created on first use and disposed together.
/// </summary>
public sealed class RegistrySessions(RegistryOptions options, CredentialStore credentials, ILogger logger) : IDisposable
{
    private readonly Dictionary<(string Host, bool Push), RegistryTransport> _transports = [];

    public RegistryTransport Get(string host, bool push)
    {
        lock (_transports)
        {
            if (!_transports.TryGetValue((host, push), out var transport))
            {
                _transports[(host, push)] = transport = new RegistryTransport(host, options, credentials, push, logger);
            }

            return transport;
        }
    }

    public void Dispose()
    {
        lock (_transports)
        {
            foreach (var transport in _transports.Values)
            {
                transport.Dispose();
            }

            _transports.Clear();
        }
    }
}
