using System;
using System.Buffers.Binary;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>
/// The soak protocol. Every message names its stream in its first byte and carries a sequence
/// number, so the client can check each stream per connection: nothing missing, nothing twice,
/// nothing out of order.
/// <code>
/// client → server  binary 'E' seq:int64 filler…     echoed back unchanged; the length is EchoSize(seq)
/// client → server  text   "bye"                     the server stops pushing and answers 'B'
/// server → client  binary 'W' nextTick:int64 group:int32        first message: the welcome
/// server → client  binary 'P' seq:int64                         the per-connection push, 0, 1, 2…
/// server → client  text   "T" seq (decimal)                     the group's tick, to every member
/// server → client  binary 'B' echoes:int32 pushes:int32 nextTick:int32   the answer to "bye"
/// </code>
/// Integers are little-endian. After 'B' no push or tick follows, so the client knows exactly
/// what should have arrived: every echo, pushes 0 to pushes-1, ticks up to nextTick-1.
/// </summary>
internal static class Wire
{
    public const byte Echo = (byte)'E';
    public const byte Welcome = (byte)'W';
    public const byte Push = (byte)'P';
    public const byte Tick = (byte)'T';
    public const byte ByeReply = (byte)'B';
    public const string Bye = "bye";

    public const int WelcomeLength = 13;
    public const int PushLength = 9;
    public const int ByeReplyLength = 13;

    /// <summary>
    /// The length of echo message <paramref name="seq"/>: mostly 9 to 208 bytes, one in 64 up
    /// to 24 KiB (longer than the server's 16 KiB receive buffer, and the 16- and 64-bit length forms).
    /// </summary>
    public static int EchoSize(long seq)
    {
        uint h = unchecked((uint)seq * 2654435761u);
        return (h & 63) == 0 ? 9 + (int)((h >> 8) % 24_000) : 9 + (int)((h >> 8) % 200);
    }

    /// <summary>Writes 'E' and the sequence number; the rest of the payload is filler the server echoes as it is.</summary>
    public static void WriteEcho(Span<byte> payload, long seq)
    {
        payload[0] = Echo;
        BinaryPrimitives.WriteInt64LittleEndian(payload.Slice(1), seq);
    }

    public static void WriteWelcome(Span<byte> payload, long nextTick, int group)
    {
        payload[0] = Welcome;
        BinaryPrimitives.WriteInt64LittleEndian(payload.Slice(1), nextTick);
        BinaryPrimitives.WriteInt32LittleEndian(payload.Slice(9), group);
    }

    public static void WritePush(Span<byte> payload, long seq)
    {
        payload[0] = Push;
        BinaryPrimitives.WriteInt64LittleEndian(payload.Slice(1), seq);
    }

    public static void WriteByeReply(Span<byte> payload, int echoes, int pushes, int nextTick)
    {
        payload[0] = ByeReply;
        BinaryPrimitives.WriteInt32LittleEndian(payload.Slice(1), echoes);
        BinaryPrimitives.WriteInt32LittleEndian(payload.Slice(5), pushes);
        BinaryPrimitives.WriteInt32LittleEndian(payload.Slice(9), nextTick);
    }

    public static string TickText(long seq) => "T" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The tick number in "T123"; -1 when the text is not a tick.</summary>
    public static long ParseTick(ReadOnlySpan<byte> text)
    {
        if (text.Length < 2 || text.Length > 16 || text[0] != Tick)
        {
            return -1;
        }

        long v = 0;
        foreach (byte b in text.Slice(1))
        {
            if (b < '0' || b > '9')
            {
                return -1;
            }

            v = (v * 10) + (b - '0');
        }

        return v;
    }
}
