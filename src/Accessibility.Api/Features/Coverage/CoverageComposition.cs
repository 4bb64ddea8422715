using System.Collections.Concurrent;
using System.Text.Json;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Facilities;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// The figures of a prefecture or the province added up from its counties' partial figures (<see cref="CountyPartial"/>),
/// each kept in memory under its county's change stamp (<see cref="CoverageSql.ChangeStampsAsync"/>'s rule), so that the
/// first read after a write recomputes the written county alone and adds up the others as kept: a prefecture of 14
/// counties or the province of 117 costs one county's statement and a sum, not every row of it (bench/README.md,
/// "`coverage-1m.sh`"). A partial holds nothing that depends on the clock (inspection due instants are kept whole and
/// judged against the database's now at each composition), so it is kept until a write changes its stamp.
/// Composing is exact only while every record of the district lies in exactly one of its counties; where one does not
/// (a township outside its county, a record of a prefecture's own code, a report of an unknown code:
/// <see cref="CoverageSql.PlanAsync"/>) the read falls back to the direct statement, as it does for a read as of a date
/// (the history tables have no partials), for a county or township, and when the setting <c>Coverage:Compose</c> is false.
/// </summary>
public sealed class CoverageComposition(IServiceScopeFactory scopes, IConfiguration configuration) : IDisposable
{
    /// <summary>Partial figures kept at most, counted in their kept numbers (due instants, durations, rows).</summary>
    public const long SizeLimit = 16L * 1024 * 1024;

    private readonly MemoryCache partials = new(new MemoryCacheOptions { SizeLimit = SizeLimit });
    private readonly ConcurrentDictionary<PartialKey, Lazy<Task<CountyPartial>>> computing = new();
    private readonly ConcurrentDictionary<string, (long Stamp, double? Area)> areas = new();

    /// <summary>Whether prefectures and the province are composed (setting <c>Coverage:Compose</c>, default true); false forces the direct statement.</summary>
    public bool Enabled { get; } = configuration?.GetValue("Coverage:Compose", true) ?? true;

    /// <summary>
    /// The figures of district <paramref name="code"/> (prefix <paramref name="prefix"/>) today, as <see cref="CoverageSql.FiguresAsync"/>
    /// gives them: composed for a prefecture or the province when that is exact, else by the direct statement.
    /// </summary>
    public async Task<string?> FiguresAsync(NpgsqlConnection connection, string code, string prefix, int metres, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (Enabled && prefix.Length is 2 or 4 && await TryComposeAsync(connection, code, prefix, metres, ct) is { } composed)
        {
            return composed.Json;
        }

        if (!Enabled)
        {
            return await CoverageSql.FiguresAsync(connection, code, prefix, metres, ct);
        }

        // A county or township read directly: its area kept under its own stamp, not its boundary's geodesic area again.
        var area = await AreaAsync(connection, code, await CoverageSql.OwnStampAsync(connection, code, ct), ct);
        return await CoverageSql.FiguresAsync(connection, code, prefix, metres, ct, area: area, areaKnown: true);
    }

    /// <summary>The area of district <paramref name="code"/> (km²), kept while its own stamp is <paramref name="ownStamp"/>.</summary>
    private async Task<double?> AreaAsync(NpgsqlConnection connection, string code, long ownStamp, CancellationToken ct)
    {
        if (areas.TryGetValue(code, out var known) && known.Stamp == ownStamp)
        {
            return known.Area;
        }

        var area = await CoverageSql.AreaAsync(connection, code, ct);
        areas[code] = (ownStamp, area);
        return area;
    }

