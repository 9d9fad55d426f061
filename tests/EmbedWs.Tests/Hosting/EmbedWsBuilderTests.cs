using System.Collections.Concurrent;
using System.Threading;
using EmbedWs.Hosting;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static EmbedWs.Tests.Hosting.HostingFixture;

namespace EmbedWs.Tests.Hosting;

/// <summary>The builder AddEmbedWs returns: setup steps and route handler classes resolved from the container.</summary>
public class EmbedWsBuilderTests
{
    [Test]
    public async Task AddRouteHandler_Request_HandlerWithInjectedServiceAnswers()
    {
        var builder = Builder();
        builder.Services.AddSingleton<Greeter>();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))
            .AddRouteHandler<HelloRequest, HelloReply, HelloHandler>("hello");
        var (host, server) = await StartAsync(builder);
        try
        {
            using var client = await JsonClient.ConnectAsync(server.Port);

            await client.SendTextAsync(Hello(5, "bob"));

            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"hello\",\"id\":5,\"data\":{\"text\":\"hello bob\"}}"));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public async Task AddRouteHandler_FireAndForget_HandlerGetsTheMessage()
    {
        var builder = Builder();
        builder.Services.AddSingleton<NoteBook>();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))
            .AddRouteHandler<Note, NoteHandler>("note");
        var (host, server) = await StartAsync(builder);
        try
        {
            var book = host.Services.GetRequiredService<NoteBook>();
            using var client = await JsonClient.ConnectAsync(server.Port);

            await client.SendTextAsync("{\"type\":\"note\",\"data\":{\"text\":\"remember\"}}");

            await Poll.UntilAsync(() => book.Notes.Count == 1, "the handler stored the note");
            Assert.That(book.Notes.TryPeek(out var note) ? note : null, Is.EqualTo(new Note("remember")));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public async Task AddRouteHandler_HandlerTakesTheServer_BroadcastsToEveryClient()
    {
        var builder = Builder();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))
            .AddRouteHandler<Note, BroadcastNoteHandler>("note");
        var (host, server) = await StartAsync(builder);
        try
        {
            using var ann = await JsonClient.ConnectAsync(server.Port);
            using var bob = await JsonClient.ConnectAsync(server.Port);
            await Poll.UntilAsync(() => server.ConnectionCount == 2, "both clients connected");

            await ann.SendTextAsync("{\"type\":\"note\",\"data\":{\"text\":\"to all\"}}");

            const string expected = "{\"type\":\"note\",\"data\":{\"text\":\"to all\"}}";
            Assert.That(await ann.ReceiveTextAsync(), Is.EqualTo(expected));
            Assert.That(await bob.ReceiveTextAsync(), Is.EqualTo(expected));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public async Task AddRouteHandler_HandlerIsResolvedOnce_ForEveryConnectionAndMessage()
    {
        var builder = Builder();
        builder.Services.AddSingleton<CountingAddHandler.Count>();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))
            .AddRouteHandler<AddRequest, AddReply, CountingAddHandler>("math.add");
        var (host, server) = await StartAsync(builder);
        try
        {
            using var ann = await JsonClient.ConnectAsync(server.Port);
            using var bob = await JsonClient.ConnectAsync(server.Port);

            for (int i = 1; i <= 3; i++)
            {
                await ann.SendTextAsync($"{{\"type\":\"math.add\",\"id\":{i},\"data\":{{\"a\":{i},\"b\":1}}}}");
                await bob.SendTextAsync($"{{\"type\":\"math.add\",\"id\":{i},\"data\":{{\"a\":{i},\"b\":2}}}}");
                Assert.That((int)(await ann.ReceiveJsonAsync())["data"]!["sum"]!, Is.EqualTo(i + 1));
                Assert.That((int)(await bob.ReceiveJsonAsync())["data"]!["sum"]!, Is.EqualTo(i + 2));
            }

            Assert.That(host.Services.GetRequiredService<CountingAddHandler.Count>().Created, Is.EqualTo(1));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public async Task AddRouteHandler_HandlerAlreadyRegistered_ThatInstanceIsUsed()
    {
        var mine = new HelloHandler(new Greeter());
        var builder = Builder();
        builder.Services.AddSingleton(mine);
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))
            .AddRouteHandler<HelloRequest, HelloReply, HelloHandler>("hello");
        var (host, server) = await StartAsync(builder);
        try
        {
            using var client = await JsonClient.ConnectAsync(server.Port);
            await client.SendTextAsync(Hello(1, "cy"));
            await client.ReceiveTextAsync();

            Assert.That(mine.Calls, Is.EqualTo(1));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public async Task Configure_StepsRunInOrderOnce_AndCanHookServerEvents()
    {
        var order = new ConcurrentQueue<string>();
        var connected = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Builder();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))
            .Configure((services, server) => order.Enqueue("first"))
            .Configure((services, server) =>
            {
                order.Enqueue("second");
                server.OnConnect += c => connected.TrySetResult(c.Id);
            });
        var (host, server) = await StartAsync(builder);
        try
        {
            using var client = await JsonClient.ConnectAsync(server.Port);

            Assert.That(await connected.Task.WaitAsync(WaitLimit), Is.GreaterThan(0));
            Assert.That(order, Is.EqualTo(new[] { "first", "second" }));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public async Task AddRouteHandler_SameTypeTwice_FailsHostStart()
    {
        var builder = Builder();
        builder.Services.AddSingleton<Greeter>();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))
            .AddRouteHandler<HelloRequest, HelloReply, HelloHandler>("hello")
            .AddRouteHandler<HelloRequest, HelloReply, HelloHandler>("hello");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => host.StartAsync().WaitAsync(WaitLimit));

        Assert.That(ex!.Message, Does.StartWith("A route for \"hello\" is already registered."));
    }

    [TestCase(null)]
    [TestCase("")]
    public void AddRouteHandler_NoType_Throws(string? type)
    {
        var builder = new ServiceCollection().AddEmbedWs();

        Assert.Throws<ArgumentException>(() => builder.AddRouteHandler<HelloRequest, HelloReply, HelloHandler>(type!));
        Assert.Throws<ArgumentException>(() => builder.AddRouteHandler<Note, NoteHandler>(type!));
    }

    [Test]
    public void Configure_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddEmbedWs().Configure(null!));
    }
}

