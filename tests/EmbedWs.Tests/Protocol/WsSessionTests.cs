using System.Collections.Generic;
using System.Linq;
using System.Text;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Protocol;

/// <summary>
/// The connection protocol without I/O (DESIGN §2): bytes and timestamps in, events and control
/// frames out. Lifecycle, closing handshake, ping/pong and the time limits, on fake timestamps.
/// </summary>
public partial class WsSessionTests
{
    private const long ReadTimeout = 1_000;
    private const long CloseTimeout = 500;

    private RecordingSink _sink = null!;
    private WsSession _session = null!;

    [SetUp]
    public void SetUp()
    {
        _sink = new RecordingSink();
        _leftover = Array.Empty<byte>();
        _session = new WsSession(_sink, new SessionLimits(maxMessageSize: 1024, maxFragments: 4, ReadTimeout, CloseTimeout));
    }

    [TearDown]
    public void TearDown() => _session.Dispose();

    [Test]
    public void Open_FromConnecting_IsOpen_Once()
    {
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.Connecting));
        Assert.That(_session.Open(), Is.True);
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(_session.Open(), Is.False);
    }

    [Test]
    public void Receive_TextFrame_IsAMessageWithItsPayload()
    {
        _session.Open();

        var events = Feed(ClientFrame.Text("hello"));

        Assert.That(events, Is.EqualTo(new[] { "message hello" }));
        Assert.That(_sink.Frames, Is.Empty);
    }

    [Test]
    public void Receive_Ping_AnsweredWithPongOfTheSamePayload()
    {
        _session.Open();

        var events = Feed(ClientFrame.Ping("p1"u8));

        Assert.That(events, Is.Empty);
        Assert.That(_sink.Frames, Is.EqualTo(new[] { "pong p1" }));
    }

    [Test]
    public void Receive_TenPingsInOneRead_EachAnswered()
    {
        _session.Open();

        Feed(Pings(10));

        Assert.That(_sink.Frames, Is.EqualTo(Enumerable.Range(0, 10).Select(i => "pong p" + i)));
        Assert.That(_session.PingsCoalesced, Is.Zero);
    }

    [Test]
    public void Receive_PingFloodInOneRead_FirstSixteenAnswered_ThenOnlyTheLatest()
    {
        _session.Open();

        Feed(Pings(20));

        var expected = Enumerable.Range(0, WsSession.MaxPongsPerRead).Select(i => "pong p" + i).Append("pong p19");
        Assert.That(_sink.Frames, Is.EqualTo(expected));
        Assert.That(_session.PingsCoalesced, Is.EqualTo(3), "p16, p17 and p18 were merged into p19's pong");
    }

    [Test]
    public void Receive_CoalescedPongBeforeAMessage_KeepsItsPlace()
    {
        _session.Open();
        var order = new List<string>();
        _sink.OnFrame = order.Add;

        foreach (var e in Feed(ClientFrame.Concat(Pings(18), ClientFrame.Text("after"))))
        {
            order.Add(e);
        }

        Assert.That(order.Skip(WsSession.MaxPongsPerRead), Is.EqualTo(new[] { "pong p17", "message after" }));
    }

    [Test]
    public void Receive_ClientCloseFirst_EchoesItsCode_StateCloseReceived_ReasonKept()
    {
        _session.Open();

        var events = Feed(ClientFrame.Concat(ClientFrame.Close(4001, "bye"), ClientFrame.Text("ignored")));

        Assert.That(events, Is.EqualTo(new[] { "closed" }));
        Assert.That(_sink.Frames, Is.EqualTo(new[] { "close 4001" }));
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.CloseReceived));
        var info = _session.CloseInfo!;
        Assert.That((info.Code, info.Reason, info.Cause), Is.EqualTo(((ushort)4001, "bye", WsCloseCause.ClientClosed)));
        Assert.That(_session.IsReceiving, Is.False);
        Assert.That(Feed(ClientFrame.Text("more")), Is.Empty, "nothing is read after the client's close");
        Assert.That(_session.End().Cause, Is.EqualTo(WsCloseCause.ClientClosed));
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.Closed));
    }

    [Test]
    public void Receive_ClientCloseWithoutCode_AnsweredWithAnEmptyClose_Reported1005()
    {
        _session.Open();

        Feed(ClientFrame.Close());

        Assert.That(_sink.Frames, Is.EqualTo(new[] { "close" }));
        Assert.That(_session.CloseInfo!.Code, Is.EqualTo(1005));
    }

    [Test]
    public void StartClose_SendsCloseOnce_ClientAnswer_EndsClosed()
    {
        _session.Open();

        Assert.That(_session.StartClose(4000, "done", WsCloseCause.ServerClosed, now: 10), Is.True);
        Assert.That(_session.StartClose(1000, "again", WsCloseCause.ServerClosed, now: 11), Is.False);

        Assert.That(_sink.Frames, Is.EqualTo(new[] { "close 4000 done" }));
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.CloseSent));
        Assert.That(Feed(ClientFrame.Concat(ClientFrame.Text("late"), ClientFrame.Close(4000))), Is.EqualTo(new[] { "closed" }), "data after the server's close is dropped");
        Assert.That(_sink.Frames, Has.Count.EqualTo(1), "the client's answer is not answered again");
        var end = _session.End();
        Assert.That((end.Code, end.Reason, end.Cause), Is.EqualTo(((ushort)4000, "done", WsCloseCause.ServerClosed)));
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.Closed));
    }

    [TestCase("unmasked", 1002, "unmasked_frame", WsCloseCause.ProtocolError)]
    [TestCase("big", 1009, "message_too_big", WsCloseCause.MessageTooBig)]
    [TestCase("fragments", 1008, "too_many_fragments", WsCloseCause.PolicyViolation)]
    [TestCase("utf8", 1007, "invalid_utf8", WsCloseCause.ProtocolError)]
    public void Receive_ProtocolError_ClosesWithItsCodeAndErrorCode(string what, int code, string reason, WsCloseCause cause)
    {
        _session.Open();
        byte[] bad = what switch
        {
            "unmasked" => ClientFrame.Text("x", masked: false),
            "big" => ClientFrame.Binary(new byte[1025]),
            "fragments" => ClientFrame.Concat(Enumerable.Range(0, 5).Select(i => i == 0 ? ClientFrame.Text("a", fin: false) : ClientFrame.Continuation("a", fin: false)).ToArray()),
            _ => ClientFrame.TextBytes(new byte[] { 0xC3, 0x28 }),
        };

        var events = Feed(ClientFrame.Concat(ClientFrame.Text("before"), bad, ClientFrame.Text("after")));

        Assert.That(events, Is.EqualTo(new[] { "message before", "error" }), "the message before the bad frame is delivered first");
        Assert.That(_sink.Frames, Is.EqualTo(new[] { $"close {code} {reason}" }));
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.CloseSent));
        Assert.That(_session.CloseInfo!.Cause, Is.EqualTo(cause));
    }

    [Test]
    public void ReadTimeout_HalfAFrameOlderThanTheLimit_ClosesWith1008()
    {
        _session.Open();
        byte[] frame = ClientFrame.Text("hello, slow world");

        FeedAt(frame.AsSpan(0, 9).ToArray(), now: 100);

        Assert.That(_session.IncompleteSince, Is.EqualTo(100));
        Assert.That(_session.CheckDeadlines(100 + ReadTimeout), Is.EqualTo(SessionDeadline.None));
        Assert.That(_session.CheckDeadlines(101 + ReadTimeout), Is.EqualTo(SessionDeadline.ReadTimeout));
        Assert.That(_sink.Frames, Is.EqualTo(new[] { "close 1008 read timeout" }));
        Assert.That(_session.CloseInfo!.Cause, Is.EqualTo(WsCloseCause.PolicyViolation));
    }

    [Test]
    public void ReadTimeout_SilenceBetweenMessages_IsNotLimited()
    {
        _session.Open();

        FeedAt(ClientFrame.Text("whole"), now: 100);

        Assert.That(_session.IncompleteSince, Is.Zero);
        Assert.That(_session.CheckDeadlines(100 + (10 * ReadTimeout)), Is.EqualTo(SessionDeadline.None));
    }

    [Test]
    public void ReadTimeout_TheClockKeepsRunningAcrossReadsOfOneMessage_AndRestartsForTheNext()
    {
        _session.Open();
        byte[] first = ClientFrame.Text("first message");
        byte[] second = ClientFrame.Text("second message");

        FeedAt(first.AsSpan(0, 5).ToArray(), now: 100);
        FeedAt(first.AsSpan(5, 5).ToArray(), now: 600);
        Assert.That(_session.IncompleteSince, Is.EqualTo(100), "still the first message's start");

        FeedAt(ClientFrame.Concat(first.AsSpan(10).ToArray(), second.AsSpan(0, 5).ToArray()), now: 900);
        Assert.That(_session.IncompleteSince, Is.EqualTo(900), "the second message began in this read");
    }

    [Test]
    public void ReadTimeout_TimeWhileAReadIsProcessed_DoesNotCount()
    {
        _session.Open();
        byte[] frame = ClientFrame.Text("slow handler");
        FeedAt(frame.AsSpan(0, 5).ToArray(), now: 100);

        _session.BeginRead(200);
        Assert.That(_session.CheckDeadlines(100 + (5 * ReadTimeout)), Is.EqualTo(SessionDeadline.None), "not checked while the server works on a read");
        _session.EndRead(leftover: 5, now: 100 + (5 * ReadTimeout));
        Assert.That(_session.IncompleteSince, Is.EqualTo(100), "resumed with the message's own start");
    }

    [Test]
    public void CloseTimeout_ClientNeverAnswers_ReportedOnceItPassed()
    {
        _session.Open();
        _session.StartClose(1000, "", WsCloseCause.ServerClosed, now: 1_000);

        Assert.That(_session.CheckDeadlines(1_000 + CloseTimeout), Is.EqualTo(SessionDeadline.None));
        Assert.That(_session.CheckDeadlines(1_001 + CloseTimeout), Is.EqualTo(SessionDeadline.CloseTimeout));
    }

    [Test]
    public void Abort_WhileOpen_EndsAborted1006()
    {
        _session.Open();

        _session.Abort(WsCloseCause.Aborted);
        var end = _session.End();

        Assert.That((end.Code, end.Cause), Is.EqualTo(((ushort)1006, WsCloseCause.Aborted)));
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.Aborted));
        Assert.That(_sink.Frames, Is.Empty, "no close frame for an abort");
    }

    [Test]
    public void End_WithoutAnyClose_IsConnectionLost()
    {
        _session.Open();

        var end = _session.End();

        Assert.That((end.Code, end.Cause), Is.EqualTo(((ushort)1006, WsCloseCause.ConnectionLost)));
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.Aborted));
    }

    [Test]
    public void StartClose_BeforeOpen_ClosesAndOpenFails()
    {
        Assert.That(_session.StartClose(1001, "server stopping", WsCloseCause.ServerStopping, now: 1), Is.True);
        Assert.That(_session.Open(), Is.False);
        Assert.That(_session.State, Is.EqualTo(WsConnectionState.CloseSent));
    }

    private static byte[] Pings(int count) =>
        ClientFrame.Concat(Enumerable.Range(0, count).Select(i => ClientFrame.Ping(Encoding.ASCII.GetBytes("p" + i))).ToArray());

    private List<string> Feed(byte[] bytes) => FeedAt(bytes, now: 1);

    // One read: every event of the bytes, as the read loop would see them. A partial header left
    // over is kept and read again in front of the next bytes, as the read loop does.
    private List<string> FeedAt(byte[] bytes, long now)
    {
        var events = new List<string>();
        _session.BeginRead(now);
        var input = _leftover.Concat(bytes).ToArray().AsMemory();
        int left = 0;
        while (true)
        {
            var e = _session.Receive(input, out int used, out var frame);
            input = input.Slice(used);
            if (e == SessionEvent.NeedMore)
            {
                left = input.Length;
                break;
            }

            events.Add(e switch
            {
                SessionEvent.Message => "message " + Encoding.UTF8.GetString(frame.Payload.Span),
                SessionEvent.Pong => "pong " + Encoding.UTF8.GetString(frame.Payload.Span),
                SessionEvent.CloseReceived => "closed",
                _ => "error",
            });
            if (e is SessionEvent.CloseReceived or SessionEvent.ProtocolError)
            {
                break;
            }
        }

        _leftover = input.Slice(input.Length - left).ToArray();
        _session.EndRead(left, now);
        return events;
    }

    private byte[] _leftover = Array.Empty<byte>();

    /// <summary>The control frames the session queues, as text: "pong PAYLOAD", "close CODE REASON".</summary>
    private sealed class RecordingSink : IControlFrameSink
    {
        public List<string> Frames { get; } = new();

        public Action<string>? OnFrame { get; set; }

        public void SendControl(WsOpcode opcode, ReadOnlySpan<byte> payload)
        {
            string text = opcode switch
            {
                WsOpcode.Close when payload.Length >= 2 =>
                    ("close " + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(payload) + " " + Encoding.UTF8.GetString(payload.Slice(2))).TrimEnd(),
                WsOpcode.Close => "close",
                _ => opcode.ToString().ToLowerInvariant() + " " + Encoding.UTF8.GetString(payload),
            };
            Frames.Add(text);
            OnFrame?.Invoke(text);
        }
    }
}
