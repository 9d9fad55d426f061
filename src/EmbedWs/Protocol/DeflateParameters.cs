using System.Text;

namespace EmbedWs.Protocol;

/// <summary>The permessage-deflate parameters agreed for one connection (RFC 7692 §7.1), and the answer that states them.</summary>
internal sealed class DeflateParameters
{
    public DeflateParameters(bool serverNoContextTakeover, bool clientNoContextTakeover, int serverMaxWindowBits, bool answerServerWindowBits)
    {
        ServerNoContextTakeover = serverNoContextTakeover;
        ClientNoContextTakeover = clientNoContextTakeover;
        ServerMaxWindowBits = serverMaxWindowBits;

        // §7.1: the answer names the extension and exactly the parameters accepted. The
        // client's client_max_window_bits needs no answer (§7.1.2.2: the server MAY include it):
        // our inflater always has a 32 KiB window.
        var sb = new StringBuilder(DeflateNegotiation.ExtensionName);
        if (serverNoContextTakeover)
        {
            sb.Append("; server_no_context_takeover");
        }

        if (clientNoContextTakeover)
        {
            sb.Append("; client_no_context_takeover");
        }

        if (answerServerWindowBits)
        {
            sb.Append("; server_max_window_bits=").Append(serverMaxWindowBits);
        }

        Answer = sb.ToString();
    }

    /// <summary>The server compresses each message with a fresh compressor (§7.1.1.1).</summary>
    public bool ServerNoContextTakeover { get; }

    /// <summary>The client compresses each message with a fresh compressor, so the server's inflater need not outlive a message (§7.1.1.2).</summary>
    public bool ClientNoContextTakeover { get; }

    /// <summary>The farthest back-reference the server may emit, as a power of two (§7.1.2.1); 15 when unlimited.</summary>
    public int ServerMaxWindowBits { get; }

    /// <summary>
    /// The longest message the server may compress: unlimited with a full window; otherwise
    /// 2^<see cref="ServerMaxWindowBits"/>, since a message compressed alone never refers farther
    /// back than its own length (the negotiation chose no context takeover then).
    /// </summary>
    public int MaxCompressedMessage => ServerMaxWindowBits >= 15 ? int.MaxValue : 1 << ServerMaxWindowBits;

    /// <summary>The Sec-WebSocket-Extensions value of the 101 answer.</summary>
    public string Answer { get; }
}
