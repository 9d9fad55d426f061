using System.Collections.Generic;
using EmbedWs.Protocol;
using static EmbedWs.Fuzz.InvariantException;

namespace EmbedWs.Fuzz;

/// <summary>
/// The connection protocol (WsSession) fed a client's byte stream the way the read loop feeds it,
/// in reads of varying sizes, with the clock moving between reads and, now and then, the server
/// closing first. Input layout as the frames target: byte 0 picks the read sizes, byte 1 the
/// message size limit; byte 0 also says after which read (if any) the server starts a close.
/// Whatever the bytes, the session must keep the rules of RFC 6455 §5.5 and §7: no frame after
/// its close frame, one close frame at most, a pong for a ping only while it may still send,
/// never more pongs than pings, messages only while open, the state only moving forward, and an
/// end that reports how the connection closed.
/// </summary>
internal static class SessionTarget
{
    private const int ReceiveBufferSize = 4096;

    public static void Run(byte[] input)
    {
        if (input.Length < 2)
        {
            return;
        }

        var reads = new ReadSizes(input[0]);
        int limit = 1 + (8 * input[1]);
        int serverClosesAfter = input[0] % 7 == 0 ? input[0] % 5 : -1;
        var stream = input.AsSpan(2);
        var sink = new CheckingSink();
        using var session = new WsSession(sink, new SessionLimits(limit, maxFragments: 4, readTimeout: 100, closeTimeout: 50));
        Check(session.Open(), "a new session opens");

        var buffer = new byte[ReceiveBufferSize];
        int filled = 0, pos = 0, read = 0, pings = 0;
        long now = 1;
        var state = session.State;
        while (pos < stream.Length && session.IsReceiving)
        {
            int n = Math.Min(Math.Min(reads.Next(), stream.Length - pos), buffer.Length - filled);
            stream.Slice(pos, n).CopyTo(buffer.AsSpan(filled));
            filled += n;
            pos += n;
            now += 10;
            pings += CountPings(buffer.AsSpan(0, filled));

            session.BeginRead(now);
            int offset = 0, left = 0;
            while (true)
            {
                var before = session.State;
                var e = session.Receive(buffer.AsMemory(offset, filled - offset), out int used, out var frame);
                Check(used >= 0 && used <= filled - offset, $"consumed {used} of {filled - offset}");
                offset += used;
                Check(session.State >= before, $"the state went back from {before} to {session.State}");
                if (e == SessionEvent.NeedMore)
                {
                    left = filled - offset;
                    Check(left < WsConstants.MaxHeaderSize || !session.IsReceiving, $"NeedMore left {left} bytes");
                    Buffer.BlockCopy(buffer, offset, buffer, 0, left);
                    filled = left;
                    break;
                }

                switch (e)
                {
                    case SessionEvent.Message:
                        Check(before == WsConnectionState.Open, $"a message handed up while {before}");
                        Check(frame.Payload.Length <= limit, "a message over the limit");
                        break;
                    case SessionEvent.Pong:
                        Check(frame.Payload.Length <= WsConstants.MaxControlPayload, "a pong payload over 125 bytes");
                        break;
                    case SessionEvent.CloseReceived or SessionEvent.ProtocolError:
                        Check(!session.IsReceiving, "reading stops after a close or an error");
                        Check(session.CloseInfo is not null, "a close or an error decides how the connection closed");
                        Check(session.State is WsConnectionState.CloseSent or WsConnectionState.CloseReceived, $"closing, not {session.State}");
                        filled = 0;
                        break;
                }

                if (!session.IsReceiving)
                {
                    break;
                }
            }

            session.EndRead(left, now);
            Check(session.State >= state, "the state only moves forward");
            state = session.State;
            Check(sink.Pongs <= pings, $"{sink.Pongs} pongs for {pings} pings");

            if (read++ == serverClosesAfter)
            {
                bool first = session.State == WsConnectionState.Open;
                Check(session.StartClose(1000, "bye", WsCloseCause.ServerClosed, now) == first, "StartClose starts a close once, while open");
            }

            var deadline = session.CheckDeadlines(now + 1_000);
            Check(deadline != SessionDeadline.ReadTimeout || sink.Closes == 1, "a read timeout sends its close frame");
        }

        var end = session.End();
        Check(session.State is WsConnectionState.Closed or WsConnectionState.Aborted, $"the end state is {session.State}");
        Check(end == session.CloseInfo, "End reports the decided close");
        Check(sink.Closes <= 1, "one close frame at most");
    }

    // Pings whose whole frame is in view: an upper bound of those the session may have seen so
    // far (a ping counted twice across reads only raises the bound).
    private static int CountPings(ReadOnlySpan<byte> bytes)
    {
        int count = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if ((bytes[i] & 0x0F) == (int)WsOpcode.Ping)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The outbox as the session sees it, checking the rules of what leaves.</summary>
    private sealed class CheckingSink : IControlFrameSink
    {
        private bool _closed;

        public int Pongs { get; private set; }

        public int Closes { get; private set; }

        public void SendControl(WsOpcode opcode, ReadOnlySpan<byte> payload)
        {
            Check(opcode is WsOpcode.Pong or WsOpcode.Close, $"the session sends only pongs and closes, not {opcode}");
            Check(payload.Length <= WsConstants.MaxControlPayload, "a control payload over 125 bytes");

            // The outbox refuses frames after the close frame; the session must not count on it
            // for a close, and a pong then is harmless but must not be a second close.
            if (opcode == WsOpcode.Close)
            {
                Check(!_closed, "a second close frame");
                Check(payload.Length != 1, "a close payload of one byte");
                _closed = true;
                Closes++;
            }
            else
            {
                Pongs++;
            }
        }
    }
}
