using System.Net;
using System.Text.Json;
using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>
/// The ASP.NET Core sample, framework-dependent: the image serves HTTP on 8080 as uid 65532
/// (reached through podman's port mapping), with the ASP.NET Core shared framework in a layer
/// of its own; and the .NET runtime layer is the very layer a console app on the same runtime
/// gets, so two apps share it by digest.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class WebAppTests
{
    private ImageArchive _web = null!;
    private ImageArchive _console = null!;
    private string? _loaded;
    private string? _container;
    private int _port;

    [OneTimeSetUp]
    public async Task PublishBothAndStartTheWebAppAsync()
    {
        (_web, var webArchive) = await SampleImages.PublishAsync(SampleProject.Create("web", "HelloWeb"), "web", "-r", "linux-x64");
        (_console, _) = await SampleImages.PublishAsync(SampleProject.Create("console"), "console", "-r", "linux-x64");

        _port = FreePort.Next();
        _loaded = await Podman.LoadAsync(webArchive);
        var run = await Podman.RunCheckedAsync("run", "-d", "-p", $"127.0.0.1:{_port}:8080", _loaded);
        _container = run.Output.Trim();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_container is not null)
        {
            await Podman.RunAsync("rm", "--force", _container);
        }

        if (_loaded is not null)
        {
            await Podman.RemoveImageAsync(_loaded);
        }
    }

    [Test]
    public async Task The_app_answers_on_8080_as_nonroot_and_serves_its_static_files()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var root = await GetWhenUpAsync(http, $"http://127.0.0.1:{_port}/");
        var body = JsonDocument.Parse(root).RootElement;
        var index = await http.GetAsync($"http://127.0.0.1:{_port}/index.html");

        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("hello").GetString(), Is.EqualTo("Hello from a distroless ASP.NET Core image!"));
            Assert.That(body.GetProperty("uid").GetString(), Is.EqualTo("65532"));
            Assert.That(body.GetProperty("framework").GetString(), Does.StartWith(".NET 10."));
            Assert.That(index.StatusCode, Is.EqualTo(HttpStatusCode.OK), "wwwroot/index.html");
        });
    }

    [Test]
    public void The_config_exposes_8080_and_tells_Kestrel_to_listen_there()
    {
        var config = _web.Config.GetProperty("config");
        Assert.Multiple(() =>
        {
            Assert.That(config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "8080/tcp" }));
            Assert.That(ImageFacts.Environment(_web), Does.Contain("ASPNETCORE_HTTP_PORTS=8080"));
            Assert.That(config.GetProperty("User").GetString(), Is.EqualTo("65532"));
        });
    }

    [Test]
    public void The_runtime_layer_is_shared_with_a_console_app_and_ASP_NET_Core_has_its_own()
    {
        var webRuntime = ImageFacts.LayerCreatedBy(_web, "distroless: .NET runtime Microsoft.NETCore.App ");
        var consoleRuntime = ImageFacts.LayerCreatedBy(_console, "distroless: .NET runtime Microsoft.NETCore.App ");
        var aspNetCore = ImageFacts.LayerCreatedBy(_web, "distroless: .NET runtime Microsoft.AspNetCore.App ");
        var aspNetFiles = _web.LayerEntries(aspNetCore).Select(e => e.Path).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(webRuntime, Is.EqualTo(consoleRuntime), "the same runtime, the same layer digest");
            Assert.That(_web.LayerDigests.Take(_console.LayerDigests.Count - 3), Is.EqualTo(_console.LayerDigests.Take(_console.LayerDigests.Count - 3)),
                "and the same base layers");
            Assert.That(aspNetFiles, Has.Some.Matches<string>(p => p.StartsWith("usr/share/dotnet/shared/Microsoft.AspNetCore.App/", StringComparison.Ordinal)
                && p.EndsWith("/Microsoft.AspNetCore.dll", StringComparison.Ordinal)));
            Assert.That(_console.History, Has.None.Contains("Microsoft.AspNetCore.App"));
        });
    }

    [Test]
    public void Static_web_assets_have_a_layer_of_their_own()
    {
        var assets = _web.LayerEntries(ImageFacts.LayerCreatedBy(_web, "distroless: static web assets")).Select(e => e.Path).ToList();
        var app = _web.LayerEntries(_web.LayerDigests[^1]).Select(e => e.Path).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(assets, Does.Contain("app/wwwroot/index.html"));
            Assert.That(app, Has.None.StartsWith("app/wwwroot/"));
            Assert.That(app, Does.Contain("app/HelloWeb.dll"));
        });
    }

    private static async Task<string> GetWhenUpAsync(HttpClient http, string url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var response = await http.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadAsStringAsync();
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Kestrel is still starting.
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"{url} did not answer 200 within 60 s");
            }

            await Task.Delay(250);
        }
    }
}
