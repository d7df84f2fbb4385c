using Distroless.Debian;
using Distroless.Registry.Auth;

namespace Distroless.Cli;

/// <summary>
/// What the command runs against: its output streams, environment and home directory, and the
/// network and trust seams. The real process uses <see cref="FromProcess"/>; tests pass their own
/// writers, variables and fakes, so commands run in-process, in parallel, without a network.
/// </summary>
public sealed record CliHost
{
    /// <summary>Results: summaries, inspect output, cache info.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Log lines, progress and errors.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Whether <see cref="Error"/> is a terminal: progress is then one line updated in place.</summary>
    public bool ErrorIsTerminal { get; init; }

    public required Func<string, string?> Environment { get; init; }

    public required string HomeDirectory { get; init; }

    /// <summary>Where apt sources are looked up when no mirror is given.</summary>
    public string AptDirectory { get; init; } = "/etc/apt";

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The HTTP handler for the Debian archive; a socket handler when null.</summary>
    public HttpMessageHandler? ArchiveHandler { get; init; }

    /// <summary>Replaces the registry HTTP handler (tests); the core's own when null.</summary>
    public Func<HttpMessageHandler>? RegistryHandler { get; init; }

    /// <summary>Trusted Debian archive keys; the keys the core ships when null.</summary>
    public DebianKeyring? Keyring { get; init; }

    /// <summary>Runs docker credential helpers; real processes when null.</summary>
    public ICredentialHelperRunner? CredentialHelpers { get; init; }

    /// <summary>Whether Ctrl+C cancels the running command (the real process only; tests share one process).</summary>
    public bool HandlesInterrupt { get; init; }

    public static CliHost FromProcess() => new()
    {
        HandlesInterrupt = true,
        Out = Console.Out,
        Error = Console.Error,
        ErrorIsTerminal = !Console.IsErrorRedirected && System.Environment.GetEnvironmentVariable("TERM") is not "dumb",
        Environment = System.Environment.GetEnvironmentVariable,
        HomeDirectory = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile),
    };
}
