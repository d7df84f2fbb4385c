using System.CommandLine;
using Distroless.Building;
using Distroless.Cli.Output;
using Distroless.Diagnostics;
using Distroless.Registry.Auth;
using Microsoft.Extensions.Logging;

namespace Distroless.Cli;

/// <summary>
/// Everything one command invocation uses: the settings resolved from the global options and
/// the environment (through <see cref="HostDefaults"/>, as the MSBuild task resolves them), the
/// logger, the progress line (fed by the Debian archive's HTTP client and the core's registry
/// transfer reports), the Debian archive's HTTP client and the registry credentials.
/// </summary>
internal sealed class CommandSession : IDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly ProgressDisplay? _progress;
    private readonly GlobalOptions _options;
    private readonly ParseResult _result;
    private readonly Lazy<HttpClient> _http;
    private readonly RegistryProgress? _registryProgress;

    public CommandSession(CliHost host, GlobalOptions options, ParseResult result)
    {
        Host = host;
        _options = options;
        _result = result;
        Sink = new ConsoleSink(host.Error, host.ErrorIsTerminal);
        Level = options.Level(result);
        _loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(Level).AddProvider(new CliLoggerProvider(Sink)));
        Logger = _loggers.CreateLogger("distroless");
        var meter = new TransferMeter();
        if (!result.GetValue(options.NoProgress) && Level <= LogLevel.Information)
        {
            var uploads = new TransferMeter();
            _progress = new ProgressDisplay(Sink, meter, uploads);
            _registryProgress = new RegistryProgress(meter, uploads);
        }

        _http = new Lazy<HttpClient>(() => new HttpClient(
            new MeteredHandler(host.ArchiveHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
                meter, ownsInner: host.ArchiveHandler is null))
        {
            Timeout = TimeSpan.FromMinutes(5),
        });
    }

    public CliHost Host { get; }

    public ConsoleSink Sink { get; }

    public LogLevel Level { get; }

    public ILogger Logger { get; }

    /// <summary>Where results go (standard output). The progress line is put away first: on a terminal both streams share the screen.</summary>
    public TextWriter Out
    {
        get
        {
            _progress?.Dispose();
            return Host.Out;
        }
    }

    /// <summary>--cache, else DISTROLESS_CACHE, $XDG_CACHE_HOME/distroless or ~/.cache/distroless.</summary>
    public string CacheDirectory => ExplicitCacheDirectory ?? HostDefaults.CacheDirectory(Host.Environment);

    /// <summary>--cache when given (it then overrides a plan's cache).</summary>
    public string? ExplicitCacheDirectory => _result.GetValue(_options.Cache) is { Length: > 0 } cache ? Path.GetFullPath(cache) : null;

    public string? ExplicitMirror => _result.GetValue(_options.Mirror);

    public string? ExplicitSecurityMirror => _result.GetValue(_options.SecurityMirror);

    /// <summary>The archive roots: --mirror/--security-mirror, else the environment, else the apt sources (empty when none: the plan's validator says DSTL1001).</summary>
    public (string Mirror, string SecurityMirror) Mirrors(string suite)
        => HostDefaults.ResolveMirrors(ExplicitMirror, ExplicitSecurityMirror, suite, Host.Environment, Host.AptDirectory);

    public RegistrySettings RegistrySettings(RegistrySettings? basis = null) => (basis ?? new RegistrySettings()) with
    {
        InsecureRegistries = HostDefaults.InsecureRegistries(
            string.Join(';', [.. basis?.InsecureRegistries ?? [], .. _result.GetValue(_options.InsecureRegistry) ?? []]), Host.Environment),
    };

    public long SourceDateEpoch => HostDefaults.SourceDateEpoch(Host.Environment("SOURCE_DATE_EPOCH"));

    public Containerizer Containerizer() => new(_http.Value, Logger, Host.Time, Host.Keyring, Credentials(), Host.RegistryHandler, _registryProgress,
        () => Host.Environment(Signing.SigningKeyReader.PasswordVariable));

    public CredentialStore Credentials()
        => new(Host.Environment, Host.HomeDirectory, Host.CredentialHelpers ?? new ProcessCredentialHelperRunner(), Logger);

    public TimeSpan Elapsed => _progress?.Elapsed ?? TimeSpan.Zero;

    public void Report(Diagnostic diagnostic)
    {
        _progress?.Dispose();
        Sink.WriteLine($"error {diagnostic.Code}: {CliSettings.Style.Render(diagnostic)}");
    }

    public void ReportInternal(Exception e)
    {
        _progress?.Dispose();
        var detail = Level <= LogLevel.Debug ? e.ToString() : $"{e.GetType().Name}: {e.Message}";
        Sink.WriteLine($"error {DiagnosticCodes.InternalError}: unexpected error: {detail} " +
            (Level <= LogLevel.Debug ? "Please report this as a bug." : "Please report this as a bug, with the output of -v detailed."));
    }

    public void Dispose()
    {
        _progress?.Dispose();
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }

        _loggers.Dispose();
    }
}
