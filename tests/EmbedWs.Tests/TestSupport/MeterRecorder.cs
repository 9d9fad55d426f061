using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using EmbedWs.Transport;

namespace EmbedWs.Tests.TestSupport;

// Listens to one server's Meter only (by reference: tests in parallel run servers with Meters of
// the same name), and keeps what it heard: counter sums per tag set, the last value of each
// observable instrument, every histogram measurement. Start it after the server started.
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();
    private readonly ConcurrentDictionary<string, long> _observed = new();
    private readonly ConcurrentDictionary<string, byte> _completed = new();

    public MeterRecorder(WsServer server)
    {
        Meter = server.Metrics?.Meter ?? throw new InvalidOperationException("start the server first");
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, Meter))
            {
                Instruments.Enqueue(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _completed.TryAdd(instrument.Name, 0);
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.IsObservable)
            {
                _observed[instrument.Name] = value;
            }
            else
            {
                _sums.AddOrUpdate(Key(instrument.Name, tags), value, (_, sum) => sum + value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            Histogram.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        _listener.Start();
    }

    public Meter Meter { get; }

    public ConcurrentQueue<Instrument> Instruments { get; } = new();

    public ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> Histogram { get; } = new();

    public bool Completed(string instrument) => _completed.ContainsKey(instrument);

    // The sum of a counter over every tag set, or over the measurements tagged name=value.
    public long Sum(string instrument, string? tag = null, object? value = null)
    {
        string prefix = tag is null ? instrument + "{" : Key(instrument, new[] { new KeyValuePair<string, object?>(tag, value) });
        return _sums.Where(p => tag is null ? p.Key.StartsWith(prefix, StringComparison.Ordinal) : p.Key == prefix).Sum(p => p.Value);
    }

    // Collects the observable instruments now and returns the instrument's value.
    public long Observe(string instrument)
    {
        _listener.RecordObservableInstruments();
        return _observed.TryGetValue(instrument, out long v) ? v : throw new AssertionException($"{instrument} was not observed");
    }

    public void Dispose() => _listener.Dispose();

    private static string Key(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var t in tags)
        {
            parts.Add($"{t.Key}={t.Value}");
        }

        parts.Sort(StringComparer.Ordinal);
        return name + "{" + string.Join(",", parts) + "}";
    }
}