internal sealed class HelloHandler(Greeter greeter) : IWsRouteHandler<HelloRequest, HelloReply>
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<HelloReply> HandleAsync(IWsConnection connection, HelloRequest request)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new HelloReply(greeter.Greet(request.Name)));
    }
}

internal sealed class NoteBook
{
    public ConcurrentQueue<Note> Notes { get; } = new();
}

internal sealed class NoteHandler(NoteBook book) : IWsRouteHandler<Note>
{
    public Task HandleAsync(IWsConnection connection, Note message)
    {
        book.Notes.Enqueue(message);
        return Task.CompletedTask;
    }
}

// Depends on the server itself: resolved after the server exists, so there is no cycle.
internal sealed class BroadcastNoteHandler(WsServer server) : IWsRouteHandler<Note>
{
    public Task HandleAsync(IWsConnection connection, Note message)
    {
        server.BroadcastJson("note", message);
        return Task.CompletedTask;
    }
}

internal sealed class CountingAddHandler : IWsRouteHandler<AddRequest, AddReply>
{
    public CountingAddHandler(Count count) => Interlocked.Increment(ref count.CreatedField);

    public Task<AddReply> HandleAsync(IWsConnection connection, AddRequest request) => Task.FromResult(new AddReply(request.A + request.B));

    internal sealed class Count
    {
        public int CreatedField;

        public int Created => Volatile.Read(ref CreatedField);
    }
}
