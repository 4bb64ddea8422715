using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.History;
using Npgsql;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// The coverage indicators of one district, computed in PostGIS in one statement. A district's records are those
/// whose <c>district_code</c> or <c>township_code</c> starts with its prefix
/// (<see cref="Auth.DistrictScope.Prefix"/>), so the same statement serves every level. Distances are geodesic
/// (<see href="https://postgis.net/docs/ST_DWithin.html">ST_DWithin</see> on geography, after a GiST-indexed
/// bounding-box prefilter on geometry); areas and lengths likewise (<c>ST_Area</c>/<c>ST_Length</c> on geography).
/// Household locations never leave the statement: only their counts do. <c>dist</c> is MATERIALIZED so that the
/// geodesic area (about 150 ms for a province's boundary) is computed once, not at each of its references.
/// Public reports: open (new, accepted) and closed (closed, rejected: Open311's "closed"), with the median days
/// from filing to closing (<c>percentile_cont(0.5)</c>).
/// </summary>
public static class CoverageSql
{
    /// <summary>Facility statuses counted as "in service" for densities and demand.</summary>
    internal const string InService = "status NOT IN ('removed', 'under_construction')";

    /// <summary>Renovation statuses of a renovated (accepted) household.</summary>
    internal const string Renovated = "('accepted', 'followed_up')";

    /// <summary>
    /// Degrees of the bounding-box prefilter per metre: one degree of longitude is at least 50 km up to 63° N, so
    /// <c>metres / 50000</c> degrees never cuts off a point the geodesic test would keep.
    /// </summary>
    private const double MetresPerDegreeFloor = 50_000;

    /// <summary>Degrees of the bounding-box prefilter for a radius of <paramref name="metres"/> (see <see cref="MetresPerDegreeFloor"/>).</summary>
    internal static double DegreesFor(double metres) => metres / MetresPerDegreeFloor;

