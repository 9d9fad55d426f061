using System;
using System.Buffers.Binary;

namespace EmbedWs.Protocol;

/// <summary>
/// Reads a frame header from bytes. Pure: no I/O, never throws for bad input, and reports
/// <see cref="HeaderStatus.Incomplete"/> so the caller can resume once more bytes arrive.
/// </summary>
internal static class FrameHeaderReader
{
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // +-+-+-+-+-------+-+-------------+-------------------------------+
    // |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
    // |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
    // |N|V|V|V|       |S|             |   (if payload len==126/127)   |
    // | |1|2|3|       |K|             |                               |
    // +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
    // |     Extended payload length continued, if payload len == 127  |
    // + - - - - - - - - - - - - - - - +-------------------------------+
    // |                               |Masking-key, if MASK set to 1  |
    // +-------------------------------+-------------------------------+
    // | Masking-key (continued)       |          Payload Data         |
    // +-------------------------------- - - - - - - - - - - - - - - - +

    /// <summary>
    /// Reads one header. Checks only what the header alone can break (the 64-bit length's top
    /// bit); the frame-sequence rules live in <see cref="FrameDecoder"/>.
    /// </summary>
    public static HeaderStatus TryRead(ReadOnlySpan<byte> input, out FrameHeader header, out int headerLength, out FrameError error)
    {
        header = default;
        headerLength = 0;
        error = FrameError.None;
        if (input.Length < 2)
        {
            return HeaderStatus.Incomplete;
        }

        byte b0 = input[0];
        byte b1 = input[1];
        bool masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        int needed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (input.Length < needed)
        {
            return HeaderStatus.Incomplete;
        }

        long length;
        int pos = 2;
        if (len7 == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(input.Slice(2));
            pos = 4;
        }
        else if (len7 == 127)
        {
            ulong raw = BinaryPrimitives.ReadUInt64BigEndian(input.Slice(2));
            if ((raw & 0x8000_0000_0000_0000UL) != 0)
            {
                error = FrameError.InvalidLength;
                return HeaderStatus.Invalid;
            }

            length = (long)raw;
            pos = 10;
        }
        else
        {
            length = len7;
        }

        uint mask = masked ? BinaryPrimitives.ReadUInt32LittleEndian(input.Slice(pos)) : 0;
        header = new FrameHeader(
            fin: (b0 & 0x80) != 0,
            rsv: (byte)((b0 >> 4) & 0x7),
            opcode: (WsOpcode)(b0 & 0x0F),
            masked: masked,
            payloadLength: length,
            maskKey: mask);
        headerLength = needed;
        return HeaderStatus.Complete;
    }
}
