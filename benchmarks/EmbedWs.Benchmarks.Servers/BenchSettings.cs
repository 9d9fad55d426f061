using System;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Serialization;
using EmbedWs.Json;

namespace EmbedWs.Benchmarks.Servers;

/// <summary>
/// What a row of run.sh sets on every server beside its mode: <c>--compression on</c>
/// (permessage-deflate, each server's own way) and, for EmbedWs, <c>--compression-level
/// optimal</c> (zlib level 6, Kestrel's, instead of the default <c>Fastest</c>) and
/// <c>--serializer stj</c> (System.Text.Json with a source-generated context instead of the
/// Newtonsoft.Json default); for EmbedWs and SignalR, <c>--backplane redis=HOST:PORT</c> (the
/// fan-out goes through a Redis backplane: EmbedWs.Redis, or SignalR's <c>AddStackExchangeRedis</c>);
/// for EmbedWs, <c>--send-buffer BYTES</c> (<c>SocketSendBufferBytes</c>: the kernel's send buffer
/// of each accepted socket, instead of the system's).
/// </summary>
internal sealed record BenchSettings(bool Compression, CompressionLevel CompressionLevel, string Serializer, string? Redis = null, int? SendBuffer = null)
{
    public static readonly BenchSettings Default = new(false, CompressionLevel.Fastest, "newtonsoft");

    /// <summary>The channel prefix both backplanes use: one benchmark cluster per redis-server.</summary>
    public const string ChannelPrefix = "bench";

    /// <summary>The serializer of EmbedWs's routes: the default (Newtonsoft.Json), or System.Text.Json.</summary>
    public IWsJsonSerializer JsonSerializer() => Serializer == "stj"
        ? new SystemTextJsonWsSerializer(BenchJson.Default)
        : new WsServerOptions().JsonSerializer;

    /// <summary>
    /// <c>{"allocatedBytes":N}</c>: every byte the process allocated so far (precise), which the
    /// load generator (<c>--server-stats</c>) reads at both ends of its window.
    /// </summary>
    public static byte[] StatsJson() => Encoding.ASCII.GetBytes($"{{\"allocatedBytes\":{GC.GetTotalAllocatedBytes(precise: true)}}}");

    /// <summary>EmbedWs's: <see cref="StatsJson()"/> and <c>"replaced":N</c>, the latest-by-key messages replaced so far.</summary>
    public static byte[] StatsJson(long replaced) =>
        Encoding.ASCII.GetBytes($"{{\"allocatedBytes\":{GC.GetTotalAllocatedBytes(precise: true)},\"replaced\":{replaced}}}");
}

/// <summary>The route benchmark's types for System.Text.Json, generated at compile time.</summary>
[JsonSerializable(typeof(AddRequest))]
[JsonSerializable(typeof(AddReply))]
internal sealed partial class BenchJson : JsonSerializerContext;
