using System.Collections.Concurrent;
using System.Collections.Generic;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Groups;

// A connection for group bookkeeping tests: an id and a state, nothing on the wire.
internal sealed class FakeConnection : IWsConnection
{
    public FakeConnection(long id) => Id = id;

    public long Id { get; }

    public WsConnectionInfo Info => throw new NotSupportedException();

    public WsConnectionState State { get; set; } = WsConnectionState.Open;

    public IDictionary<string, object?> Items { get; } = new ConcurrentDictionary<string, object?>();

    public TimeSpan? RoundTripTime => null;

    public System.Threading.CancellationToken Closed => System.Threading.CancellationToken.None;

    public ValueTask<bool> SendAsync(string text) => new(false);

    public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data) => new(false);

    public ValueTask CloseAsync(ushort code = 1000, string? reason = null) => default;

    public void Abort()
    {
    }

    public override string ToString() => $"fake #{Id}";
}
