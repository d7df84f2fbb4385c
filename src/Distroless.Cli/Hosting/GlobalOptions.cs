using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Distroless.Cli;

/// <summary>The options every command takes (placed before or after the command name).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Cache { get; } = new("--cache")
    {
        Description = "The cache of downloads and built layers [default: DISTROLESS_CACHE, else $XDG_CACHE_HOME/distroless, else ~/.cache/distroless].",
        HelpName = "dir",
        Recursive = true,
    };

    public Option<string?> Mirror { get; } = new("--mirror")
    {
        Description = "Debian archive root holding dists/ and pool/ [default: DISTROLESS_DEBIAN_MIRROR, else the apt sources].",
        HelpName = "uri",
        Recursive = true,
    };

    public Option<string?> SecurityMirror { get; } = new("--security-mirror")
    {
        Description = "Debian security archive root [default: DISTROLESS_DEBIAN_SECURITY_MIRROR, else the apt sources].",
        HelpName = "uri",
        Recursive = true,
    };

    public Option<string[]> InsecureRegistry { get; } = new("--insecure-registry")
    {
        Description = "A registry (host[:port]) allowed over plain HTTP or unverified TLS; repeatable (also DOTNET_CONTAINER_INSECURE_REGISTRIES).",
        HelpName = "host",
        Recursive = true,
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<string> Verbosity { get; } = new("--verbosity", "-v")
    {
        Description = "How much to log: quiet (warnings and errors), normal (phases), detailed (every layer and package).",
        Recursive = true,
        DefaultValueFactory = _ => "normal",
    };

    public Option<bool> NoProgress { get; } = new("--no-progress")
    {
        Description = "Do not show download progress.",
        Recursive = true,
    };

    public GlobalOptions()
    {
        Verbosity.AcceptOnlyFromAmong("quiet", "normal", "detailed");
    }

    public IEnumerable<Option> All => [Cache, Mirror, SecurityMirror, InsecureRegistry, Verbosity, NoProgress];

    public LogLevel Level(ParseResult result) => result.GetValue(Verbosity) switch
    {
        "quiet" => LogLevel.Warning,
        "detailed" => LogLevel.Debug,
        _ => LogLevel.Information,
    };
}
