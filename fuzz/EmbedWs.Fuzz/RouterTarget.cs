using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Routing;
using EmbedWs.Transport;
using Newtonsoft.Json.Linq;
using static EmbedWs.Fuzz.InvariantException;

namespace EmbedWs.Fuzz;

/// <summary>
/// A text message through the JSON router, without sockets (as the routing benchmarks drive
/// it): the envelope parse (the serializer's TryReadEnvelope: Newtonsoft's for "router", System.Text.Json's for "router-stj"), the route lookup, data
/// binding, a handler, and the reply. The outcome must be one of the documented ones: a reply,
/// an error reply with a documented code, or nothing for a message without an id, and every
/// reply must be strict JSON (checked with System.Text.Json, not the library that wrote it).
/// </summary>
internal static class RouterTarget
{
    private static readonly HashSet<string> s_errorCodes = new(StringComparer.Ordinal)
    {
        WsRoutingErrors.InvalidJson, WsRoutingErrors.InvalidEnvelope, WsRoutingErrors.UnknownType,
        WsRoutingErrors.InvalidData, WsRoutingErrors.HandlerError, RouterRoutes.ReplyErrorCode,
    };

    private static readonly RecordingHost s_host = new();
    private static IWsJsonSerializer s_serializer = new NewtonsoftWsSerializer();
    private static WsRouter s_router = RouterRoutes.CreateRouter(s_host, s_serializer);

    /// <summary>The router-stj target: the same checks with SystemTextJsonWsSerializer (same envelopes, codes and wire format).</summary>
    public static void UseSystemTextJson()
    {
        s_serializer = new SystemTextJsonWsSerializer(RouterJsonContext.Default);
        s_router = RouterRoutes.CreateRouter(s_host, s_serializer);
    }

    /// <summary>
    /// Runs the seed envelopes once, so that first-use work (Newtonsoft's contract cache for each
    /// route's type, static setup) is done before the fuzzer measures coverage: otherwise the
    /// first input after each start takes other paths and AFL reports the target as unstable.
    /// </summary>
    public static void WarmUp()
    {
        foreach (var (_, text) in Seeds.Envelopes())
        {
            Run(Encoding.UTF8.GetBytes(text));
        }
    }

    public static void Run(byte[] input)
    {
        // The parse step alone: never throws, and says why when it refuses.
        bool read = s_serializer.TryReadEnvelope(input, out var envelope, out var code, out var message);
        if (read)
        {
            Check(code is null && message is null, "a read envelope has no error");
            Check(!string.IsNullOrEmpty(envelope.Type), "a read envelope has a type");
            Check(envelope.Id is null || IsStringOrNumber(RawText(envelope.Id)), "an id is a string or a number, kept as its JSON text");
        }
        else
        {
            Check(code is WsRoutingErrors.InvalidJson or WsRoutingErrors.InvalidEnvelope, $"a refused envelope is invalid_json or invalid_envelope, not {code}");
            Check(!string.IsNullOrEmpty(message), "a refused envelope says why");
        }

        // The whole router. Every route here is synchronous, so it completes at once.
        var connection = new FakeConnection();
        s_host.Reset();
        var handled = s_router.HandleAsync(connection, new WsMessage(WsMessageType.Text, input));
        Check(handled.IsCompletedSuccessfully, "synchronous routes complete at once");
        Check(s_host.MessagesRaised == 0, "text is not passed to OnMessage unless UnroutedTextToOnMessage");
        Check(s_host.ErrorsRaised <= 1, "at most one OnError per message");

        // An unreadable message is always answered; otherwise only a message with an id.
        bool answered = !read || envelope.Id is not null;
        Check(s_host.Sent.Count == (answered ? 1 : 0), $"{s_host.Sent.Count} replies; expected {(answered ? 1 : 0)}");
        if (answered)
        {
            CheckReply(s_host.Sent[0], envelope, read ? null : code);
        }
    }

