using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EmbedWs.Transport;

/// <summary>Turns <c>ws://host:port</c> / <c>wss://host:port</c> into the endpoints to bind.</summary>
internal static class ListenUrl
{
    public static IReadOnlyList<IPEndPoint> Resolve(string url, out bool secure)
    {
        string rest;
        if (url.StartsWith("ws://", StringComparison.OrdinalIgnoreCase))
        {
            secure = false;
            rest = url.Substring(5);
        }
        else if (url.StartsWith("wss://", StringComparison.OrdinalIgnoreCase))
        {
            secure = true;
            rest = url.Substring(6);
        }
        else
        {
            throw new ArgumentException($"'{url}' is not a ws:// or wss:// URL.", nameof(url));
        }

        int slash = rest.IndexOf('/');
        string authority = slash < 0 ? rest : rest.Substring(0, slash);
        string host;
        string? portText = null;
        if (authority.StartsWith("[", StringComparison.Ordinal))
        {
            int close = authority.IndexOf(']');
            if (close < 0)
            {
                throw new ArgumentException($"'{url}' has an unclosed IPv6 address.", nameof(url));
            }

            host = authority.Substring(1, close - 1);
            if (close + 1 < authority.Length)
            {
                if (authority[close + 1] != ':')
                {
                    throw new ArgumentException($"'{url}' is not host:port.", nameof(url));
                }

                portText = authority.Substring(close + 2);
            }
        }
        else
        {
            int colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority.Substring(0, colon);
            portText = colon < 0 ? null : authority.Substring(colon + 1);
        }

        int port = secure ? 443 : 80;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            throw new ArgumentException($"'{url}' has an invalid port.", nameof(url));
        }

        if (host is "*" or "+" or "::")
        {
            return new[] { new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, port) };
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new[] { new IPEndPoint(address, port) };
        }

        if (host.Length == 0)
        {
            throw new ArgumentException($"'{url}' has no host.", nameof(url));
        }

        var endPoints = new List<IPEndPoint>();
        foreach (var a in Dns.GetHostAddresses(host))
        {
            if (a.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6)
            {
                continue;
            }

            var ep = new IPEndPoint(a, port);
            if (!endPoints.Contains(ep))
            {
                endPoints.Add(ep);
            }
        }

        if (endPoints.Count == 0)
        {
            throw new ArgumentException($"'{host}' resolves to no address.", nameof(url));
        }

        // IPv4 first, so that Port (the first endpoint's) is stable across machines.
        endPoints.Sort((x, y) => x.AddressFamily.CompareTo(y.AddressFamily));
        return endPoints;
    }
}