    private const string Sql = """
        WITH dist AS MATERIALIZED (
          SELECT d.code, d.name, d.level, d.population, d.disabled_population,
                 CASE WHEN d.boundary IS NULL THEN NULL ELSE ST_Area(d.boundary::geography) / 1e6 END AS area_km2
          FROM districts d WHERE d.code = @code),
        fac AS (
          SELECT f.kind, f.status, f.geometry FROM {facilities} f
          WHERE f.deleted_at IS NULL AND {In:f}),
        kinds AS (
          SELECT kind, sum(n)::bigint AS total, COALESCE(sum(n) FILTER (WHERE {InService}), 0)::bigint AS in_service,
                 json_object_agg(status, n ORDER BY status) AS by_status
          FROM (SELECT kind, status, count(*) AS n FROM fac GROUP BY kind, status) k
          GROUP BY kind),
        demand AS (
          SELECT 'public_building' AS type, geometry AS g FROM fac WHERE kind = 'public_building' AND {InService}
          UNION ALL
          SELECT 'bus_stop', geometry FROM fac WHERE kind = 'bus_stop' AND {InService}
          UNION ALL
          SELECT 'household', r.location FROM {renovation_cases} r
          WHERE {In:r} AND r.status IN {Renovated}),
        reach AS (
          SELECT dm.type, EXISTS (
                   SELECT 1 FROM {facilities} t
                   WHERE t.deleted_at IS NULL AND t.kind = 'accessible_toilet' AND t.status = 'operational'
                     AND ST_DWithin(t.geometry, dm.g, @degrees)
                     AND ST_DWithin(t.geometry::geography, dm.g::geography, @metres)) AS covered
          FROM demand dm),
        reach_by_type AS (
          SELECT type, count(*) AS total, count(*) FILTER (WHERE covered) AS covered FROM reach GROUP BY type),
        townships AS (
          SELECT t.code, EXISTS (
                   SELECT 1 FROM {facilities} f
                   WHERE f.deleted_at IS NULL AND f.kind = 'disability_service' AND f.status = 'operational'
                     AND f.township_code = t.code) AS served
          FROM districts t WHERE t.level = 4 AND t.code LIKE @p),
        roads AS (
          SELECT ST_Length(r.geometry::geography) AS len,
                 COALESCE(r.sidewalk_width_m, 0) > 0 AND r.curb_ramp_start AND r.curb_ramp_end
                   AND r.tactile_paving = 'continuous' AS accessible
          FROM {road_segments} r
          WHERE r.deleted_at IS NULL AND r.road_class = 'main' AND {In:r}),
        rep AS (
          SELECT r.status IN ('closed', 'rejected') AS closed, r.closed_at - r.requested_at AS took
          FROM {reports} r WHERE {In:r})
        SELECT json_build_object(
          'code', dist.code, 'name', dist.name,
          'level', CASE dist.level WHEN 1 THEN 'province' WHEN 2 THEN 'prefecture' WHEN 3 THEN 'county' ELSE 'township' END,
          'population', dist.population, 'disabledPopulation', dist.disabled_population,
          'areaKm2', round(dist.area_km2::numeric, 3),
          'facilities', json_build_object(
            'total', (SELECT count(*) FROM fac),
            'inService', (SELECT count(*) FROM fac WHERE {InService}),
            'byStatus', COALESCE((SELECT json_object_agg(status, n ORDER BY status)
                                  FROM (SELECT status, count(*) AS n FROM fac GROUP BY status) s), '{}'::json),
            'byKind', COALESCE((SELECT json_agg(json_build_object(
                         'kind', k.kind, 'total', k.total, 'inService', k.in_service, 'byStatus', k.by_status,
                         'perKm2', CASE WHEN dist.area_km2 > 0 THEN round((k.in_service / dist.area_km2)::numeric, 4) END,
                         'per10kResidents', CASE WHEN dist.population > 0 THEN round(k.in_service * 10000.0 / dist.population, 4) END)
                         ORDER BY k.kind) FROM kinds k), '[]'::json),
            'perKm2', CASE WHEN dist.area_km2 > 0
                           THEN round(((SELECT count(*) FROM fac WHERE {InService}) / dist.area_km2)::numeric, 4) END,
            'per10kResidents', CASE WHEN dist.population > 0
                           THEN round((SELECT count(*) FROM fac WHERE {InService}) * 10000.0 / dist.population, 4) END),
          'toiletReach', json_build_object(
            'metres', @metres,
            'publicBuildings', (SELECT json_build_object('total', COALESCE(sum(total), 0), 'covered', COALESCE(sum(covered), 0))
                                FROM reach_by_type WHERE type = 'public_building'),
            'busStops', (SELECT json_build_object('total', COALESCE(sum(total), 0), 'covered', COALESCE(sum(covered), 0))
                         FROM reach_by_type WHERE type = 'bus_stop'),
            'households', (SELECT json_build_object('total', COALESCE(sum(total), 0), 'covered', COALESCE(sum(covered), 0))
                           FROM reach_by_type WHERE type = 'household')),
          'townshipService', json_build_object(
            'townships', (SELECT count(*) FROM townships),
            'served', (SELECT count(*) FROM townships WHERE served),
            'share', (SELECT CASE WHEN count(*) > 0 THEN round(count(*) FILTER (WHERE served)::numeric / count(*), 4) END FROM townships),
            'unserved', COALESCE((SELECT json_agg(json_build_object('code', t.code, 'name', d.name) ORDER BY t.code)
                                  FROM townships t JOIN districts d ON d.code = t.code WHERE NOT t.served), '[]'::json)),
          'mainRoads', json_build_object(
            'segments', (SELECT count(*) FROM roads),
            'lengthM', (SELECT round(COALESCE(sum(len), 0)::numeric, 1) FROM roads),
            'accessibleLengthM', (SELECT round(COALESCE(sum(len) FILTER (WHERE accessible), 0)::numeric, 1) FROM roads),
            'share', (SELECT CASE WHEN sum(len) > 0 THEN round((COALESCE(sum(len) FILTER (WHERE accessible), 0) / sum(len))::numeric, 4) END
                      FROM roads)),
          'reports', (SELECT json_build_object(
            'open', count(*) FILTER (WHERE NOT closed),
            'closed', count(*) FILTER (WHERE closed),
            'medianDaysToClose', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM took) / 86400.0)
                                         FILTER (WHERE closed))::numeric, 1))
            FROM rep),
          'inspectionCounts', {InspectionCounts})::text
        FROM dist
        """;

