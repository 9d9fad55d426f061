using System.Threading;

namespace EmbedWs.Tests.Dispatch;

// A host's game loop on its own thread: calls PumpEvents once per "frame" until disposed.
// Exceptions from PumpEvents are kept and rethrown by Dispose, so they fail the test.
internal sealed class PumpLoop : IDisposable
{
    private readonly WsServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource<int> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;

    public PumpLoop(WsServer server)
    {
        _server = server;
        _thread = new Thread(Run) { IsBackground = true, Name = "test game loop" };
        _thread.Start();
        ThreadId = _started.Task.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    public int ThreadId { get; }

    public void Dispose()
    {
        _stop.Cancel();
        Assert.That(_thread.Join(TimeSpan.FromSeconds(10)), Is.True, "the pump loop did not stop");
        if (_failure is not null)
        {
            throw new AssertionException("PumpEvents threw: " + _failure);
        }
    }

    private void Run()
    {
        _started.SetResult(Environment.CurrentManagedThreadId);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (_server.PumpEvents(64) == 0)
                {
                    // The frame's wait, as a game loop has: nothing else is signalled by it.
                    _stop.Token.WaitHandle.WaitOne(1);
                }
            }
        }
        catch (Exception ex)
        {
            _failure = ex;
        }
    }
}
