using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// OpenTelemetry's in-memory exporters on the service host: every span it ends, and its metrics on demand
/// (<see cref="CollectMetrics"/>). Everything the shared host does lands here; tests pick theirs by job id or trace id.
/// </summary>
public sealed class TelemetryCapture
{
    readonly LockedCollection<Activity> spans = new();
    readonly LockedCollection<MetricSnapshot> metrics = new();
    readonly Lock collecting = new();
    IServiceProvider? services;

    public void Register(IServiceCollection serviceCollection)
    {
        serviceCollection.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        // A long period: the tests read the metrics when they want them, by a forced flush.
        serviceCollection.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics,
            reader => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)TimeSpan.FromHours(1).TotalMilliseconds));
    }

    public void Attach(IServiceProvider provider) => services = provider;

    public IReadOnlyList<Activity> Spans => spans.Snapshot();

    /// <summary>The metrics now (cumulative), by name.</summary>
    public MetricReadings CollectMetrics()
    {
        var provider = (services ?? throw new InvalidOperationException("The service host did not start.")).GetRequiredService<MeterProvider>();
        lock (collecting)
        {
            metrics.Clear();
            provider.ForceFlush();
            return new MetricReadings(metrics.Snapshot());
        }
    }

    sealed class LockedCollection<T> : ICollection<T>
    {
        readonly List<T> items = [];

        public int Count { get { lock (items) return items.Count; } }
        public bool IsReadOnly => false;

        public void Add(T item) { lock (items) items.Add(item); }
        public void Clear() { lock (items) items.Clear(); }
        public bool Contains(T item) { lock (items) return items.Contains(item); }
        public void CopyTo(T[] array, int arrayIndex) { lock (items) items.CopyTo(array, arrayIndex); }
        public bool Remove(T item) { lock (items) return items.Remove(item); }
        public IReadOnlyList<T> Snapshot() { lock (items) return [.. items]; }
        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>One collection of the host's metrics.</summary>
public sealed class MetricReadings(IReadOnlyList<MetricSnapshot> snapshots)
{
    /// <summary>A counter's total, over the points whose tags include <paramref name="tags"/>.</summary>
    public long Sum(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetSumLong());

    /// <summary>How many values a histogram recorded, over the matching points.</summary>
    public long Count(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetHistogramCount());

    public long GaugeLong(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetGaugeLastValueLong());

    public double GaugeDouble(string name) =>
        Points(name, []).Select(p => p.GetGaugeLastValueDouble()).DefaultIfEmpty(0).Max();

    IEnumerable<MetricPoint> Points(string name, (string Key, object Value)[] tags)
    {
        foreach (var snapshot in snapshots.Where(s => s.Name == name))
        {
            foreach (var point in snapshot.MetricPoints)
            {
                var pointTags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                    pointTags[tag.Key] = tag.Value;
                if (tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(v?.ToString(), t.Value.ToString())))
                    yield return point;
            }
        }
    }
}
