using EmbedWs.Dashboard;

namespace EmbedWs;

// The live dashboard (WsServerOptions.Dashboard, docs/dashboard.md): its viewers are adopted
// here instead of becoming user connections, and it hears of every close.
public sealed partial class WsServer
{
    private DashboardHub? _dashboard;

    /// <summary>The dashboard's side of the server; null when it is off or before start.</summary>
    internal DashboardHub? Dashboard => _dashboard;

    private void StartDashboard(WsSettings settings) =>
        _dashboard = settings.DashboardPath is null ? null : new DashboardHub(this, settings, _options.DashboardToken is not null);
}
