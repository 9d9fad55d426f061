using System.Collections.Concurrent;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Tests.TestSupport;

internal sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception);

// An ILoggerFactory that keeps every log line, so a test can check that a fault was logged
// (by its stable event id) as well as raised on OnError. Safe from any thread.
internal sealed class LogCapture : ILoggerFactory
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public LogEntry[] WithId(int eventId) => Entries.Where(e => e.EventId == eventId).ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger : ILogger
    {
        private readonly LogCapture _owner;
        private readonly string _category;

        public Logger(LogCapture owner, string category)
        {
            _owner = owner;
            _category = category;
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _owner.Entries.Enqueue(new LogEntry(_category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
