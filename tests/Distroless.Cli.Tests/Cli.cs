using Distroless.Core.Tests.TestSupport;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Distroless.Cli.Tests;

/// <summary>What a run of the command printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the distroless command in-process: output captured, environment from a dictionary (never
/// the test process's), home in a temporary directory (no real registry credentials), and, when
/// given, the fake Debian archive and the in-memory registry in place of the network.
/// </summary>
internal sealed record Cli
{
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public required string Home { get; init; }

    public FakeBookworm? Archive { get; init; }

    public InMemoryRegistry? Registry { get; init; }

    /// <summary>Where apt sources are read; by default a directory that does not exist (no machine mirrors leak in).</summary>
    public string? AptDirectory { get; init; }

    /// <summary>The Debian archive's HTTP handler when there is no <see cref="Archive"/>.</summary>
    public HttpMessageHandler? ArchiveHandler { get; init; }

    /// <summary>A command line whose home and cache (DISTROLESS_CACHE) are in <paramref name="temp"/>.</summary>
    public static Cli In(TempDirectory temp, FakeBookworm? archive = null, InMemoryRegistry? registry = null)
    {
        var cli = new Cli { Home = temp.Combine("home"), Archive = archive, Registry = registry };
        cli.Environment["DISTROLESS_CACHE"] = temp.Combine("cache");
        return cli;
    }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var host = new CliHost
        {
            Out = output,
            Error = error,
            Environment = name => Environment.GetValueOrDefault(name),
            HomeDirectory = Home,
            AptDirectory = AptDirectory ?? Path.Combine(Home, "no-apt"),
            ArchiveHandler = Archive?.Handler ?? ArchiveHandler,
            Keyring = Archive is null ? null : FakeBookworm.Keyring(),
            Time = Archive is null ? TimeProvider.System : new FakeTimeProvider(FakeBookworm.Now),
            RegistryHandler = Registry is null ? null : () => new NonDisposing(Registry),
        };
        var code = await DistrolessCommand.RunAsync(args, host);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The registry outlives the transports that are disposed with each command.</summary>
    private sealed class NonDisposing(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
