using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Threading;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// A compressed frame of about 1 MiB that inflates to about 1 GiB of zeros: the server inflates
/// it only up to MaxMessageSize, closes with 1009, and its memory (the process's resident set,
/// sampled while the attack runs) grows by less than twice MaxMessageSize. NonParallelizable: the
/// resident set is the whole process's.
/// </summary>
[NonParallelizable]
public class InflationBombTests
{
    private const int Limit = 16 * 1024 * 1024;

    [Test]
    public async Task OneMiBFrameOfZeros_Closes1009_ResidentSetGrowsUnderTwiceTheLimit()
    {
        byte[] bomb = CompressZeros(1L << 30);
        Assert.That(bomb.Length, Is.InRange(900_000, 1_200_000), "about 1 MiB compressed");
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.Compression = true;
            o.MaxMessageSize = Limit;
        });
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync(new RawRequest(server.Port).Set("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits").ToBytes());
        var head = await client.ReadHeadAsync();
        Assert.That(head.Status, Is.EqualTo(101));
        Assert.That(head.Header("Sec-WebSocket-Extensions"), Is.EqualTo("permessage-deflate; server_no_context_takeover"));
        byte[] frame = ClientFrame.Build(ClientFrame.OpBinary, bomb, rsv: 0b100);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long before = ResidentSet();
        using var sampling = new CancellationTokenSource();
        var peak = Task.Run(async () =>
        {
            long max = before;
            while (!sampling.IsCancellationRequested)
            {
                max = Math.Max(max, ResidentSet());
                await Task.Delay(2);
            }

            return Math.Max(max, ResidentSet());
        });

        await client.SendAsync(frame);
        var close = await client.ReadCloseAsync();
        sampling.Cancel();
        long growth = await peak - before;

        Assert.That(close.Code, Is.EqualTo(1009));
        Assert.That(close.Reason, Is.EqualTo("message_too_big"));
        Assert.That(growth, Is.LessThan(2L * Limit), $"resident set grew by {growth / 1024} KiB");
        TestContext.Out.WriteLine($"resident set growth during the bomb: {growth / 1024} KiB (limit {Limit / 1024} KiB)");
    }

    private static long ResidentSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    // Raw deflate of `length` zeros, as a client's compressor would send it, without the sync flush's tail.
    private static byte[] CompressZeros(long length)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (long done = 0; done < length; done += zeros.Length)
            {
                deflate.Write(zeros);
            }

            deflate.Flush();
        }

        var all = output.ToArray();
        int end = all.Length;
        for (int i = all.Length - 4; i >= 0; i--)
        {
            if (all[i] == 0 && all[i + 1] == 0 && all[i + 2] == 0xFF && all[i + 3] == 0xFF)
            {
                end = i;
                break;
            }
        }

        return all.AsSpan(0, end).ToArray();
    }
}
