using EmbedWs.Protocol;

namespace EmbedWs.Transport;

/// <summary>
/// permessage-deflate from the server's settings, the same for the listener's handshakes and a
/// mount's (<see cref="UpgradeAdmission"/>): what the server agrees to for a request's offers,
/// and the connection's compressor and decompressor for what was agreed.
/// </summary>
internal static class ConnectionCompression
{
    /// <summary>
    /// The parameters agreed for <paramref name="offers"/> (the request's Sec-WebSocket-Extensions),
    /// or null: compression off, no acceptable offer, or a runtime whose DeflateStream cannot end a
    /// message with a sync flush (<see cref="MessageDeflater.SyncFlushWorks"/>).
    /// </summary>
    public static DeflateParameters? Negotiate(WsSettings settings, string? offers) =>
        settings.Compression && MessageDeflater.SyncFlushWorks
            ? DeflateNegotiation.Negotiate(offers, new DeflatePolicy(settings.CompressionServerContextTakeover, settings.CompressionClientContextTakeover))
            : null;

    /// <summary>The connection's permessage-deflate state for what was agreed; null when nothing was.</summary>
    public static PerMessageDeflate? Create(DeflateParameters? agreed, WsSettings settings) =>
        agreed is null ? null : new PerMessageDeflate(agreed, settings.CompressionThreshold, settings.CompressionLevel);
}
