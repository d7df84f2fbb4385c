using System.Net;
using System.Net.Sockets;

namespace Distroless.Testing;

/// <summary>
/// A TCP forwarder on 127.0.0.1 and a free port in front of one upstream endpoint: it copies
/// bytes both ways unchanged (TLS passes through), and counts connections and bytes each way,
/// and keeps the first bytes every connection sent, which tells a TLS ClientHello (0x16) from
/// plain HTTP ("GET ", "HEAD", …). For benchmarks that count what travels, and tests that must
/// see how a client connected.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<byte[]> _openings = [];
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;
    private long _sent;
    private long _received;

    private TcpForwarder(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>"127.0.0.1:port".</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Bytes the clients sent (forwarded to the upstream).</summary>
    public long BytesSent => Interlocked.Read(ref _sent);

    /// <summary>Bytes the upstream sent back.</summary>
    public long BytesReceived => Interlocked.Read(ref _received);

    /// <summary>The first bytes (up to 8) each connection's client sent, in the order the connections sent them.</summary>
    public IReadOnlyList<byte[]> Openings
    {
        get
        {
            lock (_openings)
            {
                return [.. _openings];
            }
        }
    }

    /// <summary>Connections accepted.</summary>
    public int Connections
    {
        get
        {
            lock (_openings)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Forwards 127.0.0.1:(free port) to 127.0.0.1:<paramref name="upstreamPort"/>.</summary>
    public static TcpForwarder Start(int upstreamPort) => new(new IPEndPoint(IPAddress.Loopback, upstreamPort));

    /// <summary>Whether a connection's opening is a TLS handshake record.</summary>
    public static bool IsTlsHandshake(byte[] opening) => opening.Length > 0 && opening[0] == 0x16;

    /// <summary>Forgets the counts and openings so far (open connections go on being counted).</summary>
    public void Reset()
    {
        lock (_openings)
        {
            _openings.Clear();
            Interlocked.Exchange(ref _sent, 0);
            Interlocked.Exchange(ref _received, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Task[] connections;
        lock (_openings)
        {
            connections = [.. _connections];
        }

        try
        {
            await Task.WhenAll(connections.Append(_acceptLoop)).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_openings)
            {
                _connections.Add(ForwardAsync(client));
            }
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                client.NoDelay = true;
                upstream.NoDelay = true;
                await upstream.ConnectAsync(_upstream, _stop.Token);
                var fromClient = client.GetStream();
                var toUpstream = upstream.GetStream();
                var up = CopyAsync(fromClient, toUpstream, n => Interlocked.Add(ref _sent, n), recordOpening: true, upstream.Client);
                var down = CopyAsync(toUpstream, fromClient, n => Interlocked.Add(ref _received, n), recordOpening: false, client.Client);
                await Task.WhenAll(up, down);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // A side went away: the other is closed with it.
            }
        }
    }

    private async Task CopyAsync(Stream from, Stream to, Action<int> count, bool recordOpening, Socket target)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                if (recordOpening)
                {
                    recordOpening = false;
                    lock (_openings)
                    {
                        _openings.Add(buffer[..Math.Min(n, 8)]);
                    }
                }

                count(n);
                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        finally
        {
            // Half-close: the other side sees the end of this direction.
            try
            {
                target.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
