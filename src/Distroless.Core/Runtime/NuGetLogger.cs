using Microsoft.Extensions.Logging;
using NuGetLogLevel = NuGet.Common.LogLevel;

namespace Distroless.Runtime;

/// <summary>Routes NuGet's own log into Microsoft.Extensions.Logging (its details at Debug).</summary>
internal sealed class NuGetLogger(ILogger logger) : NuGet.Common.LoggerBase
{
    public override void Log(NuGet.Common.ILogMessage message)
    {
        var level = message.Level switch
        {
            NuGetLogLevel.Error => LogLevel.Error,
            NuGetLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.Debug,
        };
        logger.Log(level, "NuGet: {Message}", message.Message);
    }

    public override Task LogAsync(NuGet.Common.ILogMessage message)
    {
        Log(message);
        return Task.CompletedTask;
    }
}
