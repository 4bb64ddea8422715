using Accessibility.Api.Infrastructure.History;
using Npgsql;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// The SQL of the indicator 新建项目无障碍设施建设率 (docs/construction-indicator.md): of the new-build construction
/// projects (<c>works = 'new'</c>) accepted (<c>stage = 'accepted'</c>, not deleted) in a window of days, how many met
/// every applicable barrier-free item (<c>barrier_free_compliant</c>, set at acceptance: false when an item was failed
/// or waived). A project belongs to a district when its <c>district_code</c> or <c>township_code</c> starts with the
/// district's prefix, as every coverage figure; a day is a day in China Standard Time. Written once over
/// <c>{construction_projects}</c>, so an as-of read is the same statement over <c>construction_projects_as_of</c>.
/// </summary>
public static class ProjectIndicatorSql
{
    /// <summary>One row per window (in the order given): accepted new-build projects, and those compliant.</summary>
    private const string Counts = """
        SELECT w.ord::int,
               count(p.id)::int AS accepted,
               count(p.id) FILTER (WHERE p.barrier_free_compliant)::int AS compliant
        FROM unnest(@froms::date[], @tos::date[]) WITH ORDINALITY AS w(from_day, to_day, ord)
        LEFT JOIN {construction_projects} p
          ON p.deleted_at IS NULL AND p.works = 'new' AND p.stage = 'accepted'
         AND (p.district_code >= @lo AND p.district_code < @hi OR p.township_code >= @lo AND p.township_code < @hi)
         AND (p.accepted_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN w.from_day AND w.to_day
        GROUP BY w.ord
        ORDER BY w.ord
        """;

    /// <summary>
    /// For each window (<c>From</c>–<c>To</c>, dates inclusive, China Standard Time) of the district with prefix
    /// <paramref name="prefix"/>: the new-build projects accepted in it and those compliant, as the projects stand now
    /// or, with <paramref name="asOf"/>, as the registry held them then.
    /// </summary>
    public static async Task<(int Accepted, int Compliant)[]> CountsAsync(
        NpgsqlConnection connection, string prefix, IReadOnlyList<(DateOnly From, DateOnly To)> windows, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(windows);
        await using var command = new NpgsqlCommand(HistoryTables.Resolve(Counts, asOf), connection);
        asOf?.Bind(command);
        // The prefix as a range of codes, which a B-tree index serves in any collation (CoverageSql.PrefixRange).
        var (lo, hi) = CoverageSql.PrefixRange(prefix);
        command.Parameters.AddWithValue("lo", lo);
        command.Parameters.AddWithValue("hi", hi);
        command.Parameters.AddWithValue("froms", windows.Select(w => w.From).ToArray());
        command.Parameters.AddWithValue("tos", windows.Select(w => w.To).ToArray());
        var result = new (int, int)[windows.Count];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetInt32(0) - 1] = (reader.GetInt32(1), reader.GetInt32(2));
        }

        return result;
    }
}
