namespace EmbedWs.Protocol;

/// <summary>Frame opcodes of RFC 6455 §5.2. 0x3-0x7 and 0xB-0xF are reserved.</summary>
internal enum WsOpcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

internal static class WsOpcodeExtensions
{
    /// <summary>Control opcodes have the high bit of the nibble set (§5.5).</summary>
    public static bool IsControl(this WsOpcode opcode) => ((byte)opcode & 0x8) != 0;

    public static bool IsDefined(this WsOpcode opcode) => opcode switch
    {
        WsOpcode.Continuation or WsOpcode.Text or WsOpcode.Binary
            or WsOpcode.Close or WsOpcode.Ping or WsOpcode.Pong => true,
        _ => false,
    };
}
