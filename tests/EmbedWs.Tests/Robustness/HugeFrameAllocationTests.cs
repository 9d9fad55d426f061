using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// A frame header declaring 2^62 bytes (alone, or as a continuation that pushes the message over
/// the limit) gets close 1009 without the server allocating anything near the declared size or
/// the limit. NonParallelizable: GC.GetTotalAllocatedBytes counts the whole process, so other
/// tests must not run meanwhile. The limit is 64 MiB and the bound 8 MiB: a decoder that sized
/// its buffer from the header, or up front from the limit, shows as a jump far over the bound,
/// while the noise of one test is far under it.
/// </summary>
[NonParallelizable]
public class HugeFrameAllocationTests
{
    private const int Limit = 64 * 1024 * 1024;
    private const long Bound = 8 * 1024 * 1024;

    [TestCase(false, TestName = "HugeHeader_Closes1009_ProcessAllocatesUnder8MiB")]
    [TestCase(true, TestName = "HugeContinuationAfterFragment_Closes1009_ProcessAllocatesUnder8MiB")]
    public async Task HugeDeclaredLength_Closes1009_WithoutABigAllocation(bool asContinuation)
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MaxMessageSize = Limit;
            o.CloseTimeout = TimeSpan.FromSeconds(2);
        });
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        // One round trip first, so the connection's own buffers and the code paths are warm.
        await client.SendAsync(ClientFrame.Binary(new byte[100]));
        Assert.That((await client.ReadMessageAsync()).Payload, Has.Length.EqualTo(100));
        byte[] attack = asContinuation
            ? ClientFrame.Concat(ClientFrame.Binary(new byte[1000], fin: false), ClientFrame.Header(ClientFrame.OpContinuation, 1UL << 62))
            : ClientFrame.Header(ClientFrame.OpBinary, 1UL << 62);
        long before = GC.GetTotalAllocatedBytes(precise: true);

        await client.SendAsync(attack);

        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1009));
        await client.SendAsync(ClientFrame.Close(1009));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.MessageTooBig));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Out.WriteLine($"allocated while refusing the frame: {allocated:N0} bytes");
        Assert.That(allocated, Is.LessThan(Bound), "the server allocated from the declared length or the limit");
    }
}
