using System;
using System.Buffers.Binary;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// <see cref="FrameScanner"/>'s counterpart for SignalR's JSON hub protocol (<see cref="SignalRWire"/>):
/// reads server frames (unmasked, uncompressed), joins the text of data frames and cuts it into
/// records at each 0x1E, wherever the frames and reads split it. An invocation (type 1) whose
/// argument starts with the fan-out's 32 hex digits reaches the sink as a message with the
/// 16-byte prefix <see cref="FanoutMode"/> reads; pings (type 6) are ignored; a close message
/// (type 7) or a WebSocket close frame reaches <see cref="IMessageSink.OnClose()"/>. Only the
/// start of each record is kept: type, target and the argument's start come first.
/// </summary>
internal sealed class SignalRScanner
{
    private static readonly byte[] s_type = "\"type\":"u8.ToArray();
    private static readonly byte[] s_arguments = "\"arguments\":[\""u8.ToArray();

    private readonly byte[] _head = new byte[14];
    private readonly byte[] _record = new byte[256];
    private readonly byte[] _prefix = new byte[16];
    private int _headLength;
    private bool _inPayload;
    private long _remaining;
    private int _opcode;
    private int _recordLength;
    private long _recordTotal;

    public void Scan(ReadOnlySpan<byte> data, IMessageSink sink)
    {
        int i = 0;
        while (i < data.Length)
        {
            if (!_inPayload)
            {
                _head[_headLength++] = data[i++];
                if (_headLength < 2)
                {
                    continue;
                }

                int len7 = _head[1] & 0x7F;
                int needed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
                if (_headLength < needed)
                {
                    continue;
                }

                _remaining = len7 == 126 ? BinaryPrimitives.ReadUInt16BigEndian(_head.AsSpan(2))
                    : len7 == 127 ? (long)BinaryPrimitives.ReadUInt64BigEndian(_head.AsSpan(2)) : len7;
                _opcode = _head[0] & 0x0F;
                _headLength = 0;
                _inPayload = _remaining > 0;
                if (!_inPayload && _opcode == 8)
                {
                    sink.OnClose();
                }

                continue;
            }

            int n = (int)Math.Min(_remaining, data.Length - i);
            if (_opcode < 8)
            {
                Text(data.Slice(i, n), sink);
            }

            _remaining -= n;
            i += n;
            if (_remaining == 0)
            {
                _inPayload = false;
                if (_opcode == 8)
                {
                    sink.OnClose();
                }
            }
        }
    }

    /// <summary>Text of data frames: records up to each separator.</summary>
    private void Text(ReadOnlySpan<byte> text, IMessageSink sink)
    {
        while (!text.IsEmpty)
        {
            int end = text.IndexOf(SignalRWire.Separator);
            var part = end < 0 ? text : text.Slice(0, end);
            int keep = Math.Min(part.Length, _record.Length - _recordLength);
            part.Slice(0, keep).CopyTo(_record.AsSpan(_recordLength));
            _recordLength += keep;
            _recordTotal += part.Length;
            if (end < 0)
            {
                return;
            }

            Record(_record.AsSpan(0, _recordLength), _recordTotal, sink);
            _recordLength = 0;
            _recordTotal = 0;
            text = text.Slice(end + 1);
        }
    }

    private void Record(ReadOnlySpan<byte> record, long length, IMessageSink sink)
    {
        int t = record.IndexOf(s_type);
        if (t < 0 || t + s_type.Length >= record.Length)
        {
            return;
        }

        switch (record[t + s_type.Length])
        {
            case (byte)'1':
                int a = record.IndexOf(s_arguments);
                if (a >= 0 && SignalRWire.TryReadStamp(record.Slice(a + s_arguments.Length), _prefix))
                {
                    sink.OnMessage(length, _prefix);
                }

                break;
            case (byte)'7':
                sink.OnClose();
                break;
        }
    }
}
