using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Testing;

/// <summary>
/// A WebSocket client for unit tests that talks to a <see cref="WsServer"/> in memory: no socket,
/// no port (start the server with <see cref="WsServerOptions.Listen"/> false). The server runs
/// the connection exactly as one from its listener (handlers, routing, groups, heartbeat,
/// limits), through <see cref="WsServer.AdmitAsync"/> and <see cref="WsServer.AcceptAsync"/>.
/// Time is the server's: with a <c>FakeTimeProvider</c> as <see cref="WsServerOptions.TimeProvider"/>,
/// advancing it drives the heartbeat and the timeouts. Safe to call from any thread; messages
/// arrive in the order the server sent them.
/// </summary>
public sealed class WsTestClient : IAsyncDisposable
{
    private readonly InMemoryConnection _stream;
    private readonly object _sendLock = new();
    private readonly Channel<WsTestMessage> _messages = Channel.CreateUnbounded<WsTestMessage>();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JToken?>> _requests = new();
    private readonly TaskCompletionSource<WsCloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextRequestId;
    private int _pings;
    private int _pongs;
    private bool _closeSent;

    private WsTestClient(InMemoryConnection stream, WsConnectionInfo info)
    {
        _stream = stream;
        Info = info;
    }

    /// <summary>The request as the server's connection shows it (<c>conn.Info</c>).</summary>
    public WsConnectionInfo Info { get; }

    /// <summary>The subprotocol the server chose, or null.</summary>
    public string? SubProtocol => Info.SubProtocol;

    /// <summary>Whether a protocol ping is answered with a pong, as browsers do. True by default; false plays a dead peer.</summary>
    public bool AnswerPings { get; set; } = true;

    /// <summary>Protocol pings received from the server so far.</summary>
    public int PingsReceived => Volatile.Read(ref _pings);

    /// <summary>Protocol pongs received from the server so far (answers to <see cref="SendPing"/>).</summary>
    public int PongsReceived => Volatile.Read(ref _pongs);

    /// <summary>
    /// Completes when the connection has ended: with the server's close code and reason, or 1006
    /// (<see cref="WsCloseCause.ConnectionLost"/>) when it ended without a close frame. The cause is
    /// <see cref="WsCloseCause.ServerClosed"/> when the server closed first, <see cref="WsCloseCause.ClientClosed"/> otherwise.
    /// </summary>
    public Task<WsCloseInfo> Closed => _closed.Task;

    /// <summary>Connects to <paramref name="server"/> at <paramref name="path"/>.</summary>
    /// <param name="server">A started server.</param>
    /// <param name="path">The request path, "/" by default.</param>
    /// <returns>The open client; OnConnect runs on the server as the client opens.</returns>
    /// <exception cref="WsTestHandshakeException">The server refused the handshake.</exception>
    public static Task<WsTestClient> ConnectAsync(WsServer server, string path = "/") =>
        ConnectAsync(server, new WsTestRequest { Path = path });

