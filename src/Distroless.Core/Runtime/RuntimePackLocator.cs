using Distroless.Diagnostics;
using Microsoft.Extensions.Logging;
using NuGet.Configuration;
using NuGet.Packaging;
using NuGet.Packaging.Core;
using NuGet.Packaging.Signing;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;

namespace Distroless.Runtime;

/// <summary>
/// Finds a runtime pack the way restore would: in the NuGet global packages folder, else
/// downloaded from the project's own NuGet sources (its NuGet.Config chain, credentials
/// included) and installed into that folder by NuGet's extractor, which verifies package
/// signatures by the same client policy as restore. With the pack installed, nothing is
/// fetched.
/// </summary>
public sealed class RuntimePackLocator
{
    private readonly ISettings _settings;
    private readonly string _packagesFolder;
    private readonly ILogger _logger;

    /// <param name="settingsRoot">The project directory: NuGet.Config files are found from here up.</param>
    /// <param name="packagesFolder">The global packages folder; null for the one NuGet.Config names.</param>
    /// <param name="logger">For NuGet's progress and warnings.</param>
    public RuntimePackLocator(string settingsRoot, string? packagesFolder, ILogger logger)
    {
        _settings = Settings.LoadDefaultSettings(settingsRoot);
        _packagesFolder = string.IsNullOrWhiteSpace(packagesFolder) ? SettingsUtility.GetGlobalPackagesFolder(_settings) : packagesFolder;
        _logger = logger;
    }

    /// <summary>The directory of the installed pack (its root, holding runtimes/&lt;rid&gt;/…).</summary>
    public async Task<string> LocateAsync(string id, string version, CancellationToken ct = default)
    {
        var identity = new PackageIdentity(id, NuGetVersion.Parse(version));
        var paths = new VersionFolderPathResolver(_packagesFolder);
        var installed = paths.GetInstallPath(identity.Id, identity.Version);
        // NuGet writes .nupkg.metadata last, so its presence means a complete install.
        if (File.Exists(paths.GetNupkgMetadataPath(identity.Id, identity.Version)))
        {
            return installed;
        }

        var nugetLogger = new NuGetLogger(_logger);
        var sources = new PackageSourceProvider(_settings).LoadPackageSources().Where(s => s.IsEnabled).ToList();
        using var cacheContext = new SourceCacheContext();
        var failures = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                var repository = Repository.Factory.GetCoreV3(source);
                var finder = await repository.GetResourceAsync<FindPackageByIdResource>(ct).ConfigureAwait(false);
                using var downloader = finder is null ? null : await finder.GetPackageDownloaderAsync(identity, cacheContext, nugetLogger, ct).ConfigureAwait(false);
                if (downloader is null)
                {
                    failures.Add($"{source.Source}: not found");
                    continue;
                }

                var extraction = new PackageExtractionContext(PackageSaveMode.Defaultv3, XmlDocFileSaveMode.None,
                    ClientPolicyContext.GetClientPolicy(_settings, nugetLogger), nugetLogger);
                _logger.LogInformation("Downloading {Id} {Version} from {Source}", id, version, source.Source);
                await PackageExtractor.InstallFromSourceAsync(identity, downloader, paths, extraction, ct).ConfigureAwait(false);
                return installed;
            }
            catch (Exception e) when (e is FatalProtocolException or HttpRequestException or IOException or SignatureException)
            {
                failures.Add($"{source.Source}: {e.Message}");
            }
        }

        throw Errors.RuntimePackUnavailable(id, version, failures.Count == 0 ? "no NuGet source is configured" : string.Join("; ", failures));
    }
}
