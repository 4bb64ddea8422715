using Microsoft.Extensions.Caching.Memory;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// The indicators of a district as served, kept in memory under the district's change stamp
/// (<see cref="CoverageSql.ChangeStampsAsync"/>): any committed write that can change a district's figures changes its
/// stamp, so the next read misses and recomputes, and a write is visible on the next read on every instance. Only the
/// clock changes figures without a write (an inspection falls due, a defect becomes overdue, the forecast's "today"),
/// so an entry also expires after <see cref="MaxAge"/>. Bounded by size (characters of JSON). The household view
/// (<see cref="HouseholdView"/>) is part of the key: the public and the district's staff get different household
/// figures of the same district, and one must never be served the other's. So is the as-of read
/// (<see cref="AsOfRead.Key"/>: its date, and its knowledge instant when pinned), so a read of a past date is never
/// served today's figures nor another date's.
/// </summary>
public sealed class CoverageCache : IDisposable
{
    /// <summary>Longest an entry is served: how late a purely time-driven change (due, overdue) may show.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>Characters of JSON kept at most (about 64 MB of UTF-16).</summary>
    public const long SizeLimit = 32L * 1024 * 1024;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = SizeLimit });

    /// <summary>The indicators of <paramref name="code"/> at <paramref name="metres"/> in <paramref name="view"/> (as of <paramref name="asOf"/>, null for today) if cached under <paramref name="stamp"/>.</summary>
    public string? Get(string code, int metres, HouseholdView view, long stamp, (DateOnly Date, DateTimeOffset? KnownAt)? asOf = null) =>
        cache.TryGetValue(new Key(code, metres, view, stamp, asOf), out string? json) ? json : null;

    /// <summary>Keeps the indicators of <paramref name="code"/> in <paramref name="view"/> (as of <paramref name="asOf"/>, null for today) computed after reading <paramref name="stamp"/>.</summary>
    public void Set(string code, int metres, HouseholdView view, long stamp, (DateOnly Date, DateTimeOffset? KnownAt)? asOf, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        cache.Set(new Key(code, metres, view, stamp, asOf), json, new MemoryCacheEntryOptions { Size = json.Length, AbsoluteExpirationRelativeToNow = MaxAge });
    }

    /// <inheritdoc />
    public void Dispose() => cache.Dispose();

    private readonly record struct Key(string Code, int Metres, HouseholdView View, long Stamp, (DateOnly Date, DateTimeOffset? KnownAt)? AsOf);
}