    private static void CheckReply(string text, WsEnvelope request, string? expectedCode)
    {
        // What goes on the wire (the router's UTF-8, decoded by the host and encoded back here).
        using var reply = JsonDocument.Parse(Encoding.UTF8.GetBytes(text));
        var root = reply.RootElement;
        Check(root.ValueKind == JsonValueKind.Object, "a reply is a JSON object");
        Check(root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String, "a reply has a string type");
        if (type.GetString() == "error")
        {
            Check(root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object, "an error reply has an error object");
            Check(error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && s_errorCodes.Contains(code.GetString()!), "an error reply has a documented code");
            Check(error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String, "an error reply has a message");
            Check(expectedCode is null || code.GetString() == expectedCode, $"the error reply's code is {expectedCode}");
        }
        else
        {
            Check(expectedCode is null && type.GetString() == request.Type, "a reply has the request's type");
        }

        bool hasId = root.TryGetProperty("id", out var id);
        Check(hasId == (request.Id is not null), "a reply has an id exactly when the request had one");
        if (request.Id is not null)
        {
            // Echoed byte for byte, whatever JSON spelling it had.
            Check(id.GetRawText() == RawText(request.Id), "an id comes back exactly as it came");
        }
    }

    // Each serializer keeps the id as its JSON text: Newtonsoft in a JRaw, System.Text.Json in a
    // holder whose ToString is that text.
    private static string RawText(object id) => id is JRaw { Value: string raw } ? raw : id.ToString()!;

    private static bool IsStringOrNumber(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind is JsonValueKind.String or JsonValueKind.Number;
    }

    /// <summary>What the router sends and raises, instead of a server.</summary>
    private sealed class RecordingHost : IRouteHost
    {
        public List<string> Sent { get; } = new();

        public int MessagesRaised { get; private set; }

        public int ErrorsRaised { get; private set; }

        public void Reset()
        {
            Sent.Clear();
            MessagesRaised = 0;
            ErrorsRaised = 0;
        }

        public ValueTask RaiseMessageAsync(IWsConnection connection, WsMessage message)
        {
            MessagesRaised++;
            return default;
        }

        public void RaiseError(IWsConnection? connection, Exception exception)
        {
            ErrorsRaised++;
            Check(exception is WsRoutingException, $"OnError got {exception.GetType().Name}, not WsRoutingException");
        }

        public void SendText(IWsConnection connection, ReadOnlySpan<byte> utf8) => Sent.Add(Encoding.UTF8.GetString(utf8));
    }

    /// <summary>The router reads only a connection's id and state.</summary>
    private sealed class FakeConnection : IWsConnection
    {
        public long Id => 1;

        public WsConnectionInfo Info => throw new NotSupportedException("the router does not read the connection info");

        public WsConnectionState State => WsConnectionState.Open;

        public IDictionary<string, object?> Items { get; } = new Dictionary<string, object?>();

        public TimeSpan? RoundTripTime => null;

        public CancellationToken Closed => CancellationToken.None;

        public bool Send(string text) => throw new InvalidOperationException("the router sends through its host");

        public bool Send(ReadOnlyMemory<byte> data) => throw new InvalidOperationException("the router sends text");

        public bool SendJson(string type, object? data) => throw new InvalidOperationException("the router sends through its host");

        public bool Send(string text, WsDelivery delivery) => throw new InvalidOperationException("the router sends through its host");

        public bool Send(ReadOnlyMemory<byte> data, WsDelivery delivery) => throw new InvalidOperationException("the router sends text");

        public bool SendJson(string type, object? data, WsDelivery delivery) => throw new InvalidOperationException("the router sends through its host");

        public int SendQueueBytes => 0;

        public bool IsCongested => false;

        public long MessagesDropped => 0;

        public long MessagesReplaced => 0;

        public ValueTask<bool> WhenUncongestedAsync(CancellationToken cancellationToken = default) => new(true);

        public ValueTask<bool> FlushAsync(CancellationToken cancellationToken = default) => new(true);

        public void Close(ushort code = 1000, string? reason = null) => throw new InvalidOperationException("the router never closes");

        public void Abort() => throw new InvalidOperationException("the router never aborts");
    }
}
