using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// conns <c>--messages K</c>: each connection sends K messages in one write (the --json states, or
/// --size bytes of text; compressed with --deflate) and reads until K whole replies came back, 100
/// connections at a time. Returns the connections that failed (no reply within 10 s, closed, or a
/// reply of the wrong length).
/// </summary>
internal sealed class Exchange
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly LoadOptions _o;
    private readonly byte[][] _frames;
    private readonly long[] _lengths;

    public Exchange(LoadOptions o)
    {
        _o = o;
        var payloads = o.Json ? JsonPayloads.Create(o.Messages, o.Size) : Enumerable.Range(0, o.Messages).Select(_ => Encoding.ASCII.GetBytes(new string('x', o.Size))).ToArray();
        _frames = payloads.Select(p => o.Deflate ? WsClient.BuildFrame(1, ClientDeflate.Compress(p), rsv1: true) : WsClient.BuildFrame(1, p)).ToArray();
        _lengths = payloads.Select(p => (long)p.Length).ToArray();
    }

    public async Task<int> RunAsync(List<Client> clients, CancellationToken deadline)
    {
        int next = -1, failures = 0;
        async Task WorkAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < clients.Count)
            {
                if (!await OneAsync(clients[i], deadline))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(100, clients.Count)).Select(_ => Task.Run(WorkAsync)));
        return failures;
    }

    private async Task<bool> OneAsync(Client client, CancellationToken deadline)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        timeout.CancelAfter(s_timeout);
        var sink = new Replies(_lengths);
        var scanner = new FrameScanner();
        try
        {
            await WsClient.SendAllAsync(client.Socket, _frames.SelectMany(f => f).ToArray(), timeout.Token);
            scanner.Scan(client.Leftover, sink);
            var buffer = new byte[16 * 1024];
            while (sink.Count < _lengths.Length && !sink.Failed)
            {
                int n = await client.Socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, timeout.Token);
                if (n == 0)
                {
                    return false;
                }

                scanner.Scan(buffer.AsSpan(0, n), sink);
            }

            return !sink.Failed;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private sealed class Replies : IMessageSink
    {
        private readonly long[] _lengths;

        public Replies(long[] lengths) => _lengths = lengths;

        public int Count;
        public bool Failed;

        public void OnMessage(long length, ReadOnlySpan<byte> prefix)
        {
            Failed |= Count >= _lengths.Length || length != _lengths[Count];
            Count++;
        }

        public void OnClose() => Failed = true;
    }
}
