using System;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Samples.Mono;

/// <summary>
/// The library's log lines at Information and above on standard error, with no logging package
/// beyond the abstractions EmbedWs already brings: what a Unity project does with Debug.Log.
/// </summary>
internal sealed class ConsoleLog : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= (Environment.GetEnvironmentVariable("EMBEDWS_LOG") == "debug" ? LogLevel.Debug : LogLevel.Information);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.Error.WriteLine($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
    }

    public void Dispose()
    {
    }
}
