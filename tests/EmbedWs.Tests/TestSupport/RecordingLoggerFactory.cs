using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Tests.TestSupport;

// One log line as the library wrote it.
internal sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception = null);

// An ILoggerFactory that keeps every line at every level, so a test can check that a limit or
// a fault was logged with its stable event id. Safe from any thread; waits are bounded.
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly SemaphoreSlim _written = new(0);

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public IReadOnlyList<LogEntry> WithId(int eventId) => _entries.Where(e => e.EventId == eventId).ToArray();

    public int Count(int eventId) => _entries.Count(e => e.EventId == eventId);

    // The first line with that event id (and matching the filter), waiting for it when needed.
    public async Task<LogEntry> WaitForAsync(int eventId, Func<LogEntry, bool>? filter = null, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Timeout);
        while (true)
        {
            var found = _entries.FirstOrDefault(e => e.EventId == eventId && (filter is null || filter(e)));
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                Assert.Fail($"no log line with event id {eventId} in time; lines: {Dump()}");
            }

            await _written.WaitAsync(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
        }
    }

    // Waits until at least count lines with that event id were written.
    public Task WaitForCountAsync(int eventId, int count, TimeSpan? within = null) =>
        Poll.UntilAsync(() => Count(eventId) >= count, $"{count} log lines with event id {eventId} (have {Count(eventId)})", within);

    public string Dump() => string.Join("\n", _entries.Select(e => $"[{e.EventId} {e.Level}] {e.Category}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Write(LogEntry entry)
    {
        _entries.Enqueue(entry);
        _written.Release();
    }

    private sealed class Logger : ILogger
    {
        private readonly RecordingLoggerFactory _owner;
        private readonly string _category;

        public Logger(RecordingLoggerFactory owner, string category)
        {
            _owner = owner;
            _category = category;
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _owner.Write(new LogEntry(_category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
