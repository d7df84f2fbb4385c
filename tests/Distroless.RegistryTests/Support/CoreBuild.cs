using System.Diagnostics;
using System.Text;
using Distroless.Building;
using Distroless.Registry.Auth;
using Microsoft.Extensions.Logging;

namespace Distroless.RegistryTests.Support;

/// <summary>
/// Runs a plan through the core <see cref="Containerizer"/> in the test process, as the MSBuild
/// task would, but with credentials from a dictionary instead of the process environment and a
/// home directory of the test's own (so no login of the machine's user is found). Every image
/// layer comes from <see cref="SharedSample.CacheDirectory"/>, so a build is a push, not a rebuild.
/// </summary>
public static class CoreBuild
{
    public static async Task<BuildResult> RunAsync(ImagePlan plan, string homeDirectory,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var log = new StringLogger();
        var variables = environment ?? new Dictionary<string, string>();
        var credentials = new CredentialStore(name => variables.GetValueOrDefault(name), homeDirectory,
            new ProcessCredentialHelperRunner(), log);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var clock = Stopwatch.StartNew();
        try
        {
            return await new Containerizer(http, log, credentials: credentials).BuildAsync(plan, cancellationToken);
        }
        finally
        {
            TestContext.Out.WriteLine($"core build to {plan.Registry ?? plan.ArchivePath} ({clock.Elapsed.TotalSeconds:F2} s):\n{log}");
        }
    }

    /// <summary>Information and above, as text, in order.</summary>
    private sealed class StringLogger : ILogger
    {
        private readonly StringBuilder _text = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Debug)
            {
                return;
            }

            lock (_text)
            {
                _text.Append("  ").Append(logLevel.ToString()[..4].ToLowerInvariant()).Append(": ").AppendLine(formatter(state, exception));
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }
}
