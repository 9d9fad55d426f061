using System;
using System.Net.Sockets;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace EmbedWs.Samples.Hosting;

/// <summary>
/// <c>dotnet run --project samples/EmbedWs.Samples.Hosting</c>: a chat in the generic host, with
/// its options in appsettings.json (override any on the command line:
/// <c>-- --EmbedWs:Url=ws://localhost:9000</c>). Ctrl+C or SIGTERM stops it: clients get 1001.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var host = SampleHost.Create(args);
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or SocketException)
        {
            // A bad configuration value or a taken port: the message names the key or the address.
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }
}