    private static readonly string Template = Sql.Replace("{InService}", InService, StringComparison.Ordinal)
        .Replace("{Renovated}", Renovated, StringComparison.Ordinal)
        .Replace("{In:f}", InDistrict("f"), StringComparison.Ordinal)
        .Replace("{In:r}", InDistrict("r"), StringComparison.Ordinal);

    /// <summary>
    /// Whether the record <paramref name="alias"/> lies in the district of prefix <c>@p</c>: its county
    /// (<c>district_code</c>) or township (<c>township_code</c>) code starts with it, written as the range
    /// [<c>@lo</c>, <c>@hi</c>) of <see cref="PrefixRange"/> rather than <c>LIKE @p</c>: in a database whose collation is not
    /// C (C.UTF-8, en_US.UTF-8) a B-tree index serves no <c>LIKE</c>, so a county's read scanned every facility of the
    /// registry (80 % of it at 1 M facilities, bench/README.md); a range of the same codes is read through the
    /// <c>district_code</c> and <c>township_code</c> indexes.
    /// </summary>
    private static string InDistrict(string alias) =>
        $"({alias}.district_code >= @lo AND {alias}.district_code < @hi OR {alias}.township_code >= @lo AND {alias}.township_code < @hi)";

    /// <summary>
    /// The codes starting with the digits <paramref name="prefix"/> as the half-open range [lo, hi): hi is the prefix with
    /// its last digit that is not 9 raised by one and what follows dropped (<c>1408</c> → [1408, 1409), <c>1409</c> →
    /// [1409, 141)). Codes are digits only, and the collations PostgreSQL is given (C, C.UTF-8, glibc and ICU locales without
    /// numeric ordering) order strings of digits digit by digit, a prefix before its extensions, so the range holds exactly the codes with that prefix. A prefix of nines only has no such
    /// successor: thirteen nines bound every code (at most 12 characters) that starts with it.
    /// </summary>
    internal static (string Lo, string Hi) PrefixRange(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (!prefix.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A district prefix holds digits only.", nameof(prefix));
        }

        var last = prefix.TrimEnd('9');
        return last.Length == 0
            ? (prefix, new string('9', 13))
            : (prefix, last[..^1] + (char)(last[^1] + 1));
    }

    /// <summary>
    /// The inspection states of the district's facilities in service, read through the same indexes as <c>fac</c> and
    /// stated by the inspections feature's own expression (<see cref="InspectionSql.InspectionState"/>, over the
    /// facilities row <c>f</c> whatever columns it reads), as <c>{facilities, onTime, dueSoon, overdue, never}</c>: the
    /// schedule's counts without a second statement that cannot use an index for the district (it matches codes with
    /// LIKE). Today's reads only: the state is of now, so a read as of a date leaves it null and counts with the
    /// schedule's as-of statement instead.
    /// </summary>
    private static readonly string InspectionCounts = """
        (SELECT json_build_object('facilities', count(*), 'onTime', count(*) FILTER (WHERE s.state = 'on_time'),
                  'dueSoon', count(*) FILTER (WHERE s.state = 'due_soon'), 'overdue', count(*) FILTER (WHERE s.state = 'overdue'),
                  'never', count(*) FILTER (WHERE s.state = 'never'))
         FROM (SELECT
        """ + InspectionSql.InspectionState + " AS state FROM facilities f WHERE f.deleted_at IS NULL AND f." + InService
        + " AND " + InDistrict("f") + ") s)";

    private static readonly string Statement = HistoryTables.Resolve(Template.Replace("{InspectionCounts}", InspectionCounts, StringComparison.Ordinal), null);

    // The same statement over the kept tables' as-of functions (docs/history.md).
    private static readonly string AsOfStatement = HistoryTables.AsOfSourcesOf(Template.Replace("{InspectionCounts}", "NULL", StringComparison.Ordinal));

