namespace EmbedWs.Dashboard;

/// <summary>
/// What one viewer asked the connections table to show: an order, a filter and a page. Immutable:
/// a command swaps the viewer's view for a new one, so the tick always reads a whole one.
/// </summary>
internal sealed class DashboardView
{
    /// <summary>The longest filter a page may send, in characters.</summary>
    public const int MaxFilterLength = 100;

    /// <summary>The first page of every connection, in the default order.</summary>
    public static readonly DashboardView Default = new(DashboardTable.Sorts[0], string.Empty, 0);

    public DashboardView(string sort, string filter, int page)
    {
        Sort = sort;
        Filter = filter;
        Page = page;
    }

    /// <summary>One of <see cref="DashboardTable.Sorts"/>.</summary>
    public string Sort { get; }

    /// <summary>Empty for every connection; else the text a row must hold (see <see cref="DashboardTable.Matches"/>).</summary>
    public string Filter { get; }

    /// <summary>From 0; a page past the last shows the last.</summary>
    public int Page { get; }

    /// <summary>Another order starts again at the first page: its rows are others.</summary>
    public DashboardView WithSort(string sort) => new(sort, Filter, 0);

    /// <summary>Another filter starts again at the first page.</summary>
    public DashboardView WithFilter(string filter) => new(Sort, filter, 0);

    public DashboardView WithPage(int page) => new(Sort, Filter, page);
}
