using System.Threading;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Transport;

/// <summary>IWsConnection.Closed: cancelled when the connection stops being open, whoever ends it.</summary>
public class ConnectionClosedTokenTests
{
    [Test]
    public async Task Closed_WhileOpen_IsNotCancelled_ThenClientCloses_IsCancelled()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        var token = connection.Closed;
        await client.SendAsync(ClientFrame.Text("hi"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("hi"));
        Assert.That(token.IsCancellationRequested, Is.False, "an open connection's token");

        await client.SendAsync(ClientFrame.Close(1000));

        await WaitCancelledAsync(token);
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1000));
    }

    [Test]
    public async Task Closed_ServerCallsCloseAsync_IsCancelled()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        var token = connection.Closed;

        connection.Close(4000, "bye");

        await WaitCancelledAsync(token);
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(4000));
    }

    [Test]
    public async Task Closed_Abort_IsCancelled()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        var token = connection.Closed;

        connection.Abort();

        await WaitCancelledAsync(token);
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.Aborted));
    }

    [Test]
    public async Task Closed_ClientResetsTcp_IsCancelled()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        var token = connection.Closed;

        client.Reset();

        await WaitCancelledAsync(token);
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.ConnectionLost));
    }

    [Test]
    public async Task Closed_FirstAskedAfterTheConnectionEnded_IsAlreadyCancelled()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        await client.SendAsync(ClientFrame.Close(1000));
        await server.CloseOfAsync(connection);

        Assert.That(connection.Closed.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task Closed_CallbackThatBlocks_RunsOffTheClosingThread_CloseAsyncReturnsAtOnce()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        using var gate = new ManualResetEventSlim();
        var callbackRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = connection.Closed.Register(() =>
        {
            callbackRan.TrySetResult();
            gate.Wait(RecordingServer.Timeout);
        });

        // Cancel callbacks run on the thread pool: CloseAsync (like StopAsync's loop, the
        // heartbeat tick and the read loop) never runs user code inline.
        var close = Task.Run(() => connection.Close());
        var done = await Task.WhenAny(close, Task.Delay(RecordingServer.Timeout));
        gate.Set();

        Assert.That(done, Is.SameAs(close), "CloseAsync waited for a callback on Closed");
        await callbackRan.Task.WaitAsync(RecordingServer.Timeout);
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1000));
    }

    internal static async Task WaitCancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = token.Register(() => cancelled.TrySetResult());
        var done = await Task.WhenAny(cancelled.Task, Task.Delay(RecordingServer.Timeout));
        Assert.That(done, Is.SameAs(cancelled.Task), "Closed was not cancelled in time");
    }
}