    /// <summary>
    /// The figures of district <paramref name="code"/> (prefix <paramref name="prefix"/>) as JSON text, with toilet
    /// reach within <paramref name="metres"/>, as the registry holds them now or, with <paramref name="asOf"/>, as it held
    /// them then; null when the district does not exist.
    /// </summary>
    public static async Task<string?> FiguresAsync(NpgsqlConnection connection, string code, string prefix, int metres, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(asOf is null ? Statement : AsOfStatement, connection);
        asOf?.Bind(command);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("p", prefix + "%");
        var (lo, hi) = PrefixRange(prefix);
        command.Parameters.AddWithValue("lo", lo);
        command.Parameters.AddWithValue("hi", hi);
        command.Parameters.AddWithValue("metres", (double)metres);
        command.Parameters.AddWithValue("degrees", DegreesFor(metres));
        await command.PrepareAsync(ct);
        return (string?)await command.ExecuteScalarAsync(ct);
    }

    /// <summary>Codes of the direct children of <paramref name="parentCode"/>, ordered.</summary>
    public static async Task<List<string>> ChildrenAsync(NpgsqlConnection connection, string parentCode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SELECT code FROM districts WHERE parent_code = @parent ORDER BY code", connection);
        command.Parameters.AddWithValue("parent", parentCode);
        var codes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            codes.Add(reader.GetString(0));
        }

