using EmbedWs.Protocol;

namespace EmbedWs.Tests.Protocol;

/// <summary>
/// permessage-deflate negotiation (RFC 7692 §5, §7.1): every offer read, the first acceptable
/// one accepted, the answer naming exactly what was accepted.
/// </summary>
[TestFixture]
internal class DeflateNegotiationTests
{
    private static readonly DeflatePolicy s_default = new(serverContextTakeover: false, clientContextTakeover: true);
    private static readonly DeflatePolicy s_allTakeover = new(serverContextTakeover: true, clientContextTakeover: true);

    [TestCase("permessage-deflate", "permessage-deflate")]
    [TestCase("permessage-deflate; client_max_window_bits", "permessage-deflate")]
    [TestCase("permessage-deflate; client_max_window_bits=10", "permessage-deflate")]
    [TestCase("permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover")]
    [TestCase("permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover")]
    [TestCase("permessage-deflate; server_max_window_bits=15", "permessage-deflate; server_max_window_bits=15")]
    [TestCase("permessage-deflate; server_max_window_bits=\"15\"", "permessage-deflate; server_max_window_bits=15")]
    [TestCase("PerMessage-Deflate ;  Client_No_Context_Takeover ", "permessage-deflate; client_no_context_takeover")]
    public void Negotiate_AcceptableOffer_AnswersExactlyItsParameters(string header, string answer)
    {
        var agreed = DeflateNegotiation.Negotiate(header, s_allTakeover);

        Assert.That(agreed, Is.Not.Null);
        Assert.That(agreed!.Answer, Is.EqualTo(answer));
    }

    [Test]
    public void Negotiate_DefaultPolicy_AnswersServerNoContextTakeover()
    {
        var agreed = DeflateNegotiation.Negotiate("permessage-deflate; client_max_window_bits", s_default)!;

        Assert.That(agreed.Answer, Is.EqualTo("permessage-deflate; server_no_context_takeover"));
        Assert.That(agreed.ServerNoContextTakeover, Is.True);
        Assert.That(agreed.ClientNoContextTakeover, Is.False);
    }

    [Test]
    public void Negotiate_NoClientTakeoverPolicy_AnswersClientNoContextTakeover()
    {
        var agreed = DeflateNegotiation.Negotiate("permessage-deflate", new DeflatePolicy(true, clientContextTakeover: false))!;

        Assert.That(agreed.Answer, Is.EqualTo("permessage-deflate; client_no_context_takeover"));
        Assert.That(agreed.ClientNoContextTakeover, Is.True);
    }

    [TestCase(8, 256)]
    [TestCase(10, 1024)]
    [TestCase(14, 16384)]
    public void Negotiate_SmallServerWindow_NoServerTakeoverAndMessagesUpToTheWindowCompressed(int bits, int longest)
    {
        var agreed = DeflateNegotiation.Negotiate($"permessage-deflate; server_max_window_bits={bits}", s_allTakeover)!;

        Assert.That(agreed.Answer, Is.EqualTo($"permessage-deflate; server_no_context_takeover; server_max_window_bits={bits}"));
        Assert.That(agreed.MaxCompressedMessage, Is.EqualTo(longest));
    }

    [TestCase("")]
    [TestCase("x-webkit-deflate-frame")]
    [TestCase("permessage-deflate; server_max_window_bits")]             // needs a value
    [TestCase("permessage-deflate; server_max_window_bits=7")]
    [TestCase("permessage-deflate; server_max_window_bits=16")]
    [TestCase("permessage-deflate; server_max_window_bits=08")]          // no leading zero
    [TestCase("permessage-deflate; client_max_window_bits=abc")]
    [TestCase("permessage-deflate; server_no_context_takeover=1")]       // takes no value
    [TestCase("permessage-deflate; client_no_context_takeover; client_no_context_takeover")]
    [TestCase("permessage-deflate; server_max_window_bits=10; server_max_window_bits=10")]
    [TestCase("permessage-deflate; unknown_parameter")]
    [TestCase("permessage-deflate;")]
    [TestCase("permessage-deflate; server_max_window_bits=\"1 5\"")]
    [TestCase("permessage-deflate; server_max_window_bits=\"15")]
    public void Negotiate_NoAcceptableOffer_IsNull(string header)
    {
        Assert.That(DeflateNegotiation.Negotiate(header, s_default), Is.Null);
    }

    [TestCase("permessage-deflate; unknown, permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover")]
    [TestCase("foo; a=\"x,y\", permessage-deflate; server_max_window_bits=9", "permessage-deflate; server_no_context_takeover; server_max_window_bits=9")]
    [TestCase("permessage-deflate; server_max_window_bits=20, permessage-deflate", "permessage-deflate")]
    [TestCase("permessage-deflate; client_no_context_takeover, permessage-deflate", "permessage-deflate; client_no_context_takeover")]
    public void Negotiate_SeveralOffers_TheFirstAcceptableWins(string header, string answer)
    {
        Assert.That(DeflateNegotiation.Negotiate(header, s_allTakeover)?.Answer, Is.EqualTo(answer));
    }
}
