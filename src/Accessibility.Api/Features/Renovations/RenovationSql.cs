using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Npgsql;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// The aggregate SQL of the renovations feature. District codes nest by prefix
/// (<see cref="Auth.DistrictScope.Prefix"/>), so a district's households are those whose
/// <c>district_code</c> starts with its prefix; the prefix holds digits only. The figures are written once with the
/// history placeholders (<see cref="AsOfStatement"/>): with an <see cref="AsOf"/>, the cases, budgets and settings as they
/// stood at the end of that day.
/// </summary>
public static class RenovationSql
{
    /// <summary>
    /// The codes under <paramref name="prefix"/> as a range [lo, hi) (<see cref="Coverage.CoverageSql.PrefixRange"/>), which
    /// the <c>district_code</c> index serves in any collation where <c>LIKE 'prefix%'</c> is not; every code for the empty prefix.
    /// </summary>
    private static (string Lo, string Hi) CodeRange(string prefix) =>
        prefix.Length == 0 ? ("", new string('9', 13)) : Coverage.CoverageSql.PrefixRange(prefix);

    /// <summary>Households by county, status and year the status was reached: the public statistics before suppression.</summary>
    public static async Task<List<(string District, string Status, int Year, int Count)>> CountsAsync(
        NpgsqlConnection connection, string prefix, CancellationToken ct, ReadScope? scope = null, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            SELECT district_code, status, extract(year FROM status_changed_at AT TIME ZONE 'Asia/Shanghai')::int AS year, count(*)::int
            FROM {renovation_cases} WHERE district_code >= @lo AND district_code < @hi
              AND (@read_scope::text[] IS NULL OR district_code LIKE ANY(@read_scope))
            GROUP BY 1, 2, 3 ORDER BY 1, 3, 2
            """;
        await using var command = AsOfStatement.Command(sql, connection, asOf);
        var (lo, hi) = CodeRange(prefix);
        command.Parameters.AddWithValue("lo", lo);
        command.Parameters.AddWithValue("hi", hi);
        command.Parameters.Add((scope ?? ReadScope.Everything).Parameter());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<(string, string, int, int)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
        }

        return rows;
    }

    /// <summary>
    /// The figures of a plan target: households accepted (accepted or followed_up, <c>accepted_at</c> in
    /// [<paramref name="from"/>, <paramref name="to"/>], China time), in the pipeline (approved … completed),
    /// and registered (every case but rejected ones: the eligible households the registry knows).
    /// </summary>
    public static async Task<(int Accepted, int Pipeline, int Registered)> TargetFiguresAsync(
        NpgsqlConnection connection, string prefix, DateOnly from, DateOnly to, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            SELECT
              count(*) FILTER (WHERE status IN ('accepted', 'followed_up')
                AND (accepted_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN @from AND @to)::int,
              count(*) FILTER (WHERE status IN ('approved', 'contracted', 'in_progress', 'completed'))::int,
              count(*) FILTER (WHERE status <> 'rejected')::int
            FROM {renovation_cases} WHERE district_code >= @lo AND district_code < @hi
            """;
        await using var command = AsOfStatement.Command(sql, connection, asOf);
        var (lo, hi) = CodeRange(prefix);
        command.Parameters.AddWithValue("lo", lo);
        command.Parameters.AddWithValue("hi", hi);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
    }

