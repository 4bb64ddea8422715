using System.Globalization;
using Npgsql;

namespace Accessibility.Api.Infrastructure.History;

/// <summary>
/// A read of the registry as it stood at the end of <see cref="Date"/> (China Standard Time), as the registry knew it
/// at <see cref="KnownAt"/> (docs/history.md). The default knowledge is the time of the request: a correction entered
/// later with an earlier <c>validFrom</c> shows from its date. A pinned <see cref="KnownAt"/> gives the same answer
/// forever, whatever is corrected afterwards.
/// </summary>
/// <param name="Date">The day, in China Standard Time, whose end the read is of.</param>
/// <param name="KnownAt">The instant whose knowledge the read uses: what the registry had recorded by then.</param>
public sealed record AsOf(DateOnly Date, DateTimeOffset KnownAt)
{
    /// <summary>China Standard Time: every plan date is a date there.</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>Earliest date accepted: before it the registry held nothing.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    /// <summary>The last instant of <see cref="Date"/> in China Standard Time (PostgreSQL keeps microseconds).</summary>
    public DateTimeOffset Instant => new DateTimeOffset(Date.AddDays(1).ToDateTime(TimeOnly.MinValue), ChinaStandardTime).AddTicks(-10);

    /// <summary>The SQL source of table <paramref name="table"/> for this read: its as-of function with the two parameters.</summary>
    public string Source(string table) => HistoryTables.AsOfSource(table);

    /// <summary>Binds <c>@as_of</c> and <c>@known_at</c> on <paramref name="command"/>.</summary>
    public void Bind(NpgsqlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Parameters.AddWithValue("as_of", Instant.ToUniversalTime());
        command.Parameters.AddWithValue("known_at", KnownAt.ToUniversalTime());
    }

    /// <summary>Today's date in China Standard Time.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaStandardTime).DateTime);
    }

    /// <summary>
    /// The read asked for by query parameters <c>asOf</c> (a date, <c>yyyy-MM-dd</c>, from 2000 to today in China
    /// Standard Time) and <c>knownAt</c> (an ISO 8601 instant with its offset, not in the future; default now), or null
    /// when <paramref name="asOf"/> is absent (a read of today: the plain tables). Errors go to <paramref name="errors"/>
    /// under the parameters' names; <c>knownAt</c> without <c>asOf</c> is an error.
    /// </summary>
    public static AsOf? Parse(string? asOf, string? knownAt, TimeProvider clock, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(errors);
        var now = clock.GetUtcNow();
        DateTimeOffset? known = null;
        if (!string.IsNullOrWhiteSpace(knownAt))
        {
            if (!DateTimeOffset.TryParse(knownAt.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var k)
                || !HasOffset(knownAt))
            {
                errors.Add("knownAt", "Expected an ISO 8601 date and time with its offset, e.g. 2026-03-01T09:00:00+08:00.");
            }
            else if (k > now)
            {
                errors.Add("knownAt", "Must not be in the future: the registry cannot know yet what it will be told.");
            }
            else
            {
                known = k;
            }
        }

        if (string.IsNullOrWhiteSpace(asOf))
        {
            if (knownAt is not null)
            {
                errors.Add("knownAt", "Only with asOf: a read of today uses everything the registry holds.");
            }

            return null;
        }

        if (!DateOnly.TryParseExact(asOf.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors.Add("asOf", "Expected a date, yyyy-MM-dd (China Standard Time).");
            return null;
        }

        var today = Today(clock);
        if (date < Earliest || date > today)
        {
            errors.Add("asOf", FormattableString.Invariant($"Expected a date from {Earliest:yyyy-MM-dd} to today, {today:yyyy-MM-dd}."));
            return null;
        }

        return new AsOf(date, known ?? now);
    }

    private static bool HasOffset(string text)
    {
        var t = text.Trim();
        return t.EndsWith('Z') || t.EndsWith('z') || (t.Length > 6 && t[^6] is '+' or '-' && t[^3] == ':');
    }
}
