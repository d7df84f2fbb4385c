using System.Net;
using System.Net.Sockets;
using System.Text;
using Distroless.Building;

namespace Distroless.IntegrationTests;

/// <summary>
/// A loopback HTTP server that serves the real archive's InRelease files with one character of
/// the signed text changed, as a compromised mirror would. The real mirror comes from the
/// environment or apt sources, like the product's own default.
/// </summary>
public sealed class TamperingMirror : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _http = new();
    private readonly string _main;
    private readonly string _security;

    private TamperingMirror(int port, string main, string security)
    {
        Uri = $"http://127.0.0.1:{port}/";
        _main = main.TrimEnd('/') + "/";
        _security = security.TrimEnd('/') + "/";
        _listener.Prefixes.Add(Uri);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Uri { get; }

    public static Task<TamperingMirror> StartAsync()
    {
        var (main, security) = HostDefaults.ResolveMirrors(null, null, "bookworm", Environment.GetEnvironmentVariable);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return Task.FromResult(new TamperingMirror(port, main, security));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath.TrimStart('/');
            var upstream = (path.Contains("-security/", StringComparison.Ordinal) ? _security : _main) + path;
            byte[] body;
            try
            {
                body = await _http.GetByteArrayAsync(upstream);
                if (path.EndsWith("/InRelease", StringComparison.Ordinal))
                {
                    var text = Encoding.UTF8.GetString(body);
                    var at = text.IndexOf("\nDate: ", StringComparison.Ordinal) + 8;
                    body = Encoding.UTF8.GetBytes(text[..at] + (text[at] == '1' ? '2' : '1') + text[(at + 1)..]);
                }

                context.Response.StatusCode = 200;
            }
            catch (HttpRequestException)
            {
                body = [];
                context.Response.StatusCode = 404;
            }

            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _http.Dispose();
    }
}