    /// <summary>
    /// Per year from <paramref name="firstYear"/> to <paramref name="lastYear"/>: households accepted that year;
    /// budget allocated (sum of <c>renovation_budgets</c> under the prefix); committed (subsidies of cases contracted
    /// that year and not yet accepted); spent (subsidies of cases accepted that year); cost per household (mean of
    /// final cost, else estimate, of cases accepted that year).
    /// </summary>
    public static async Task<List<YearFigures>> YearFiguresAsync(
        NpgsqlConnection connection, string prefix, int firstYear, int lastYear, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            WITH years AS (SELECT generate_series(@first, @last) AS year),
            c AS (
              SELECT status, subsidy, coalesce(final_cost, cost_estimate) AS cost,
                     extract(year FROM accepted_at AT TIME ZONE 'Asia/Shanghai')::int AS accepted_year,
                     extract(year FROM contracted_at AT TIME ZONE 'Asia/Shanghai')::int AS contracted_year
              FROM {renovation_cases} WHERE district_code LIKE @prefix || '%')
            SELECT y.year,
              (SELECT count(*) FROM c WHERE c.status IN ('accepted', 'followed_up') AND c.accepted_year = y.year)::int,
              (SELECT sum(b.allocated) FROM {renovation_budgets} b WHERE b.district_code LIKE @prefix || '%' AND b.year = y.year),
              coalesce((SELECT sum(c.subsidy) FROM c WHERE c.status IN ('contracted', 'in_progress', 'completed') AND c.contracted_year = y.year), 0),
              coalesce((SELECT sum(c.subsidy) FROM c WHERE c.status IN ('accepted', 'followed_up') AND c.accepted_year = y.year), 0),
              (SELECT round(avg(c.cost), 2) FROM c WHERE c.status IN ('accepted', 'followed_up') AND c.accepted_year = y.year)
            FROM years y ORDER BY y.year
            """;
        await using var command = AsOfStatement.Command(sql, connection, asOf);
        command.Parameters.AddWithValue("prefix", prefix);
        command.Parameters.AddWithValue("first", firstYear);
        command.Parameters.AddWithValue("last", lastYear);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<YearFigures>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new YearFigures(
                reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetDecimal(2),
                reader.GetDecimal(3), reader.GetDecimal(4), reader.IsDBNull(5) ? null : reader.GetDecimal(5)));
        }

        return rows;
    }

    /// <summary>Households under the prefix by status (every status a case has).</summary>
    public static async Task<Dictionary<string, int>> StatusCountsAsync(NpgsqlConnection connection, string prefix, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = "SELECT status, count(*)::int FROM {renovation_cases} WHERE district_code LIKE @prefix || '%' GROUP BY status";
        await using var command = AsOfStatement.Command(sql, connection, asOf);
        command.Parameters.AddWithValue("prefix", prefix);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    /// <summary>The eligible households the district's setting names (the federation's figure), or null when none is set.</summary>
    public static async Task<int?> EligibleHouseholdsAsync(NpgsqlConnection connection, string code, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = "SELECT eligible_households FROM {renovation_district_settings} WHERE district_code = @code";
        await using var command = AsOfStatement.Command(sql, connection, asOf);
        command.Parameters.AddWithValue("code", code);
        return await command.ExecuteScalarAsync(ct) is int n ? n : null;
    }

    /// <summary>
    /// The planner's map: cases under the prefix (optionally of one status) as a GeoJSON FeatureCollection
    /// built in PostGIS (<c>ST_AsGeoJSON</c>, 6 decimals). Private: names and exact locations.
    /// </summary>
    public static async Task<(string Json, int Count)> MapAsync(NpgsqlConnection connection, string prefix, string? status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            WITH f AS (SELECT * FROM renovation_cases c WHERE c.district_code LIKE @prefix || '%' AND (@status::text IS NULL OR c.status = @status))
            SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
              'type', 'Feature', 'id', f.id,
              'geometry', ST_AsGeoJSON(registry_output_geometry(f.location, 6), 6, 0)::json,
              'properties', json_build_object('id', f.id, 'status', f.status, 'personName', f.person_name,
                 'disabilityGrade', f.disability_grade, 'disabilityCategory', f.disability_category,
                 'districtCode', f.district_code, 'townshipCode', f.township_code, 'source', f.source)) ORDER BY f.id), '[]'::json))::text,
              count(*)::int
            FROM f
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("prefix", prefix);
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetInt32(1));
    }
}

/// <summary>A year's figures of a district.</summary>
/// <param name="Year">Year.</param>
/// <param name="Accepted">Households accepted that year.</param>
/// <param name="Allocated">Budget allocated; null when none recorded.</param>
/// <param name="Committed">Subsidies contracted that year, not yet accepted.</param>
/// <param name="Spent">Subsidies of households accepted that year.</param>
/// <param name="CostPerHousehold">Mean cost of households accepted that year.</param>
public sealed record YearFigures(int Year, int Accepted, decimal? Allocated, decimal Committed, decimal Spent, decimal? CostPerHousehold);
