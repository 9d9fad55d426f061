#!/usr/bin/env bash
# Consumer test: does the EmbedWs package work for someone who only has the .nupkg?
# Packs src/EmbedWs into a temporary feed, then builds and runs a fresh console app outside the
# repo (so none of the repo's Directory.Build.props applies) that takes EmbedWs as a
# PackageReference, starts a WsServer on 127.0.0.1 port 0, sends a message with
# ClientWebSocket and expects the echo. Exits 0 on success, non-zero otherwise.
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

echo "== consumer test: dotnet pack src/EmbedWs ($version)"
# PackageVersion only: the assemblies keep the repo's version, so a built library is not rebuilt.
bounded 600 dotnet pack "$repo/src/EmbedWs/EmbedWs.csproj" -c Release -p:PackageVersion="$version" \
    -o "$feed" --nologo -v quiet
# EmbedWs.Redis (and EmbedWs.Hosting, which it depends on) at the same version.
for package in EmbedWs.Hosting EmbedWs.Redis; do
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
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="EmbedWs" Version="$version" />
    <PackageReference Include="EmbedWs.Redis" Version="$version" />
  </ItemGroup>
</Project>
EOF
cat > "$app/Program.cs" <<'EOF'
using System.Net;
using System.Net.WebSockets;
using System.Text;
using EmbedWs;
using EmbedWs.Redis;

// Every await is bounded: the whole exchange must finish within 30 s.
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
try
{
    int echo = await EchoAsync(timeout.Token);
    return echo != 0 ? echo : await ScaleOutAsync(Environment.GetEnvironmentVariable("CONSUMER_REDIS"), timeout.Token);
}
catch (OperationCanceledException) when (timeout.IsCancellationRequested)
{
    Console.Error.WriteLine("consumer test: no echo within 30 s");
    return 1;
}

static async Task<int> EchoAsync(CancellationToken token)
{
    await using var server = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
    server.OnMessage += (conn, msg) => _ = msg.IsText ? conn.Send(msg.Text) : conn.Send(msg.Data);
    await server.StartAsync(token);

    using var client = new ClientWebSocket();
    await client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), token);
    const string sent = "hello from a package consumer";
    await client.SendAsync(Encoding.UTF8.GetBytes(sent), WebSocketMessageType.Text, true, token);

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
    await server.StopAsync(token);

    if (result.MessageType != WebSocketMessageType.Text || received.ToString() != sent)
    {
        Console.Error.WriteLine($"consumer test: expected the echo '{sent}', got {result.MessageType} '{received}'");
        return 1;
    }

    string? version = typeof(WsServer).Assembly.GetName().Version?.ToString();
    Console.WriteLine($"consumer test: echo received from EmbedWs {version} on port {server.Port}");
    return 0;
}

// EmbedWs.Redis: a broadcast on one server reaches a client of another, through redis-server.
static async Task<int> ScaleOutAsync(string? redis, CancellationToken token)
{
    if (redis is null)
    {
        Console.WriteLine("consumer test: EmbedWs.Redis restored and built; no redis-server, so no scale-out run");
        return 0;
    }

    var servers = new List<WsServer>();
    var backplanes = new List<RedisBackplane>();
    for (int i = 0; i < 2; i++)
    {
        var backplane = new RedisBackplane(new RedisBackplaneOptions { ConnectionString = redis, NodeId = "consumer" + i });
        var server = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Backplane = backplane });
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
        Console.Error.WriteLine($"consumer test: expected the broadcast from the other node, got '{text}'");
        return 1;
    }

    Console.WriteLine("consumer test: a broadcast crossed two servers through redis-server with EmbedWs.Redis");
    return 0;
}
EOF

export NUGET_PACKAGES="$work/nuget-packages"
echo "== consumer test: restore, build and run the app (pack took ${SECONDS} s)"
(cd "$app" && bounded 600 dotnet restore --nologo -v quiet)
# The package actually used must be the one just packed.
test -f "$NUGET_PACKAGES/embedws/$version/embedws.$version.nupkg" ||
    { echo "consumer test: EmbedWs $version was not restored from $feed" >&2; exit 1; }
(cd "$app" && bounded 300 dotnet build --no-restore --nologo -v quiet -c Release)
# The scale-out step runs on a redis-server of its own (free port, nothing saved), when there is one.
if command -v redis-server >/dev/null 2>&1; then
    redis_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
    redis_pid=$!
    trap 'kill "$redis_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
    export CONSUMER_REDIS="127.0.0.1:$redis_port"
fi
(cd "$app" && bounded 60 dotnet run --no-build -c Release)
echo "== consumer test: passed in ${SECONDS} s"
