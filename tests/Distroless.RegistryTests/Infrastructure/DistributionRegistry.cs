using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Distroless.RegistryTests.Infrastructure;

/// <summary>
/// A real CNCF distribution registry (<c>/usr/bin/docker-registry</c>, Debian's docker-registry
/// 2.8) on 127.0.0.1 and a free port, with filesystem storage in its own directory and deletes
/// enabled: open, with htpasswd basic auth, with token auth against a <see cref="TokenIssuer"/> in
/// the test process, and/or with TLS from a <see cref="TestCertificateAuthority"/>. Ready when
/// returned (<c>GET /v2/</c> answered 200 or 401); the process is killed on dispose.
/// </summary>
public sealed class DistributionRegistry : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/docker-registry";
    public const string HtpasswdPath = "/usr/bin/htpasswd";

    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _log = new();
    private readonly TempDirectory? _ownDirectory;
    private Process? _process;

    static DistributionRegistry()
    {
        // A test run that ends without disposing a registry (a crash in a fixture, a cancelled
        // run) must not leave registries behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                try
                {
                    process.Kill();
                }
                catch (InvalidOperationException)
                {
                }
            }
        };
    }

    private DistributionRegistry(RegistryOptions options, string directory, TempDirectory? ownDirectory)
    {
        Options = options;
        Directory = directory;
        _ownDirectory = ownDirectory;
        StorageDirectory = Path.Combine(directory, "storage");
        ConfigPath = Path.Combine(directory, "config.yml");
        System.IO.Directory.CreateDirectory(StorageDirectory);
    }

    public RegistryOptions Options { get; }

    public int Port { get; private set; }

    /// <summary>"127.0.0.1:port": the registry part of an image reference.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>http(s)://127.0.0.1:port/</summary>
    public Uri Uri => new($"{(IsTls ? "https" : "http")}://{Host}/");

    public bool IsTls => Options.Tls;

    /// <summary>Everything of this registry: config.yml, storage/, certificates, htpasswd.</summary>
    public string Directory { get; }

    /// <summary>The filesystem driver's root: blobs under docker/registry/v2/blobs, repositories under docker/registry/v2/repositories.</summary>
    public string StorageDirectory { get; }

    public string ConfigPath { get; }

    /// <summary>The user for basic or token auth; null for an open registry.</summary>
    public string? User => Options.Auth == RegistryAuth.None ? null : Options.User;

    public string? Password => Options.Auth == RegistryAuth.None ? null : Options.Password;

    /// <summary>The token issuer of a token-auth registry (owned: disposed with the registry).</summary>
    public TokenIssuer? TokenIssuer { get; private set; }

    /// <summary>The CA that signed a TLS registry's certificate (owned).</summary>
    public TestCertificateAuthority? CertificateAuthority { get; private set; }

    /// <summary>The test CA's certificate, PEM (TLS only).</summary>
    public string? CaCertificatePath { get; private set; }

    /// <summary>
    /// A directory holding only ca.crt (the test CA): skopeo's --cert-dir / --dest-cert-dir, or
    /// what /etc/containers/certs.d/HOST:PORT/ would hold (TLS only).
    /// </summary>
    public string? CertDirectory { get; private set; }

    /// <summary>The system CA bundle followed by the test CA: SSL_CERT_FILE for child processes (TLS only).</summary>
    public string? CaBundlePath { get; private set; }

    /// <summary>What the registry printed so far (stdout and stderr, interleaved by line).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Whether docker-registry is installed (apt package docker-registry).</summary>
    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>Environment for child processes that talk to this registry: SSL_CERT_FILE for a TLS registry.</summary>
    public IReadOnlyDictionary<string, string> ChildEnvironment => CaBundlePath is null
        ? new Dictionary<string, string>()
        : new Dictionary<string, string> { ["SSL_CERT_FILE"] = CaBundlePath };

    public static Task<DistributionRegistry> StartOpenAsync(string? parentDirectory = null, CancellationToken cancellationToken = default)
        => StartAsync(new RegistryOptions { ParentDirectory = parentDirectory }, cancellationToken);

    public static Task<DistributionRegistry> StartBasicAuthAsync(string user, string password, string? parentDirectory = null,
        CancellationToken cancellationToken = default)
        => StartAsync(new RegistryOptions { Auth = RegistryAuth.Basic, User = user, Password = password, ParentDirectory = parentDirectory },
            cancellationToken);

    public static Task<DistributionRegistry> StartTokenAuthAsync(string user, string password, string? parentDirectory = null,
        CancellationToken cancellationToken = default)
        => StartAsync(new RegistryOptions { Auth = RegistryAuth.Token, User = user, Password = password, ParentDirectory = parentDirectory },
            cancellationToken);

    public static Task<DistributionRegistry> StartTlsAsync(string? parentDirectory = null, CancellationToken cancellationToken = default)
        => StartAsync(new RegistryOptions { Tls = true, ParentDirectory = parentDirectory }, cancellationToken);

    /// <summary>Starts a registry with any combination of auth, TLS and relative URLs.</summary>
    public static async Task<DistributionRegistry> StartAsync(RegistryOptions options, CancellationToken cancellationToken = default)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing: install the apt package docker-registry (build/install-prerequisites does)");
        }

        TempDirectory? own = null;
        var parent = options.ParentDirectory;
        if (parent is null)
        {
            own = new TempDirectory("distroless-registry-");
            parent = own.Path;
        }

        var directory = Path.Combine(parent, "registry-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        var registry = new DistributionRegistry(options, directory, own);
        try
        {
            await registry.PrepareAsync(cancellationToken);
            await registry.StartProcessAsync(cancellationToken);
            return registry;
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    /// <summary>"127.0.0.1:port/repository:tag".</summary>
    public string Reference(string repository, string tag) => $"{Host}/{repository}:{tag}";

    /// <summary>
    /// An HttpClient with <see cref="Uri"/> as its base address that trusts the test CA (and
    /// only it) for a TLS registry. It sends no credentials.
    /// </summary>
    public HttpClient CreateHttpClient()
    {
        HttpMessageHandler handler = CertificateAuthority?.CreateHttpHandler() ?? new SocketsHttpHandler { UseProxy = false };
        return new HttpClient(handler) { BaseAddress = Uri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            Running.TryRemove(_process.Id, out _);
            try
            {
                _process.Kill();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            catch (OperationCanceledException)
            {
            }

            _process.Dispose();
            _process = null;
        }

        if (TokenIssuer is not null)
        {
            await TokenIssuer.DisposeAsync();
        }

        CertificateAuthority?.Dispose();
        _ownDirectory?.Dispose();
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        switch (Options.Auth)
        {
            case RegistryAuth.Basic:
                await File.WriteAllTextAsync(Path.Combine(Directory, "htpasswd"),
                    await HtpasswdLineAsync(Options.User, Options.Password, cancellationToken), cancellationToken);
                break;
            case RegistryAuth.Token:
                TokenIssuer.WriteRootCertBundle(Path.Combine(Directory, "token-signer.pem"));
                TokenIssuer = await TokenIssuer.StartAsync(Options.User, Options.Password, cancellationToken: cancellationToken);
                break;
        }

        if (Options.Tls)
        {
            CertificateAuthority = TestCertificateAuthority.Create();
            var server = CertificateAuthority.IssueServerCertificate("127.0.0.1", "localhost");
            await File.WriteAllTextAsync(Path.Combine(Directory, "server.crt"), server.CertificatePem, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(Directory, "server.key"), server.PrivateKeyPem, cancellationToken);
            CaCertificatePath = CertificateAuthority.WriteCertificate(Path.Combine(Directory, "ca.pem"));
            CertDirectory = Path.Combine(Directory, "certs.d");
            System.IO.Directory.CreateDirectory(CertDirectory);
            CertificateAuthority.WriteCertificate(Path.Combine(CertDirectory, "ca.crt"));
            CaBundlePath = CertificateAuthority.WriteBundleWithSystemCertificates(Path.Combine(Directory, "ca-bundle.crt"));
        }
    }

    private static async Task<string> HtpasswdLineAsync(string user, string password, CancellationToken cancellationToken)
    {
        if (!File.Exists(HtpasswdPath))
        {
            throw new InvalidOperationException(
                $"{HtpasswdPath} is missing: install the apt package apache2-utils (build/install-prerequisites does)");
        }

        // bcrypt (-B), the only hash docker-registry's htpasswd accepts; cost 5 keeps logins fast.
        var result = await ProcessRunner.RunCheckedAsync(HtpasswdPath, ["-Bbn", "-C", "5", user, password],
            timeout: TimeSpan.FromSeconds(30), cancellationToken: cancellationToken);
        return result.Output.Trim() + "\n";
    }

    private string Config(int port)
    {
        static string Q(string value) => JsonSerializer.Serialize(value); // a JSON string is a YAML double-quoted scalar
        var config = new StringBuilder()
            .Append("version: 0.1\n")
            .Append("log:\n")
            .Append($"  level: {Options.LogLevel}\n")
            .Append("  formatter: text\n")
            .Append("storage:\n")
            .Append("  filesystem:\n")
            .Append($"    rootdirectory: {Q(StorageDirectory)}\n")
            .Append("  delete:\n")
            .Append("    enabled: true\n")
            .Append("  maintenance:\n")
            .Append("    uploadpurging:\n")
            .Append("      enabled: false\n")
            .Append("http:\n")
            .Append($"  addr: 127.0.0.1:{port}\n")
            .Append($"  secret: {Q(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)))}\n")
            .Append($"  relativeurls: {(Options.RelativeUrls ? "true" : "false")}\n");
        if (Options.Tls)
        {
            config.Append("  tls:\n")
                .Append($"    certificate: {Q(Path.Combine(Directory, "server.crt"))}\n")
                .Append($"    key: {Q(Path.Combine(Directory, "server.key"))}\n");
        }

        switch (Options.Auth)
        {
            case RegistryAuth.Basic:
                config.Append("auth:\n")
                    .Append("  htpasswd:\n")
                    .Append("    realm: \"distroless-test\"\n")
                    .Append($"    path: {Q(Path.Combine(Directory, "htpasswd"))}\n");
                break;
            case RegistryAuth.Token:
                config.Append("auth:\n")
                    .Append("  token:\n")
                    .Append($"    realm: {Q(TokenIssuer!.Realm.ToString())}\n")
                    .Append($"    service: {Q(TokenIssuer.Service)}\n")
                    .Append($"    issuer: {Q(TokenIssuer.IssuerName)}\n")
                    .Append($"    rootcertbundle: {Q(Path.Combine(Directory, "token-signer.pem"))}\n");
                break;
        }

        return config.ToString();
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            await File.WriteAllTextAsync(ConfigPath, Config(port), cancellationToken);
            Port = port;
            lock (_log)
            {
                _log.Clear();
            }

            var process = Launch();
            _process = process;
            Running[process.Id] = process;
            if (await WaitUntilReadyAsync(process, cancellationToken))
            {
                return;
            }

            // It exited: the port was taken in between (retry), or the configuration is wrong.
            Running.TryRemove(process.Id, out _);
            _process = null;
            process.Dispose();
            if (attempt >= 3 || !Log.Contains("address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"docker-registry exited during start-up:\n{Log}\n--- config.yml\n{Config(port)}");
            }
        }
    }

    private Process Launch()
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            ArgumentList = { "serve", ConfigPath },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        // distribution reads REGISTRY_<SECTION>_<KEY> variables as configuration overrides, so a
        // variable meant for another tool (podman's REGISTRY_AUTH_FILE is "auth.file") would break it.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("REGISTRY_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => AppendLog(e.Data);
        process.ErrorDataReceived += (_, e) => AppendLog(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void AppendLog(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    /// <summary>The User-Agent of the start-up check (GET /v2/ until it answers).</summary>
    public const string ReadinessUserAgent = "distroless-test-readiness";

    /// <summary>True once GET /v2/ answers 200 or 401; false when the process exits first.</summary>
    private async Task<bool> WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        using var client = CreateHttpClient();
        client.Timeout = TimeSpan.FromSeconds(2);
        // Its log line may arrive after start-up returns; tests that read the log tell it apart by this.
        client.DefaultRequestHeaders.UserAgent.ParseAdd(ReadinessUserAgent);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                process.WaitForExit(); // flushes the redirected streams into the log
                return false;
            }

            try
            {
                using var response = await client.GetAsync("v2/", cancellationToken);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A start-up request that hung; ask again.
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"docker-registry did not answer GET /v2/ within {StartTimeout.TotalSeconds} s:\n{Log}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