        return codes;
    }
    /// <summary>
    /// The change stamp of each district prefix in <paramref name="prefixes"/>: the sum of the <c>coverage_changes</c>
    /// counters (bumped by statement-level triggers, see the CoverageChangeStamps migration) whose key starts with the
    /// prefix (a record of the district or below) or is a prefix of it (a record of its county, or '' for a TRUNCATE).
    /// Read before the figures, in a later snapshot than any write it reflects, so equal stamps mean equal figures.
    /// </summary>
    public static async Task<long[]> ChangeStampsAsync(NpgsqlConnection connection, IReadOnlyList<string> prefixes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(prefixes);
        const string sql = """
            SELECT COALESCE(sum(c.changes), 0)::bigint
            FROM unnest(@prefixes) WITH ORDINALITY t(p, ord)
            LEFT JOIN coverage_changes c ON c.district_key LIKE t.p || '%' OR t.p LIKE c.district_key || '%'
            GROUP BY t.ord ORDER BY t.ord
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("prefixes", prefixes.ToArray());
        var stamps = new long[prefixes.Count];
        await using var reader = await command.ExecuteReaderAsync(ct);
        for (var i = 0; await reader.ReadAsync(ct); i++)
        {
            stamps[i] = reader.GetInt64(0);
        }

        return stamps;
    }

    /// <summary>
    /// The monthly series, written once over the kept tables' placeholders (<see cref="HistoryTables.Resolve"/>): read
    /// over the tables themselves today, over their as-of functions for a past date. A facility is added in the month of
    /// its first version's effective time (<c>valid_from</c>, which a later change never moves earlier, docs/history.md),
    /// or of its <c>created_at</c> when that is earlier (records loaded with their original dates): a ramp built in March
    /// and registered in June with <c>validFrom</c> counts in March. Both bound the rows to look up in the history: the
    /// current version's <c>valid_from</c> is never earlier than the first's.
    /// </summary>
    private const string Monthly = """
        WITH months AS (SELECT generate_series(@first::timestamp, @last::timestamp, interval '1 month') AS m),
        since AS (SELECT @first::timestamp AT TIME ZONE 'Asia/Shanghai' AS t),
        added AS (
          SELECT LEAST(f.created_at, f.valid_from, (SELECT min(h.valid_from) FROM facilities_history h WHERE h.id = f.id)) AS t
          FROM {facilities} f, since
          WHERE f.deleted_at IS NULL AND (f.district_code LIKE @p OR f.township_code LIKE @p)
            AND f.created_at >= since.t AND f.valid_from >= since.t),
        fac AS (
          SELECT date_trunc('month', added.t AT TIME ZONE 'Asia/Shanghai') AS m, count(*) AS n
          FROM added, since WHERE added.t >= since.t
          GROUP BY 1),
        ins AS (
          SELECT date_trunc('month', i.inspected_at AT TIME ZONE 'Asia/Shanghai') AS m, count(*) AS n
          FROM {inspections} i, since
          WHERE i.inspected_at >= since.t
            AND (i.district_code LIKE @p OR EXISTS (SELECT 1 FROM {facilities} f WHERE f.id = i.facility_id AND f.township_code LIKE @p))
          GROUP BY 1),
        dfx AS (
          SELECT d.created_at, d.closed_at, d.status FROM {defects} d
          WHERE d.district_code LIKE @p OR EXISTS (SELECT 1 FROM {facilities} f WHERE f.id = d.facility_id AND f.township_code LIKE @p)),
        df AS (SELECT date_trunc('month', created_at AT TIME ZONE 'Asia/Shanghai') AS m, count(*) AS n FROM dfx, since
               WHERE created_at >= since.t GROUP BY 1),
        dr AS (SELECT date_trunc('month', closed_at AT TIME ZONE 'Asia/Shanghai') AS m, count(*) AS n FROM dfx, since
               WHERE status = 'verified' AND closed_at >= since.t GROUP BY 1),
        rpx AS (
          SELECT r.requested_at, r.closed_at, r.status FROM {reports} r
          WHERE r.district_code LIKE @p OR r.township_code LIKE @p),
        rr AS (SELECT date_trunc('month', requested_at AT TIME ZONE 'Asia/Shanghai') AS m, count(*) AS n FROM rpx, since
               WHERE requested_at >= since.t GROUP BY 1),
        rc AS (SELECT date_trunc('month', closed_at AT TIME ZONE 'Asia/Shanghai') AS m, count(*) AS n FROM rpx, since
               WHERE status IN ('closed', 'rejected') AND closed_at >= since.t GROUP BY 1),
        ra AS (
          SELECT date_trunc('month', c.accepted_at AT TIME ZONE 'Asia/Shanghai') AS m, count(*) AS n
          FROM {renovation_cases} c, since
          WHERE (c.district_code LIKE @p OR c.township_code LIKE @p) AND c.status IN {Renovated} AND c.accepted_at >= since.t
          GROUP BY 1)
        SELECT json_build_object(
          'months', json_agg(to_char(months.m, 'YYYY-MM') ORDER BY months.m),
          'facilitiesAdded', json_agg(COALESCE(fac.n, 0) ORDER BY months.m),
          'inspections', json_agg(COALESCE(ins.n, 0) ORDER BY months.m),
          'defectsFound', json_agg(COALESCE(df.n, 0) ORDER BY months.m),
          'defectsRepaired', json_agg(COALESCE(dr.n, 0) ORDER BY months.m),
          'reportsReceived', json_agg(COALESCE(rr.n, 0) ORDER BY months.m),
          'reportsClosed', json_agg(COALESCE(rc.n, 0) ORDER BY months.m),
          'renovationsAccepted', json_agg(COALESCE(ra.n, 0) ORDER BY months.m))::text
        FROM months
        LEFT JOIN fac ON fac.m = months.m LEFT JOIN ins ON ins.m = months.m
        LEFT JOIN df ON df.m = months.m LEFT JOIN dr ON dr.m = months.m
        LEFT JOIN rr ON rr.m = months.m LEFT JOIN rc ON rc.m = months.m
        LEFT JOIN ra ON ra.m = months.m
        """;

    private static readonly string MonthlyTemplate = Monthly.Replace("{Renovated}", Renovated, StringComparison.Ordinal);

    /// <summary>
    /// Monthly figures of the district (prefix <paramref name="prefix"/>) from <paramref name="first"/> to
    /// <paramref name="last"/> (first days of months, Asia/Shanghai), as JSON text: <c>months</c> ("yyyy-MM") and one
    /// array per series, aligned. Each record is counted in the month (Asia/Shanghai) of its event: facilities
    /// added (by effective time, not deleted), inspections carried out, defects found and verified repaired, reports filed and
    /// closed (closed or rejected), renovations accepted. A township's inspections and defects are those of its
    /// facilities. Counts are complete: suppression is the caller's. With <paramref name="asOf"/>, the records are
    /// those the registry held at its end as known at its knowledge instant, so no event after it is counted.
    /// </summary>
    public static async Task<string> TrendsAsync(NpgsqlConnection connection, string prefix, DateOnly first, DateOnly last, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(HistoryTables.Resolve(MonthlyTemplate, asOf), connection);
        asOf?.Bind(command);
        command.Parameters.AddWithValue("p", prefix + "%");
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("last", last);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}
