using System.Collections.Immutable;
using Distroless.Base;
using Distroless.Layers;
using Distroless.Oci;
using Distroless.Runtime;

namespace Distroless.Building;

/// <summary>
/// The image config: the base's (a registry base brings env, labels, ports and history; the
/// generated base its PATH and SSL_CERT_FILE), then the app's entrypoint, user, working
/// directory and environment, then one history entry per added layer.
/// </summary>
public static class ImageConfigFactory
{
    /// <summary>The ASP.NET Core port, as in Microsoft's images: non-root apps cannot bind 80.</summary>
    public const string WebPort = "8080";

    public static ImageConfig Create(ImagePlan plan, Platform platform, BaseImage baseImage, IReadOnlyList<LayerBlob> addedLayers,
        bool isWebApp = false)
    {
        var created = DateTimeOffset.FromUnixTimeSeconds(plan.SourceDateEpoch);
        var workingDirectory = plan.Container.WorkingDirectory.TrimEnd('/');
        var inherited = baseImage.Config;
        var config = new ImageConfig
        {
            Platform = platform,
            Created = created,
            User = plan.Container.User,
            Env = inherited?.Env ?? DistrolessBase.Environment,
            Entrypoint = inherited?.Entrypoint ?? [],
            Cmd = inherited?.Cmd ?? [],
            WorkingDir = workingDirectory.Length == 0 ? "/" : workingDirectory,
            Labels = (inherited?.Labels ?? ImmutableSortedDictionary<string, string>.Empty).WithComparers(StringComparer.Ordinal).SetItems(plan.Container.Labels),
            ExposedPorts = (inherited?.ExposedPorts ?? []).Union(plan.Container.Ports.Select(p => p.ToString())).ToImmutableSortedSet(StringComparer.Ordinal),
            DiffIds = inherited?.DiffIds ?? [],
            History = inherited?.History ?? [],
        };

        config = WithStartCommand(config, plan, workingDirectory);
        if (inherited is null)
        {
            foreach (var layer in baseImage.Layers)
            {
                config = config.WithLayer(layer.DiffId, layer.CreatedBy);
            }
        }

        if (plan.Base.Debug)
        {
            var path = config.Env.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? "/usr/bin:/bin";
            config = config.WithEnvironment("PATH", $"{path}:/{BusyboxShell.Directory}");
        }

        config = config.WithEnvironment("DOTNET_RUNNING_IN_CONTAINER", "true");
        if (!plan.App.SelfContained)
        {
            config = config.WithEnvironment("DOTNET_ROOT", DotnetRootLayer.Root);
        }

        if (plan.Base.InvariantGlobalization)
        {
            config = config.WithEnvironment("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "true");
        }

        // A web app listens on 8080 unless the project chose its own endpoints.
        string[] endpointVariables = ["ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "ASPNETCORE_URLS"];
        if (isWebApp && !plan.Container.Environment.Any(v => endpointVariables.Contains(v.Name)))
        {
            config = config.WithEnvironment("ASPNETCORE_HTTP_PORTS", WebPort) with
            {
                ExposedPorts = config.ExposedPorts.Add(WebPort + "/tcp"),
            };
        }

        foreach (var variable in plan.Container.Environment)
        {
            config = config.WithEnvironment(variable.Name, variable.Value);
        }

        foreach (var layer in addedLayers)
        {
            config = config.WithLayer(layer.DiffId, layer.CreatedBy);
        }

        return config;
    }

    /// <summary>
    /// The .NET SDK's rules: the app command (the apphost by default) plus its fixed arguments
    /// becomes the Entrypoint, and ContainerDefaultArgs the Cmd; with DefaultArgs the app
    /// command goes into Cmd and the base's Entrypoint stays; with None neither is set.
    /// </summary>
    private static ImageConfig WithStartCommand(ImageConfig config, ImagePlan plan, string workingDirectory)
    {
        var settings = plan.Container;
        ImmutableArray<string> command = settings.AppCommand.IsDefaultOrEmpty
            ? [$"{workingDirectory}/{plan.App.AppHost}"]
            : settings.AppCommand;
        command = command.AddRange(settings.AppCommandArgs);
        return settings.AppCommandInstruction switch
        {
            AppCommandInstruction.DefaultArgs => config with { Cmd = command.AddRange(settings.DefaultArgs) },
            AppCommandInstruction.None => config with { Entrypoint = [], Cmd = settings.DefaultArgs },
            _ => config with { Entrypoint = command, Cmd = settings.DefaultArgs },
        };
    }
}
