using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EmbedWs.Samples.AspNetCore;

/// <summary>
/// <c>dotnet run --project samples/EmbedWs.Samples.AspNetCore -- --port 5080</c>: serves the page,
/// the API and the sockets until Ctrl+C or SIGTERM; then EmbedWs closes its clients with 1001
/// before Kestrel stops.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var options = SampleOptions.Parse(args, out string? error);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine("Run with --help for usage.");
            return 2;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(SampleOptions.Usage);
            return 0;
        }

        var app = SampleApp.Build(options);
        try
        {
            await app.StartAsync();
        }
        catch (System.IO.IOException ex)
        {
            Console.Error.WriteLine($"Cannot listen on {options.Host}:{options.Port}: {ex.Message}");
            return 1;
        }

        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"EmbedWs ASP.NET Core sample listening on {url}/");
        Console.WriteLine(options.RequireAuth ? "The chat at /chat needs a sign-in (/login?name=NAME); --no-auth turns that off." : "The chat needs no sign-in (--no-auth).");
        Console.WriteLine("Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync();
        Console.WriteLine("Stopped.");
        return 0;
    }
}
