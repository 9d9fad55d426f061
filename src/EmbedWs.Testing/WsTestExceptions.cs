using System;

namespace EmbedWs.Testing;

/// <summary>The server refused the test client's handshake (the origin check, a limit, the accept hook...).</summary>
public sealed class WsTestHandshakeException : Exception
{
    internal WsTestHandshakeException(int statusCode, string body)
        : base($"The server refused the handshake with {statusCode}: {body}")
    {
        StatusCode = statusCode;
        Body = body;
    }

    /// <summary>The HTTP status the server answered, e.g. 401 or 403.</summary>
    public int StatusCode { get; }

    /// <summary>The refusal's text.</summary>
    public string Body { get; }
}

/// <summary>A request of <see cref="WsTestClient.RequestAsync{TReply}"/> was answered with an error envelope.</summary>
public sealed class WsTestErrorReplyException : Exception
{
    internal WsTestErrorReplyException(string code, string message)
        : base($"{code}: {message}")
    {
        Code = code;
    }

    /// <summary>The error code: invalid_json, invalid_envelope, unknown_type, invalid_data, handler_error, or the handler's own.</summary>
    public string Code { get; }
}
