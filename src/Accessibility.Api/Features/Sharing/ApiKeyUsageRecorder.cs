using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Accessibility.Api.Features.Sharing;

/// <summary>Settings of data sharing, section <c>Registry:Sharing</c>.</summary>
public sealed class SharingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Registry:Sharing";

    /// <summary>Seconds between writes of the usage counters (each instance writes its own).</summary>
    public int UsageFlushSeconds { get; set; } = 10;
}

/// <summary>
/// Counts the requests of each key per day (China Standard Time), layer and route in memory, and adds them to
/// <c>api_key_usage</c> with one statement every <see cref="SharingOptions.UsageFlushSeconds"/> (and when the
/// service stops, and before usage is read): a request costs an increment, not a database write.
/// Counts are never lost to a failed write: they stay pending and go with the next one.
/// </summary>
public sealed class ApiKeyUsageRecorder(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<SharingOptions> options, ILogger<ApiKeyUsageRecorder> log)
    : BackgroundService
{
    /// <summary>China Standard Time, the day boundary of the counts.</summary>
    public static readonly TimeSpan DayOffset = TimeSpan.FromHours(8);

    private readonly ConcurrentDictionary<UsageKey, Counter> counters = new();
    private readonly SemaphoreSlim flushing = new(1, 1);

    /// <summary>Counts one request of key <paramref name="keyId"/> to <paramref name="route"/> of <paramref name="layer"/>, now.</summary>
    public void Record(long keyId, string layer, string route)
    {
        var now = clock.GetUtcNow();
        var counter = counters.GetOrAdd(new UsageKey(keyId, Day(now), layer, route), _ => new Counter());
        counter.Add(now);
    }

    /// <summary>The day (China Standard Time) of an instant.</summary>
    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(DayOffset).DateTime);

    /// <summary>Writes the pending counts; returns how many rows it wrote.</summary>
    public async Task<int> FlushAsync(CancellationToken ct = default)
    {
        await flushing.WaitAsync(ct);
        var batch = new List<(UsageKey Key, Counter Counter, long Requests, DateTimeOffset Last)>();
        try
        {
            // Counters stay in the map: a request counted while this runs goes to the next flush, never lost.
            foreach (var (key, counter) in counters)
            {
                var (requests, last) = counter.Take();
                if (requests > 0)
                {
                    batch.Add((key, counter, requests, last));
                }
            }

            if (batch.Count > 0)
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                await SharingSql.AddUsageAsync(connection, batch.Select(b => (b.Key.KeyId, b.Key.Day, b.Key.Layer, b.Key.Route, b.Requests, b.Last)).ToList(), ct);
            }

            Prune();
            return batch.Count;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            foreach (var (_, counter, requests, last) in batch)
            {
                counter.Return(requests, last);
            }

            if (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "API key usage not written ({Rows} rows); it stays pending for the next flush.", batch.Count);
            }

            throw;
        }
        finally
        {
            flushing.Release();
        }
    }

    /// <summary>Drops empty counters of days before yesterday: no request can still be counted on them.</summary>
    private void Prune()
    {
        var yesterday = Day(clock.GetUtcNow()).AddDays(-1);
        foreach (var (key, counter) in counters)
        {
            if (key.Day < yesterday && counter.IsEmpty)
            {
                counters.TryRemove(key, out _);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.UsageFlushSeconds)), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    // Logged by FlushAsync; the counts are retried on the next tick.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            log.LogWarning("API key usage of the last seconds was not written at shutdown.");
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        flushing.Dispose();
        base.Dispose();
    }

    private readonly record struct UsageKey(long KeyId, DateOnly Day, string Layer, string Route);

    /// <summary>A count and the latest time, updated without locks.</summary>
    private sealed class Counter
    {
        private long requests;
        private long lastTicks;

        public bool IsEmpty => Interlocked.Read(ref requests) == 0;

        public void Add(DateTimeOffset at)
        {
            Interlocked.Increment(ref requests);
            Max(at.UtcTicks);
        }

        public (long Requests, DateTimeOffset Last) Take()
        {
            var n = Interlocked.Exchange(ref requests, 0);
            return (n, new DateTimeOffset(Interlocked.Read(ref lastTicks), TimeSpan.Zero));
        }

        public void Return(long n, DateTimeOffset last)
        {
            Interlocked.Add(ref requests, n);
            Max(last.UtcTicks);
        }

        private void Max(long ticks)
        {
            var seen = Interlocked.Read(ref lastTicks);
            while (ticks > seen)
            {
                var previous = Interlocked.CompareExchange(ref lastTicks, ticks, seen);
                if (previous == seen)
                {
                    break;
                }

                seen = previous;
            }
        }
    }
}
