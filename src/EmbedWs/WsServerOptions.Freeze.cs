using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using EmbedWs.Dashboard;

namespace EmbedWs;

// Freezing: a started server works from a WsSettings copy, and the options refuse later changes.
public sealed partial class WsServerOptions
{
    private int _frozen;

    /// <summary>
    /// Copies the options into the immutable settings a server runs on and makes every setter
    /// throw from now on. A frozen options object can still start other servers.
    /// </summary>
    internal WsSettings Freeze()
    {
        Volatile.Write(ref _frozen, 1);

        // The dashboard's gate answers its own paths and hands every other request to the user's hooks.
        var dashboard = _dashboard ? new DashboardGate(_dashboardPath, _dashboardToken, _acceptHandler, _httpHandler, _loggerFactory) : null;
        return new WsSettings
        {
            Url = _url,
            Endpoint = _endpoint,
            Listen = _listen,
            Certificate = _certificate,
            SslProtocols = _sslProtocols,
            SupportedSubProtocols = SupportedSubProtocols.ToArray(),
            AllowedOrigins = _allowedOrigins?.ToArray(),
            AcceptHandler = dashboard is null ? _acceptHandler : dashboard.AcceptAsync,
            HttpHandler = dashboard is null ? _httpHandler : dashboard.ServeHttpAsync,
            MaxMessageSize = _maxMessageSize,
            MaxHandshakeSize = _maxHandshakeSize,
            MaxSendQueueBytes = _maxSendQueueBytes,
            SendQueueSoftLimitBytes = ResolveSendQueueSoftLimit(),
            SocketSendBufferBytes = _socketSendBufferBytes ?? 0,
            MaxMessagesPerSecond = _maxMessagesPerSecond,
            MaxBytesPerSecond = _maxBytesPerSecond,
            RateLimitPolicy = _rateLimitPolicy,
            NetworkSimulation = _networkSimulation,
            ListenBacklog = _listenBacklog,
            HandshakeTimeout = _handshakeTimeout,
            CloseTimeout = _closeTimeout,
            StopTimeout = _stopTimeout,
            HandlerTimeout = _handlerTimeout,
            MaxConnections = _maxConnections,
            MaxConnectionsPerAddress = _maxConnectionsPerAddress,
            MaxFragmentsPerMessage = _maxFragmentsPerMessage,
            MessageReadTimeout = _messageReadTimeout,
            Heartbeat = _heartbeat,
            Dispatch = _dispatch,
            MaxInboundQueueBytes = _maxInboundQueueBytes,
            MaxQueuedEvents = _maxQueuedEvents,
            JsonSerializer = _jsonSerializer,
            ShowExceptionDetails = _showExceptionDetails,
            UnroutedTextToOnMessage = _unroutedTextToOnMessage,
            Compression = _compression,
            CompressionThreshold = _compressionThreshold,
            CompressionLevel = _compressionLevel,
            CompressionServerContextTakeover = _compressionServerContextTakeover,
            CompressionClientContextTakeover = _compressionClientContextTakeover,
            RoutePath = _routePath,
            DashboardPath = _dashboard ? _dashboardPath : null,
            DashboardMaxRows = _dashboardMaxRows,
            TimeProvider = _timeProvider,
            LoggerFactory = _loggerFactory,
        };
    }

    /// <summary>True once a server started with these options.</summary>
    internal bool IsFrozen => Volatile.Read(ref _frozen) != 0;

    private void Set<T>(ref T field, T value, [CallerMemberName] string name = "")
    {
        ThrowIfFrozen(name);
        field = value;
    }

    private void ThrowIfFrozen(string name)
    {
        if (IsFrozen)
        {
            throw new InvalidOperationException(
                $"WsServerOptions.{name} cannot change: a server started with these options. Set options before StartAsync (create a new WsServer to run with others).");
        }
    }

    /// <summary>A list option that refuses changes once its options are frozen.</summary>
    private sealed class FreezableList : Collection<string>
    {
        private readonly WsServerOptions _owner;
        private readonly string _name;

        public FreezableList(WsServerOptions owner, string name, IEnumerable<string>? items = null)
            : base(new List<string>(items ?? Array.Empty<string>()))
        {
            _owner = owner;
            _name = name;
        }

        protected override void InsertItem(int index, string item)
        {
            _owner.ThrowIfFrozen(_name);
            base.InsertItem(index, item ?? throw new ArgumentNullException(nameof(item)));
        }

        protected override void SetItem(int index, string item)
        {
            _owner.ThrowIfFrozen(_name);
            base.SetItem(index, item ?? throw new ArgumentNullException(nameof(item)));
        }

        protected override void RemoveItem(int index)
        {
            _owner.ThrowIfFrozen(_name);
            base.RemoveItem(index);
        }

        protected override void ClearItems()
        {
            _owner.ThrowIfFrozen(_name);
            base.ClearItems();
        }
    }
}