    /// <summary>Connects with the path, query, headers, subprotocols and user of <paramref name="request"/>.</summary>
    /// <param name="server">A started server.</param>
    /// <param name="request">What the handshake presents.</param>
    /// <returns>The open client.</returns>
    /// <exception cref="WsTestHandshakeException">The server refused the handshake.</exception>
    public static async Task<WsTestClient> ConnectAsync(WsServer server, WsTestRequest request)
    {
        _ = server ?? throw new ArgumentNullException(nameof(server));
        _ = request ?? throw new ArgumentNullException(nameof(request));

        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", "embedws.test"),
            new("Upgrade", "websocket"),
            new("Connection", "Upgrade"),
            new("Sec-WebSocket-Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))),
            new("Sec-WebSocket-Version", "13"),
        };
        if (request.SubProtocols.Count > 0)
        {
            headers.Add(new("Sec-WebSocket-Protocol", string.Join(", ", request.SubProtocols)));
        }

        headers.AddRange(request.Headers);
        using var decision = await server.AdmitAsync(new WsUpgradeRequest(request.Path, request.QueryString, headers)
        {
            User = request.User,
            RemoteEndPoint = request.RemoteEndPoint,
        }).ConfigureAwait(false);
        if (!decision.IsAccepted)
        {
            throw new WsTestHandshakeException(decision.StatusCode, decision.Body);
        }

        var (serverEnd, clientEnd) = InMemoryConnection.CreatePair();
        var client = new WsTestClient(clientEnd, decision.Info!);
        var run = server.AcceptAsync(decision, serverEnd);

        // The test client is also the "other server": it ends the server's side once the
        // connection has ended there.
        _ = run.ContinueWith(static (_, end) => ((InMemoryConnection)end!).Complete(), serverEnd, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = client.ReadLoopAsync();
        return client;
    }

    /// <summary>Sends a text message.</summary>
    /// <param name="text">The text.</param>
    public void SendText(string text) => Send(ClientFrames.Text, Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>Sends a binary message.</summary>
    /// <param name="data">The bytes.</param>
    public void SendBinary(ReadOnlyMemory<byte> data) => Send(ClientFrames.Binary, data.Span);

    /// <summary>Sends a fire-and-forget envelope <c>{"type":...,"data":...}</c> (no id: no reply is expected).</summary>
    /// <param name="type">The envelope's type.</param>
    /// <param name="data">Serialized with Newtonsoft.Json; omitted when null.</param>
    public void SendJson(string type, object? data = null) => SendText(Envelope(type, id: null, data));

    /// <summary>Sends a protocol ping; the server's pong counts in <see cref="PongsReceived"/>.</summary>
    /// <param name="payload">Up to 125 bytes.</param>
    public void SendPing(ReadOnlyMemory<byte> payload = default) => Send(ClientFrames.Ping, payload.Span);

    /// <summary>
    /// Sends a request envelope <c>{"type":...,"id":N,"data":...}</c> and returns the reply's
    /// data (same type and id) bound to <typeparamref name="TReply"/>. Replies do not show up in
    /// <see cref="ReceiveAsync"/>. Many requests may be in flight at once.
    /// </summary>
    /// <typeparam name="TReply">The reply's data type.</typeparam>
    /// <param name="type">The envelope's type (the route).</param>
    /// <param name="data">The request's data.</param>
    /// <param name="cancellationToken">Gives up waiting.</param>
    /// <returns>The reply's data.</returns>
    /// <exception cref="WsTestErrorReplyException">The server answered with an error envelope.</exception>
    public async Task<TReply?> RequestAsync<TReply>(string type, object? data, CancellationToken cancellationToken = default)
    {
        long id = Interlocked.Increment(ref _nextRequestId);
        var reply = new TaskCompletionSource<JToken?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[id] = reply;
        try
        {
            SendText(Envelope(type, id, data));
            using (cancellationToken.Register(static r => ((TaskCompletionSource<JToken?>)r!).TrySetCanceled(), reply))
            {
                var token = await reply.Task.ConfigureAwait(false);
                return token is null ? default : token.ToObject<TReply>();
            }
        }
        finally
        {
            _requests.TryRemove(id, out _);
        }
    }

    /// <summary>The next message the server sent (replies to <see cref="RequestAsync{TReply}"/> excepted).</summary>
    /// <param name="cancellationToken">Gives up waiting.</param>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidOperationException">The connection ended with no message left.</exception>
    public async Task<WsTestMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (await _messages.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) && _messages.Reader.TryRead(out var message))
        {
            return message;
        }

        throw new InvalidOperationException("The connection ended: no more messages.");
    }

    /// <summary>The next message's text.</summary>
    /// <param name="cancellationToken">Gives up waiting.</param>
    /// <returns>The text.</returns>
    public async Task<string> ReceiveTextAsync(CancellationToken cancellationToken = default) =>
        (await ReceiveAsync(cancellationToken).ConfigureAwait(false)).Text;

    /// <summary>
    /// The next message, read as an envelope of <paramref name="type"/>: its data bound to
    /// <typeparamref name="T"/>. Throws when the next message has another type.
    /// </summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="type">The type expected, e.g. "chat.message".</param>
    /// <param name="cancellationToken">Gives up waiting.</param>
    /// <returns>The data.</returns>
    public async Task<T?> ReceiveJsonAsync<T>(string type, CancellationToken cancellationToken = default)
    {
        string text = await ReceiveTextAsync(cancellationToken).ConfigureAwait(false);
        var envelope = JObject.Parse(text);
        string? actual = envelope.Value<string>("type");
        if (actual != type)
        {
            throw new InvalidOperationException($"Expected a \"{type}\" envelope, got: {text}");
        }

        return envelope["data"] is { } data ? data.ToObject<T>() : default;
    }

    /// <summary>Starts the closing handshake and waits for its end (the server's close frame, then the end of the connection).</summary>
    /// <param name="code">The close code; 1000 by default.</param>
    /// <param name="reason">The reason.</param>
    /// <returns>How the connection ended, as <see cref="Closed"/>.</returns>
    public Task<WsCloseInfo> CloseAsync(ushort code = 1000, string reason = "")
    {
        SendClose(code, reason);
        return Closed;
    }