    /// <summary>
    /// The composed figures of district <paramref name="code"/> (prefix <paramref name="prefix"/>): null when composing would
    /// not be exact (<see cref="CoverageSql.PlanAsync"/>); <c>Json</c> null when the district does not exist.
    /// </summary>
    public async Task<(string? Json, int Recomputed)?> TryComposeAsync(NpgsqlConnection connection, string code, string prefix, int metres, CancellationToken ct)
    {
        var plan = await CoverageSql.PlanAsync(connection, code, prefix, ct);
        if (!plan.Exact)
        {
            return null;
        }

        // A key counts for a county when it is the county or below it, or one of its ancestors ('' for a TRUNCATE).
        long StampOf(string county) => plan.Changes.Where(c => c.Key.StartsWith(county, StringComparison.Ordinal)
            || county.StartsWith(c.Key, StringComparison.Ordinal)).Sum(c => c.Changes);

        var keys = plan.Counties.Select(c => new PartialKey(c, metres, StampOf(c))).ToArray();
        var parts = new CountyPartial[keys.Length];
        var missing = new List<int>();
        for (var i = 0; i < keys.Length; i++)
        {
            if (partials.TryGetValue(keys[i], out CountyPartial? kept))
            {
                parts[i] = kept!;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 1)
        {
            parts[missing[0]] = await PartialAsync(keys[missing[0]], connection, ct);
        }
        else if (missing.Count > 1)
        {
            await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = CoverageEndpoints.Concurrency, CancellationToken = ct }, async (i, token) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                parts[i] = await PartialAsync(keys[i], await WriteResults.OpenAsync(db, token), token);
            });
        }

        // The district's own row (name, population, boundary) changes only by a write of it: the keys '' and its code.
        var ownStamp = plan.Changes.Where(c => c.Key.Length == 0 || c.Key == code).Sum(c => c.Changes);
        var area = await AreaAsync(connection, code, ownStamp, ct);

        var sum = ComposedFigures.Of(parts, plan.NowMicros, plan.SoonMicros);
        return (await CoverageSql.ComposedAsync(connection, code, metres, area, sum, ct), missing.Count);
    }

    /// <summary>The partial of <paramref name="key"/>, computed once however many reads ask for it at the same time, then kept.</summary>
    private async Task<CountyPartial> PartialAsync(PartialKey key, NpgsqlConnection connection, CancellationToken ct)
    {
        var lazy = computing.GetOrAdd(key, k => new Lazy<Task<CountyPartial>>(async () =>
        {
            var partial = CountyPartial.Parse(await CoverageSql.PartialAsync(connection, k.County, k.Metres, CancellationToken.None));
            partials.Set(k, partial, new MemoryCacheEntryOptions { Size = partial.Size, SlidingExpiration = TimeSpan.FromHours(1) });
            return partial;
        }));
        try
        {
            return await lazy.Value.WaitAsync(ct);
        }
        finally
        {
            if (lazy.Value.IsCompleted)
            {
                computing.TryRemove(new KeyValuePair<PartialKey, Lazy<Task<CountyPartial>>>(key, lazy));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => partials.Dispose();

    private readonly record struct PartialKey(string County, int Metres, long Stamp);
}

/// <summary>
/// One county's figures before they are written out (<see cref="CoverageSql.PartialAsync"/>): facilities by kind and status,
/// toilet-reach demand by type (total, covered), its townships and whether each is served, main roads (segments, exact
/// numeric lengths), reports (open, closed, and each closed one's days to close, ascending), and the inspection due instants
/// of its facilities in service (ascending; plus those never inspected and those without a state row).
/// </summary>
public sealed record CountyPartial(
    (string Kind, string Status, long Count)[] Counts,
    (string Type, long Total, long Covered)[] Reach,
    (string Code, bool Served)[] Townships,
    long Segments, decimal RoadLength, decimal AccessibleLength,
    long OpenReports, long ClosedReports, double[] DaysToClose,
    long Stateless, long Never, long[] DueMicros)
{
    /// <summary>The entry's size in the partials' cache: its kept numbers.</summary>
    public long Size => 1 + Counts.Length + Reach.Length + Townships.Length + DaysToClose.Length + DueMicros.Length;

    /// <summary>Reads the JSON of <see cref="CoverageSql.PartialAsync"/>.</summary>
    public static CountyPartial Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var roads = root.GetProperty("roads");
        var reports = root.GetProperty("reports");
        return new CountyPartial(
            [.. root.GetProperty("counts").EnumerateArray().Select(e => (e[0].GetString()!, e[1].GetString()!, e[2].GetInt64()))],
            [.. root.GetProperty("reach").EnumerateArray().Select(e => (e[0].GetString()!, e[1].GetInt64(), e[2].GetInt64()))],
            [.. root.GetProperty("townships").EnumerateArray().Select(e => (e[0].GetString()!, e[1].GetBoolean()))],
            roads[0].GetInt64(), roads[1].GetDecimal(), roads[2].GetDecimal(),
            reports[0].GetInt64(), reports[1].GetInt64(),
            [.. root.GetProperty("took").EnumerateArray().Select(e => e.GetDouble())],
            root.GetProperty("stateless").GetInt64(), root.GetProperty("never").GetInt64(),
            [.. root.GetProperty("due").EnumerateArray().Select(e => e.GetInt64())]);
    }
}

/// <summary>Inspection states of the facilities in service, as <c>InspectionSql.InspectionState</c> counts them (stateless facilities count in the total only).</summary>
public sealed record InspectionTally(long Facilities, long OnTime, long DueSoon, long Overdue, long Never);

/// <summary>The sum of a district's counties' partial figures, with the inspection states judged at one instant.</summary>
public sealed record ComposedFigures(
    Dictionary<(string Kind, string Status), long> Counts,
    Dictionary<string, (long Total, long Covered)> Reach,
    List<(string Code, bool Served)> Townships,
    long Segments, decimal RoadLength, decimal AccessibleLength,
    long OpenReports, long ClosedReports, double? MedianDaysToClose,
    InspectionTally Inspections)
{
    /// <summary>
    /// Adds up <paramref name="parts"/>; the inspection states at <paramref name="nowMicros"/> (overdue before it, due soon
    /// before <paramref name="soonMicros"/>, on time after), by binary search in each county's due instants.
    /// </summary>
    public static ComposedFigures Of(IReadOnlyList<CountyPartial> parts, long nowMicros, long soonMicros)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var counts = new Dictionary<(string, string), long>();
        var reach = new Dictionary<string, (long Total, long Covered)>();
        var townships = new List<(string, bool)>();
        long segments = 0, open = 0, closed = 0, facilities = 0, onTime = 0, dueSoon = 0, overdue = 0, never = 0;
        decimal length = 0, accessible = 0;
        foreach (var p in parts)
        {
            foreach (var (kind, status, n) in p.Counts)
            {
                counts[(kind, status)] = counts.GetValueOrDefault((kind, status)) + n;
            }

            foreach (var (type, total, covered) in p.Reach)
            {
                var (t, c) = reach.GetValueOrDefault(type);
                reach[type] = (t + total, c + covered);
            }

            townships.AddRange(p.Townships);
            segments += p.Segments;
            length += p.RoadLength;
            accessible += p.AccessibleLength;
            open += p.OpenReports;
            closed += p.ClosedReports;
            var before = LowerBound(p.DueMicros, nowMicros);
            var soon = LowerBound(p.DueMicros, soonMicros);
            overdue += before;
            dueSoon += soon - before;
            onTime += p.DueMicros.Length - soon;
            never += p.Never;
            facilities += p.Stateless + p.Never + p.DueMicros.Length;
        }

        return new ComposedFigures(counts, reach, townships, segments, length, accessible, open, closed,
            Median(parts.Select(p => p.DaysToClose).ToList()), new InspectionTally(facilities, onTime, dueSoon, overdue, never));
    }

    /// <summary>How many of the ascending <paramref name="values"/> are below <paramref name="bound"/>.</summary>
    private static int LowerBound(long[] values, long bound)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (values[mid] < bound)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// The median of the union of ascending <paramref name="sorted"/> lists as PostgreSQL's <c>percentile_cont(0.5)</c>
    /// computes it: the middle value, or for an even count <c>lo + 0.5 * (hi - lo)</c> of the two middle ones (its linear
    /// interpolation, the same float8 operations). The two middle values are found by merging the lists up to them.
    /// </summary>
    internal static double? Median(IReadOnlyList<double[]> sorted)
    {
        var count = sorted.Sum(s => (long)s.Length);
        if (count == 0)
        {
            return null;
        }

        var first = (count - 1) / 2;
        var second = count / 2;
        var queue = new PriorityQueue<(int List, int Index), double>();
        for (var i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].Length > 0)
            {
                queue.Enqueue((i, 0), sorted[i][0]);
            }
        }

        double lo = 0;
        for (long rank = 0; ; rank++)
        {
            queue.TryDequeue(out var at, out var value);
            if (at.Index + 1 < sorted[at.List].Length)
            {
                queue.Enqueue((at.List, at.Index + 1), sorted[at.List][at.Index + 1]);
            }

            if (rank == first)
            {
                lo = value;
            }

            if (rank == second)
            {
                return first == second ? lo : lo + (0.5 * (value - lo));
            }
        }
    }
}
