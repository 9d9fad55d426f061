using System.Collections.Generic;
using System.Linq;
using EmbedWs.Redis;
using EmbedWs.Tests.TestSupport;
using StackExchange.Redis;

namespace EmbedWs.Tests.Redis;

/// <summary>
/// RedisPresence on a real redis-server: a node with a thousand groups writes only the counts that
/// changed at each refresh, and the whole hash when Redis lost it. Ignored without redis-server
/// locally (apt-get install -y redis-server); required in CI.
/// </summary>
public class RedisPresenceTests
{
    private const int Groups = 1000;
    private static readonly RedisKey s_key = "{embedws}:presence:n1";

    private RedisProcess _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    [SetUp]
    public async Task StartRedis()
    {
        _redis = await RedisProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
    }

    [TearDown]
    public async Task StopRedis()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _redis?.Dispose();
    }

    [Test]
    public async Task Refresh_ManyGroupsFewChange_WritesOnlyTheChangedCounts_OthersKept()
    {
        await using var server = await RecordingServer.StartAsync();
        using var a = await JsonClient.ConnectAsync(server.Port);
        var first = await server.NextConnectionAsync();
        for (int g = 0; g < Groups; g++)
        {
            server.Server.Groups.Add(first, "g" + g);
        }

        var db = _connection.GetDatabase();
        var presence = new RedisPresence(new RedisNames("embedws"), "n1", TimeSpan.FromSeconds(10));
        await presence.RefreshAsync(db, server.Server);
        Assert.That(presence.FieldsWritten, Is.EqualTo(Groups + 1), "the first refresh writes the whole hash");
        Assert.That(await db.HashLengthAsync(s_key), Is.EqualTo(Groups + 1));

        await presence.RefreshAsync(db, server.Server);
        Assert.That(presence.FieldsWritten, Is.EqualTo(Groups + 1), "nothing changed: nothing written");

        // One group empties, one gains a member, the connection count rises: three fields.
        server.Server.Groups.Remove(first, "g5");
        using var b = await JsonClient.ConnectAsync(server.Port);
        server.Server.Groups.Add(await server.NextConnectionAsync(), "g7");
        await presence.RefreshAsync(db, server.Server);

        Assert.That(presence.FieldsWritten - (Groups + 1), Is.EqualTo(3), "only the changed counts are written");
        Assert.That(await db.HashLengthAsync(s_key), Is.EqualTo(Groups), "the emptied group's field is deleted");
        Assert.That(await presence.CountAsync(db, null), Is.EqualTo(2));
        Assert.That(await presence.CountAsync(db, "g7"), Is.EqualTo(2));
        Assert.That(await presence.CountAsync(db, "g5"), Is.Zero);
        Assert.That(await presence.CountAsync(db, "g999"), Is.EqualTo(1), "the other counts are kept");
        Assert.That(await db.KeyTimeToLiveAsync(s_key), Is.Not.Null.And.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public async Task Refresh_KeyExpiredOrRedisRestarted_WritesTheWholeHashAgain()
    {
        await using var server = await RecordingServer.StartAsync();
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        for (int g = 0; g < Groups; g++)
        {
            server.Server.Groups.Add(connection, "g" + g);
        }

        var db = _connection.GetDatabase();
        var presence = new RedisPresence(new RedisNames("embedws"), "n1", TimeSpan.FromSeconds(10));
        await presence.RefreshAsync(db, server.Server);

        // The key expired (the node was cut off longer than the TTL), and one count changed:
        // an incremental write would leave a hash of one field, so the whole hash is written.
        await db.KeyDeleteAsync(s_key);
        server.Server.Groups.Remove(connection, "g0");
        await presence.RefreshAsync(db, server.Server);
        Assert.That(await db.HashLengthAsync(s_key), Is.EqualTo(Groups));
        Assert.That(await presence.CountAsync(db, "g500"), Is.EqualTo(1));

        // Redis came back (the backplane invalidates): the whole hash, even with no change.
        long before = presence.FieldsWritten;
        presence.Invalidate();
        await presence.RefreshAsync(db, server.Server);
        Assert.That(presence.FieldsWritten - before, Is.EqualTo(Groups));
    }
}