    /// <summary>Ends the connection without a closing handshake if it is still open (the server sees 1006).</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        _stream.Complete();
        return default;
    }

    private static string Envelope(string type, long? id, object? data)
    {
        var envelope = new JObject { ["type"] = type ?? throw new ArgumentNullException(nameof(type)) };
        if (id is not null)
        {
            envelope["id"] = id.Value;
        }

        if (data is not null)
        {
            envelope["data"] = JToken.FromObject(data);
        }

        return envelope.ToString(Formatting.None);
    }

    private void Send(byte opcode, ReadOnlySpan<byte> payload)
    {
        var frame = ClientFrames.Build(opcode, payload);
        lock (_sendLock)
        {
            // In memory: the write completes at once, in this order.
            _ = _stream.WriteAsync(frame).AsTask();
        }
    }

    private void SendClose(ushort code, string reason)
    {
        lock (_sendLock)
        {
            if (_closeSent)
            {
                return;
            }

            _closeSent = true;
            _ = _stream.WriteAsync(ClientFrames.Build(ClientFrames.Close, ClientFrames.ClosePayload(code, reason))).AsTask();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        List<byte>? message = null;
        byte messageOpcode = 0;
        WsCloseInfo? close = null;
        try
        {
            while (true)
            {
                if (start > 0)
                {
                    // Keep a partial frame at the front; grow for a frame larger than the buffer.
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                int n = await _stream.ReadAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                end += n;
                while (ClientFrames.TryTake(buffer, ref start, end, out bool fin, out byte opcode, out var payload))
                {
                    switch (opcode)
                    {
                        case ClientFrames.Ping:
                            Interlocked.Increment(ref _pings);
                            if (AnswerPings)
                            {
                                Send(ClientFrames.Pong, payload);
                            }

                            break;
                        case ClientFrames.Pong:
                            Interlocked.Increment(ref _pongs);
                            break;
                        case ClientFrames.Close:
                            close ??= ReadClose(payload);
                            if (close.Cause == WsCloseCause.ServerClosed)
                            {
                                // §5.5.1: answer the server's close with the same code.
                                SendClose(close.Code, string.Empty);
                            }

                            break;
                        case ClientFrames.Continuation:
                            message?.AddRange(payload);
                            if (fin && message is not null)
                            {
                                Deliver(messageOpcode == ClientFrames.Text, message.ToArray());
                                message = null;
                            }

                            break;
                        default:
                            if (fin)
                            {
                                Deliver(opcode == ClientFrames.Text, payload);
                            }
                            else
                            {
                                message = new List<byte>(payload);
                                messageOpcode = opcode;
                            }

                            break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is System.IO.IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _stream.Complete();
            _messages.Writer.TryComplete();
            foreach (var request in _requests.Values)
            {
                request.TrySetException(new InvalidOperationException("The connection ended before the reply came."));
            }

            _closed.TrySetResult(close ?? new WsCloseInfo(1006, string.Empty, WsCloseCause.ConnectionLost));
        }
    }

    private WsCloseInfo ReadClose(byte[] payload)
    {
        var (code, reason) = ClientFrames.ParseClose(payload);
        bool ours;
        lock (_sendLock)
        {
            ours = _closeSent;
        }

        return new WsCloseInfo(code, reason, ours ? WsCloseCause.ClientClosed : WsCloseCause.ServerClosed);
    }

    private void Deliver(bool isText, byte[] data)
    {
        // A reply to a pending request goes to its RequestAsync, not to ReceiveAsync.
        if (isText && !_requests.IsEmpty && data.Length > 0 && data[0] == (byte)'{')
        {
            var envelope = JObject.Parse(Encoding.UTF8.GetString(data));
            if (envelope["id"] is { Type: JTokenType.Integer } id && _requests.TryGetValue(id.Value<long>(), out var request))
            {
                if (envelope.Value<string>("type") == "error" && envelope["error"] is JObject error)
                {
                    request.TrySetException(new WsTestErrorReplyException(error.Value<string>("code") ?? "?", error.Value<string>("message") ?? string.Empty));
                }
                else
                {
                    request.TrySetResult(envelope["data"]);
                }

                return;
            }
        }

        _messages.Writer.TryWrite(new WsTestMessage(isText, data));
    }
}
