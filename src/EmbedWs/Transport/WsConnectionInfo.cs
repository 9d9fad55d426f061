using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Security.Claims;
using System.Threading;
using EmbedWs.Protocol;

namespace EmbedWs;

/// <summary>
/// What a client sent in its opening handshake, and where it came from. Also describes a plain
/// HTTP request given to the HTTP fallback handler. Immutable once the connection is open.
/// </summary>
public sealed class WsConnectionInfo
{
    private static readonly IReadOnlyDictionary<string, string> s_empty = new Dictionary<string, string>();
    private IReadOnlyDictionary<string, string>? _query;
    private IReadOnlyDictionary<string, string>? _cookies;

    // The parsed headers; after the handshake only the raw head is kept (a dozen strings and a
    // dictionary cost about three times its bytes) and they are parsed again when asked for.
    private IReadOnlyDictionary<string, string>? _headers;
    private byte[]? _head;

    internal WsConnectionInfo(HandshakeRequest request, EndPoint? remote, EndPoint? local, bool isSecure)
    {
        Method = request.Method == "GET" ? "GET" : request.Method;
        Path = request.Path;
        QueryString = request.QueryString;
        _headers = request.Headers;
        RemoteEndPoint = remote as IPEndPoint;
        LocalEndPoint = local as IPEndPoint;
        IsSecure = isSecure;
        RequestedSubProtocols = HandshakeValidator.Tokens(request.Header("Sec-WebSocket-Protocol"));
    }

    /// <summary>The HTTP method: GET for a WebSocket (CONNECT over HTTP/2, RFC 8441).</summary>
    public string Method { get; }

    /// <summary>The request path as sent (still percent-encoded), e.g. <c>/chat</c>.</summary>
    public string Path { get; }

    /// <summary>The raw query after '?', without it; empty when there is none.</summary>
    public string QueryString { get; }

    /// <summary>The query parameters, percent-decoded; for a repeated name the first value wins.</summary>
    public IReadOnlyDictionary<string, string> Query => _query ??= ParseQuery(QueryString);

    /// <summary>The request headers; names are case-insensitive, repeated headers joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers => Volatile.Read(ref _headers) ?? ParseHead();

    /// <summary>The cookies of the Cookie header.</summary>
    public IReadOnlyDictionary<string, string> Cookies => _cookies ??= ParseCookies(Header("Cookie"));

    /// <summary>The Origin header (browsers always send it), or null.</summary>
    public string? Origin => Header("Origin");

    /// <summary>The Host header.</summary>
    public string? Host => Header("Host");

    /// <summary>The client's address and port.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>The server address and port the client connected to.</summary>
    public IPEndPoint? LocalEndPoint { get; }

    /// <summary>True over TLS (wss://).</summary>
    public bool IsSecure { get; }

    /// <summary>The subprotocols the client offered (Sec-WebSocket-Protocol), in its order of preference.</summary>
    public IReadOnlyList<string> RequestedSubProtocols { get; }

    /// <summary>
    /// The authenticated user the HTTP server in front knew (ASP.NET Core's <c>HttpContext.User</c>
    /// under <c>MapEmbedWs</c>); null on the server's own listener.
    /// </summary>
    public ClaimsPrincipal? User { get; internal set; }

    /// <summary>
    /// Set by a mount whose endpoint for the dashboard has an authorization policy the other server
    /// already enforced (ASP.NET Core's <c>MapEmbedWsDashboard().RequireAuthorization()</c>).
    /// </summary>
    internal bool DashboardAuthorizedByHost { get; set; }

    /// <summary>The subprotocol the server chose, or null when none.</summary>
    public string? SubProtocol { get; internal set; }

    /// <summary>
    /// The extensions agreed in the handshake, as the server answered them in
    /// Sec-WebSocket-Extensions (for example <c>permessage-deflate; server_no_context_takeover</c>),
    /// or null when none (see <see cref="WsServerOptions.Compression"/>).
    /// </summary>
    public string? Extensions { get; internal set; }

    /// <summary>A header's value, or null when absent.</summary>
    /// <param name="name">The header name, any case.</param>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    /// <inheritdoc/>
    public override string ToString() => $"{RemoteEndPoint} {Path}";

    /// <summary>
    /// Keeps <paramref name="head"/> (the request head these headers were parsed from, up to
    /// its blank line) instead of the parsed headers; <see cref="Headers"/> parses it again on
    /// first use. For a connection that lives on after its handshake.
    /// </summary>
    internal void KeepHeadOnly(ReadOnlySpan<byte> head)
    {
        _head = head.ToArray();
        Volatile.Write(ref _headers, null);
    }

    private IReadOnlyDictionary<string, string> ParseHead()
    {
        // The same parser as the handshake's, on the same bytes: the same headers. (Two threads
        // may both parse; either result is kept.)
        var head = _head!;
        var status = HandshakeParser.TryParse(head, head.Length, out var request, out _);
        Debug.Assert(status == HandshakeParseStatus.Complete, "the head was parsed once already");
        var headers = request?.Headers ?? (IReadOnlyDictionary<string, string>)s_empty;
        Volatile.Write(ref _headers, headers);
        return headers;
    }

    private static IReadOnlyDictionary<string, string> ParseQuery(string query)
    {
        if (query.Length == 0)
        {
            return s_empty;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            int eq = pair.IndexOf('=');
            string name = Decode(eq < 0 ? pair : pair.Substring(0, eq));
            string value = eq < 0 ? string.Empty : Decode(pair.Substring(eq + 1));
            if (!result.ContainsKey(name))
            {
                result[name] = value;
            }
        }

        return result;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    private static IReadOnlyDictionary<string, string> ParseCookies(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return s_empty;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header!.Split(';'))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            string name = part.Substring(0, eq).Trim();
            string value = part.Substring(eq + 1).Trim().Trim('"');
            if (name.Length > 0 && !result.ContainsKey(name))
            {
                result[name] = value;
            }
        }

        return result;
    }
}
