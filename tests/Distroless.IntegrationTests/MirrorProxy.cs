using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Distroless.Building;

namespace Distroless.IntegrationTests;

/// <summary>
/// A loopback HTTP server in front of the real Debian archive (its mirrors come from the
/// environment or apt sources, like the product's own default): /main/… goes to the main
/// archive, /security/… to the security archive. It records every path asked for, and can
/// serve InRelease files with one character of the signed text changed, as a compromised
/// mirror would.
/// </summary>
public sealed class MirrorProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _http = new();
    private readonly string _main;
    private readonly string _security;
    private readonly bool _tamper;
    private readonly ConcurrentQueue<string> _requests = new();

    private MirrorProxy(int port, string main, string security, bool tamper)
    {
        Root = $"http://127.0.0.1:{port}/";
        _main = main.TrimEnd('/') + "/";
        _security = security.TrimEnd('/') + "/";
        _tamper = tamper;
        _listener.Prefixes.Add(Root);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Root { get; }

    /// <summary>Pass as DistrolessDebianMirror.</summary>
    public string MainUri => Root + "main/";

    /// <summary>Pass as DistrolessDebianSecurityMirror.</summary>
    public string SecurityUri => Root + "security/";

    /// <summary>Every path requested so far ("main/dists/bookworm/InRelease", …), in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static MirrorProxy Start(bool tamperWithInRelease = false)
    {
        var (main, security) = HostDefaults.ResolveMirrors(null, null, "bookworm", Environment.GetEnvironmentVariable);
        return new MirrorProxy(FreePort.Next(), main, security, tamperWithInRelease);
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

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath.TrimStart('/');
        _requests.Enqueue(path);
        string? upstream = path.StartsWith("main/", StringComparison.Ordinal) ? _main + path["main/".Length..]
            : path.StartsWith("security/", StringComparison.Ordinal) ? _security + path["security/".Length..]
            : null;
        byte[] body = [];
        try
        {
            if (upstream is null)
            {
                context.Response.StatusCode = 404;
            }
            else
            {
                body = await _http.GetByteArrayAsync(upstream);
                if (_tamper && path.EndsWith("/InRelease", StringComparison.Ordinal))
                {
                    var text = Encoding.UTF8.GetString(body);
                    var at = text.IndexOf("\nDate: ", StringComparison.Ordinal) + 8;
                    body = Encoding.UTF8.GetBytes(text[..at] + (text[at] == '1' ? '2' : '1') + text[(at + 1)..]);
                }

                context.Response.StatusCode = 200;
            }
        }
        catch (HttpRequestException e)
        {
            context.Response.StatusCode = (int?)e.StatusCode ?? 502;
            body = [];
        }

        try
        {
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // The client went away (or the proxy is being disposed).
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _http.Dispose();
    }
}
