using System;
using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

internal sealed partial class WsConnection
{
    private FrameDecoder? _decoder;

    // Set once a close frame was received or the client broke the protocol: from then on
    // bytes are read only to see the client's end of the TCP connection, and are dropped.
    private bool _discarding;

    /// <summary>
    /// Reads until the client's TCP connection ends (or is dropped). Each read is decoded at
    /// once; messages are handed up while their bytes are still in the buffer.
    /// </summary>
    private async Task ReceiveLoopAsync(byte[] buffer, int filled)
    {
        if (buffer.Length < _settings.ReceiveBufferSize)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_settings.ReceiveBufferSize);
            Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }

        _decoder = new FrameDecoder(_settings.MaxMessageSize);
        try
        {
            filled = await ProcessAsync(buffer, filled).ConfigureAwait(false);
            while (true)
            {
                int n = await _stream.ReadAsync(buffer.AsMemory(filled), default).ConfigureAwait(false);
                LastReceivedTimestamp = _settings.TimeProvider.GetTimestamp();
                if (n == 0)
                {
                    // The client ended TCP. Without a closing handshake that is an abnormal end (1006).
                    SetCloseInfo(WsCloseCodes.AbnormalClosure, string.Empty, WsCloseCause.ConnectionLost);
                    return;
                }

                filled = await ProcessAsync(buffer, filled + n).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Reset, disposed by Abort or the close watchdog, TLS failure: the connection is over.
            TransportLog.IoEnded(_logger, Id, ex.Message);
            SetCloseInfo(WsCloseCodes.AbnormalClosure, string.Empty, WsCloseCause.ConnectionLost);
        }
        finally
        {
            _decoder.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>When the last read returned data, from <see cref="TransportSettings.TimeProvider"/>; for the heartbeat.</summary>
    internal long LastReceivedTimestamp { get; private set; }

    /// <summary>
    /// Decodes <paramref name="filled"/> bytes and returns how many are left (a partial header).
    /// A message handler that does not complete at once is awaited before the next frame is
    /// decoded: that is what keeps the message's bytes valid and pauses reading (backpressure).
    /// </summary>
    private async ValueTask<int> ProcessAsync(byte[] buffer, int filled)
    {
        if (_discarding)
        {
            return 0;
        }

        int offset = 0;
        while (true)
        {
            var status = _decoder!.Decode(buffer.AsMemory(offset, filled - offset), out int consumed, out var frame);
            offset += consumed;
            switch (status)
            {
                case DecodeStatus.NeedMore:
                    int left = filled - offset;
                    Debug.Assert(left < WsConstants.MaxHeaderSize, "only a partial header may stay in the buffer");
                    Buffer.BlockCopy(buffer, offset, buffer, 0, left);
                    return left;

                case DecodeStatus.Message:
                    if (State == WsConnectionState.Open)
                    {
                        var type = frame.Opcode == WsOpcode.Text ? WsMessageType.Text : WsMessageType.Binary;
                        var handled = _events.OnMessageAsync(this, new WsMessage(type, frame.Payload));
                        if (!handled.IsCompletedSuccessfully)
                        {
                            await handled.ConfigureAwait(false);
                        }
                    }

                    break;

                case DecodeStatus.Ping:
                    // §5.5.2: a pong with the ping's payload, unless a close was already sent.
                    Enqueue(WsOpcode.Pong, frame.Payload.Span, null);
                    break;

                case DecodeStatus.Pong:
                    _events.OnPong(this, frame.Payload.Span);
                    break;

                case DecodeStatus.Close:
                    OnCloseFrame(frame.CloseCode, frame.Payload.IsEmpty ? string.Empty : Encoding.UTF8.GetString(frame.Payload.Span));
                    _discarding = true;
                    return 0;

                default:
                    var error = frame.Error;
                    TransportLog.ProtocolError(_logger, Id, Info.RemoteEndPoint, error.Code(), error.CloseCode());
                    var cause = error == FrameError.MessageTooBig ? WsCloseCause.MessageTooBig : WsCloseCause.ProtocolError;
                    StartClose(error.CloseCode(), error.Code(), cause);

                    // The decoder cannot read the client's close reply after an error, so the
                    // server ends TCP as soon as its close frame is out (§7.1.1).
                    _ = ShutdownWhenDrainedAsync();
                    _discarding = true;
                    return 0;
            }
        }
    }
}
