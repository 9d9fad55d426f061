using System.Collections.Generic;
using EmbedWs.Hosting;
using EmbedWs.Redis;
using EmbedWs.Tests.Hosting;
using EmbedWs.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmbedWs.Tests.Redis;

/// <summary>AddEmbedWs(...).AddRedisBackplane(...): the container's server gets the backplane, options from configuration, on a real host.</summary>
public class EmbedWsBuilderRedisExtensionsTests
{
    [Test]
    public async Task AddRedisBackplane_FromConfiguration_IsTheServersBackplane()
    {
        var services = new ServiceCollection();
        services.AddEmbedWs().AddRedisBackplane(Section(("ConnectionString", "127.0.0.1:1"), ("NodeId", "eu-7"), ("ChannelPrefix", "app"), ("PresenceTtl", "00:00:30")));
        await using var provider = services.BuildServiceProvider();

        var backplane = provider.GetRequiredService<IOptions<WsServerOptions>>().Value.Backplane;

        Assert.That(backplane, Is.SameAs(provider.GetRequiredService<RedisBackplane>()));
        Assert.That(backplane!.NodeId, Is.EqualTo("eu-7"));
    }

    [TestCase("ConectionString", "127.0.0.1:1", "'EmbedWsRedis:ConectionString' = '127.0.0.1:1' is not an option of the Redis backplane")]
    [TestCase("ShardedPubSub", "maybe", "'EmbedWsRedis:ShardedPubSub' = 'maybe' must be true or false")]
    [TestCase("PresenceTtl", "00:00:01", "'EmbedWsRedis:PresenceTtl' = '00:00:01' At least 2 seconds")]
    [TestCase("ChannelPrefix", "a{b}", "'EmbedWsRedis:ChannelPrefix' = 'a{b}' A channel prefix")]
    public void AddRedisBackplane_BadKeyOrValue_FailsNamingTheKey(string key, string value, string message)
    {
        var services = new ServiceCollection();
        services.AddEmbedWs().AddRedisBackplane(Section(("ConnectionString", "127.0.0.1:1"), (key, value)));
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<RedisBackplane>(), Throws.InvalidOperationException.With.Message.Contains(message));
    }

    [Test]
    public void AddRedisBackplane_NoConnection_Fails()
    {
        var services = new ServiceCollection();
        services.AddEmbedWs().AddRedisBackplane(o => o.NodeId = "n1");
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<RedisBackplane>(), Throws.ArgumentException.With.Message.Contains("ConnectionString"));
    }

    [Test]
    public async Task AddRedisBackplane_OnAHost_ItsClientsGetAnotherNodesBroadcast()
    {
        using var redis = await RedisProcess.StartAsync();
        var builder = HostingFixture.Builder();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs")).AddRedisBackplane(redis.ConnectionString);
        var (host, server) = await HostingFixture.StartAsync(builder);
        var hosted = host.Services.GetRequiredService<RedisBackplane>();
        await using var other = await RedisNodes.StartAsync(redis, 1);
        try
        {
            await Poll.UntilAsync(() => hosted.IsConnected && hosted.SubscribedChannels >= 2, "the host's node joins the cluster");
            using var client = await JsonClient.ConnectAsync(server.Port);
            await Poll.UntilAsync(() => server.ConnectionCount == 1, "the client is open on the host's server");

            other[0].Server.Broadcast("from another node");

            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("from another node"));
        }
        finally
        {
            await HostingFixture.StopAsync(host);
        }
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (key, value) in settings)
        {
            values["EmbedWsRedis:" + key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("EmbedWsRedis");
    }
}
