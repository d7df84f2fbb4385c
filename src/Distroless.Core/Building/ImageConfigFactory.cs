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
    public static ImageConfig Create(ImagePlan plan, Platform platform, BaseImage baseImage, IReadOnlyList<LayerBlob> addedLayers)
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
            Entrypoint = [$"{workingDirectory}/{plan.App.AppHost}"],
            WorkingDir = workingDirectory.Length == 0 ? "/" : workingDirectory,
            Labels = (inherited?.Labels ?? ImmutableSortedDictionary<string, string>.Empty).WithComparers(StringComparer.Ordinal).SetItems(plan.Container.Labels),
            ExposedPorts = (inherited?.ExposedPorts ?? []).Union(plan.Container.Ports).ToImmutableSortedSet(StringComparer.Ordinal),
            DiffIds = inherited?.DiffIds ?? [],
            History = inherited?.History ?? [],
        };

        if (inherited is null)
        {
            foreach (var layer in baseImage.Layers)
            {
                config = config.WithLayer(layer.DiffId, layer.CreatedBy);
            }
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
}
