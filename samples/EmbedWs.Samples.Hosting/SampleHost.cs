using System;
using EmbedWs.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EmbedWs.Samples.Hosting;

/// <summary>The whole wiring: services, the server's options from configuration, routes that use services.</summary>
internal static class SampleHost
{
    public static IHost Create(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // An app service; the routes below get it from the container.
        builder.Services.AddSingleton<Visitors>();

        // Options from the "EmbedWs" section; the page handler is code, so it is set here.
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"), options => options.HttpHandler = SamplePage.ServeAsync)
            // Handler classes, resolved once from the container (ChatHandler takes the WsServer itself).
            .AddRouteHandler<ChatSay, ChatHandler>("chat.say")
            .AddRouteHandler<StatsRequest, StatsReply, StatsHandler>("stats")
            // Anything else, with the container at hand: events, inline routes.
            .Configure((services, server) =>
            {
                var visitors = services.GetRequiredService<Visitors>();
                server.OnConnect += c =>
                {
                    int online = visitors.Joined(c.Id);
                    c.SendJson("welcome", new { id = c.Id, online });
                };
                server.OnClose += (c, close) => visitors.Left(c.Id, close.Code);
                server.Route<TimeRequest, TimeReply>("time", (c, r) => new TimeReply(DateTimeOffset.UtcNow));
            });

        return builder.Build();
    }
}
