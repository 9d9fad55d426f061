#!/usr/bin/env bash
# Consumer test: do the EmbedWs packages work for someone who only has the .nupkg files?
# Packs src/EmbedWs, src/EmbedWs.Hosting, src/EmbedWs.AspNetCore, src/EmbedWs.Testing and src/EmbedWs.Redis into a
# temporary feed, then builds and runs a fresh app outside the repo (so none of the repo's
# Directory.Build.props applies) that takes them as PackageReferences and checks one thing each:
# a WsServer on 127.0.0.1 port 0 echoes to ClientWebSocket (EmbedWs); an ASP.NET Core app on
# port 0 with AddEmbedWs and MapEmbedWs echoes on Kestrel's port (EmbedWs.Hosting and
# EmbedWs.AspNetCore); WsTestClient gets a routed reply with no socket (EmbedWs.Testing); with
# redis-server on PATH, a broadcast crosses two servers on a redis-server of the script's own (EmbedWs.Redis).
# Exits 0 on success, non-zero otherwise.
#
# The package gets a version no other build has (0.0.0-consumer.<time>.<pid>) and the app
# restores into its own empty NUGET_PACKAGES folder, so an EmbedWs cached in ~/.nuget/packages
# is never used. The app's nuget.config adds the temporary feed to the machine's usual sources.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d "${TMPDIR:-/tmp}/embedws-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
app="$work/app"
version="0.0.0-consumer.$(date +%s).$$"
mkdir -p "$feed" "$app"

# A step that could hang (restore, a socket) is cut off; the app bounds itself too.
bounded() { timeout --kill-after=10 "$1" "${@:2}"; }

packages=(EmbedWs EmbedWs.Hosting EmbedWs.AspNetCore EmbedWs.Testing EmbedWs.Redis)
for package in "${packages[@]}"; do
  echo "== consumer test: dotnet pack src/$package ($version)"
  # PackageVersion only: the assemblies keep the repo's version, so a built library is not rebuilt.
  # The packages depend on each other at the same version, which the feed then holds.
  bounded 600 dotnet pack "$repo/src/$package/$package.csproj" -c Release -p:PackageVersion="$version" \
      -o "$feed" --nologo -v quiet
done

# Empty props/targets stop MSBuild's search upwards: nothing outside this folder applies.
echo '<Project />' > "$app/Directory.Build.props"
echo '<Project />' > "$app/Directory.Build.targets"
cat > "$app/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="embedws-consumer-test" value="$feed" />
  </packageSources>
</configuration>
EOF
cat > "$app/Consumer.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="EmbedWs" Version="$version" />
    <PackageReference Include="EmbedWs.AspNetCore" Version="$version" />
    <PackageReference Include="EmbedWs.Testing" Version="$version" />
    <PackageReference Include="EmbedWs.Redis" Version="$version" />
  </ItemGroup>
</Project>
EOF
cat > "$app/Program.cs" <<'EOF'
using System.Net.WebSockets;
using System.Text;
using EmbedWs;
using EmbedWs.AspNetCore;
using EmbedWs.Hosting;
using EmbedWs.Redis;
using EmbedWs.Testing;

// Every await is bounded: the whole run must finish within 60 s.
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
try
{
    await ListenerEchoAsync(timeout.Token);
    await MountedEchoAsync(timeout.Token);
    await TestClientRouteAsync();
    await ScaleOutAsync(Environment.GetEnvironmentVariable("CONSUMER_REDIS"), timeout.Token);
    Console.WriteLine($"consumer test: all passed with EmbedWs {typeof(WsServer).Assembly.GetName().Version}");
    return 0;
}
catch (OperationCanceledException) when (timeout.IsCancellationRequested)
{
    Console.Error.WriteLine("consumer test: not done within 60 s");
    return 1;
}
catch (ConsumerCheckFailed ex)
{
    Console.Error.WriteLine($"consumer test: {ex.Message}");
    return 1;
}

// EmbedWs: its own listener.
static async Task ListenerEchoAsync(CancellationToken token)
{
    await using var server = new WsServer(new WsServerOptions { Url = "ws://127.0.0.1:0" });
    server.OnMessage += (conn, msg) => _ = msg.IsText ? conn.Send(msg.Text) : conn.Send(msg.Data);
    await server.StartAsync(token);
    await EchoAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), "listener", token);
    await server.StopAsync(token);
    Console.WriteLine($"consumer test: listener echo on port {server.Port}");
}

