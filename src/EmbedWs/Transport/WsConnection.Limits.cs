using System;
using System.Threading;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

// Limits against clients that send badly on purpose: a message that never completes
// (MessageReadTimeout, checked by the shared MessageReadTimeoutSweep) and ping floods (pongs
// coalesced). The fragment limit is the decoder's; the send queue limit is in Send.cs.
internal sealed partial class WsConnection
{
    // The latest ping of the read being processed whose pong is not queued yet (length -1: none).
    private byte[]? _heldPong;
    private int _heldPongLength = -1;
    private bool _coalescingLogged;

    private bool ReadTimeoutOn => _settings.MessageReadTimeout != Timeout.InfiniteTimeSpan;

    /// <summary>
    /// When the incomplete message or control frame began to arrive (a TimeProvider timestamp),
    /// or 0; read by the shared <see cref="MessageReadTimeoutSweep"/>.
    /// </summary>
    internal long IncompleteSince => Volatile.Read(ref _incompleteSince);

    /// <summary>
    /// The sweep found a message incomplete for longer than MessageReadTimeout: close with 1008
    /// and end TCP once the close frame is out (the close watchdog drops a client that stays).
    /// </summary>
    internal void OnMessageReadTimeout()
    {
        if (State != WsConnectionState.Open)
        {
            return;
        }

        TransportLog.MessageReadTimeout(_logger, Id, Info.RemoteEndPoint, _settings.MessageReadTimeout);
        StartClose(WsCloseCodes.PolicyViolation, "read timeout", WsCloseCause.PolicyViolation);
        _ = ShutdownWhenDrainedAsync();
    }

    /// <summary>
    /// Keeps a ping's payload until the pong is queued (<see cref="QueueHeldPong"/>): of several
    /// pings in a row in one read, only the latest is answered, as RFC 6455 §5.5.3 allows. So a
    /// ping flood gets at most one pong per read, and cannot multiply the server's writes.
    /// </summary>
    private void HoldPong(ReadOnlySpan<byte> payload)
    {
        if (_heldPongLength >= 0 && !_coalescingLogged)
        {
            _coalescingLogged = true;
            TransportLog.PingsCoalesced(_logger, Id, Info.RemoteEndPoint);
        }

        _heldPong ??= new byte[WsConstants.MaxControlPayload];
        payload.CopyTo(_heldPong);
        _heldPongLength = payload.Length;
    }

    /// <summary>
    /// Queues the pong of the held ping, if any. Called before a message is handed up, a close
    /// is answered, and at the end of each read, so pongs keep their place before later frames.
    /// </summary>
    private void QueueHeldPong()
    {
        int length = _heldPongLength;
        if (length < 0)
        {
            return;
        }

        _heldPongLength = -1;
        Enqueue(WsOpcode.Pong, _heldPong.AsSpan(0, length), null);
    }
}
