using System;
using System.IO.Compression;

namespace EmbedWs;

// permessage-deflate (RFC 7692): off by default; Compression = true turns it on. docs/compression.md.
public sealed partial class WsServerOptions
{
    private bool _compression;
    private int _compressionThreshold = 1024;
    private CompressionLevel _compressionLevel = CompressionLevel.Fastest;
    private bool _compressionServerContextTakeover;
    private bool _compressionClientContextTakeover = true;

    /// <summary>
    /// Agree to permessage-deflate (RFC 7692) with clients that offer it (every browser does):
    /// messages of at least <see cref="CompressionThreshold"/> bytes are sent compressed, and
    /// compressed messages are inflated, bounded by <see cref="MaxMessageSize"/> while they inflate
    /// (a larger one closes with 1009). The accept hook can turn it off per connection
    /// (<see cref="WsAcceptContext.DeclineCompression"/>). Each compressed connection costs zlib
    /// memory while it compresses or inflates (see <see cref="CompressionServerContextTakeover"/>
    /// and <see cref="CompressionClientContextTakeover"/>). Off by default.
    /// </summary>
    public bool Compression
    {
        get => _compression;
        set => Set(ref _compression, value);
    }

    /// <summary>
    /// With <see cref="Compression"/> on, the smallest message, in bytes, the server compresses;
    /// smaller ones are sent plain (each message says whether it is compressed). 0 compresses
    /// every non-empty message. The default is 1,024: below it, deflate's few bytes of overhead and
    /// its time rarely pay.
    /// </summary>
    public int CompressionThreshold
    {
        get => _compressionThreshold;
        set => Set(ref _compressionThreshold, InRange(value, 0, int.MaxValue, nameof(CompressionThreshold)));
    }

    /// <summary>
    /// With <see cref="Compression"/> on, how hard the server compresses: <c>Fastest</c> (the
    /// default: zlib level 1, the best for many small messages), <c>Optimal</c>, or
    /// <c>NoCompression</c>; on .NET 6 and later also <c>SmallestSize</c>.
    /// </summary>
    public CompressionLevel CompressionLevel
    {
        get => _compressionLevel;
        set => Set(ref _compressionLevel, Enum.IsDefined(typeof(CompressionLevel), value) ? value
            : throw new ArgumentOutOfRangeException(nameof(CompressionLevel), value, "Use a defined CompressionLevel."));
    }

    /// <summary>
    /// With <see cref="Compression"/> on, whether the server's compressor keeps its window from one
    /// message to the next (better ratios for similar messages, but its zlib state, about 222 KiB,
    /// then stays with each connection for its life). False (the default) answers
    /// <c>server_no_context_takeover</c>: each message is compressed alone and the state is
    /// released after it, so an idle connection holds none. A client that asks for no takeover
    /// or for a smaller window gets no takeover either way.
    /// </summary>
    public bool CompressionServerContextTakeover
    {
        get => _compressionServerContextTakeover;
        set => Set(ref _compressionServerContextTakeover, value);
    }

    /// <summary>
    /// With <see cref="Compression"/> on, whether clients may keep their compressor's window from
    /// one message to the next. True (the default) lets them (their messages compress better), and
    /// the server's inflater (about 26 KiB) then stays with the connection. False answers
    /// <c>client_no_context_takeover</c>: the inflater lives only while a message is inflated.
    /// </summary>
    public bool CompressionClientContextTakeover
    {
        get => _compressionClientContextTakeover;
        set => Set(ref _compressionClientContextTakeover, value);
    }
}