// EmbedWs.Hosting and EmbedWs.AspNetCore: mounted in a minimal app on Kestrel's port.
static async Task MountedEchoAsync(CancellationToken token)
{
    var builder = WebApplication.CreateBuilder();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    builder.Services.AddEmbedWs().Configure((services, server) => server.OnMessage += (conn, msg) => conn.Send(msg.Text));
    await using var app = builder.Build();
    app.MapEmbedWs("/ws");
    await app.StartAsync(token);
    int port = new Uri(app.Urls.First()).Port;             // the port Kestrel bound
    await EchoAsync(new Uri($"ws://127.0.0.1:{port}/ws"), "mounted", token);
    await app.StopAsync(token);
    Console.WriteLine($"consumer test: mounted echo through Kestrel on port {port}");
}

// EmbedWs.Testing: a routed request in memory, no socket.
static async Task TestClientRouteAsync()
{
    await using var server = new WsServer(new WsServerOptions { Listen = false });
    server.Route<Add, Sum>("math.add", (conn, add) => Task.FromResult(new Sum(add.A + add.B)));
    await server.StartAsync();
    await using var client = await WsTestClient.ConnectAsync(server, "/rpc");
    var reply = await client.RequestAsync<Sum>("math.add", new Add(1, 2));
    if (reply?.Value != 3)
    {
        throw new ConsumerCheckFailed($"math.add 1+2 replied {reply?.Value}");
    }

    Console.WriteLine("consumer test: WsTestClient routed math.add in memory");
}

static async Task EchoAsync(Uri uri, string text, CancellationToken token)
{
    using var client = new ClientWebSocket();
    await client.ConnectAsync(uri, token);
    await client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, token);
    var buffer = new byte[1024];
    var received = new StringBuilder();
    ValueWebSocketReceiveResult result;
    do
    {
        result = await client.ReceiveAsync(buffer.AsMemory(), token);
        received.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
    }
    while (!result.EndOfMessage);

    await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", token);
    if (result.MessageType != WebSocketMessageType.Text || received.ToString() != text)
    {
        throw new ConsumerCheckFailed($"expected the echo '{text}' from {uri}, got {result.MessageType} '{received}'");
    }
}

// EmbedWs.Redis: a broadcast on one server reaches a client of another, through redis-server.
static async Task ScaleOutAsync(string? redis, CancellationToken token)
{
    if (redis is null)
    {
        Console.WriteLine("consumer test: EmbedWs.Redis restored and built; no redis-server, so no scale-out run");
        return;
    }

    var servers = new List<WsServer>();
    var backplanes = new List<RedisBackplane>();
    for (int i = 0; i < 2; i++)
    {
        var backplane = new RedisBackplane(new RedisBackplaneOptions { ConnectionString = redis, NodeId = "consumer" + i });
        var server = new WsServer(new WsServerOptions { Endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), Backplane = backplane });
        await server.StartAsync(token);
        servers.Add(server);
        backplanes.Add(backplane);
    }

    while (!backplanes.TrueForAll(b => b.IsConnected && b.SubscribedChannels >= 2))
    {
        await Task.Delay(20, token);
    }

    using var client = new ClientWebSocket();
    await client.ConnectAsync(new Uri($"ws://127.0.0.1:{servers[1].Port}/"), token);
    while (servers[1].ConnectionCount == 0)
    {
        await Task.Delay(20, token);
    }

    servers[0].Broadcast("across nodes");
    var buffer = new byte[1024];
    var result = await client.ReceiveAsync(buffer.AsMemory(), token);
    string text = Encoding.UTF8.GetString(buffer, 0, result.Count);
    foreach (var server in servers)
    {
        await server.StopAsync(token);
    }

    foreach (var backplane in backplanes)
    {
        await backplane.DisposeAsync();
    }

    if (text != "across nodes")
    {
        throw new ConsumerCheckFailed($"expected the broadcast from the other node, got '{text}'");
    }

    Console.WriteLine("consumer test: a broadcast crossed two servers through redis-server with EmbedWs.Redis");
}

public sealed record Add(int A, int B);

public sealed record Sum(int Value);

public sealed class ConsumerCheckFailed(string message) : Exception(message);
EOF

export NUGET_PACKAGES="$work/nuget-packages"
echo "== consumer test: restore, build and run the app (pack took ${SECONDS} s)"
(cd "$app" && bounded 600 dotnet restore --nologo -v quiet)
# The package actually used must be the one just packed.
for package in "${packages[@]}"; do
  id="${package,,}"
  test -f "$NUGET_PACKAGES/$id/$version/$id.$version.nupkg" ||
      { echo "consumer test: $package $version was not restored from $feed" >&2; exit 1; }
done
(cd "$app" && bounded 300 dotnet build --no-restore --nologo -v quiet -c Release)
# The scale-out step runs on a redis-server of its own (free port, nothing saved), when there is one.
if command -v redis-server >/dev/null 2>&1; then
    redis_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
    redis_pid=$!
    trap 'kill "$redis_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
    export CONSUMER_REDIS="127.0.0.1:$redis_port"
fi
(cd "$app" && bounded 120 dotnet run --no-build -c Release)
echo "== consumer test: passed in ${SECONDS} s"
