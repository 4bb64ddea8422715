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

    /// <summary>
    /// The figures' direct sources: the district's own rows, reduced to the relations the answer is written from
    /// (<see cref="Answer"/>): <c>dist</c>, <c>ks</c> (facilities by kind and status), <c>reach_by_type</c>,
    /// <c>townships</c>, <c>road_sum</c>, <c>rep_sum</c>. The composed read (<see cref="CoverageComposition"/>) gives the
    /// same relations from its counties' partial figures, so both are written out by one text.
    /// </summary>
    private const string Direct = """
        WITH dist AS MATERIALIZED (
          SELECT d.code, d.name, d.level, d.population, d.disabled_population,
                 CASE WHEN @area_known THEN @area WHEN d.boundary IS NULL THEN NULL ELSE ST_Area(d.boundary::geography) / 1e6 END AS area_km2
          FROM districts d WHERE d.code = @code),
        {Rows}
        """;

    /// <summary>
    /// The district's rows and their reductions, shared by the direct statement and a county's partial figures
    /// (<see cref="PartialStatement"/>). Road lengths are summed as numerics (each length's float8 as numeric), so that
    /// sums of counties' sums are exactly the sum over the prefecture's roads.
    /// </summary>
    private const string Rows = """
        fac AS (
          SELECT f.id, f.kind, f.status, f.geometry FROM {facilities} f
          WHERE f.deleted_at IS NULL AND {In:f}),
        ks AS (SELECT kind, status, count(*) AS n FROM fac GROUP BY kind, status),
        {Reach},
        reach_by_type AS (
          SELECT type, count(*) AS total, count(*) FILTER (WHERE covered) AS covered FROM reach GROUP BY type),
        townships AS (
          SELECT t.code, EXISTS (
                   SELECT 1 FROM {facilities} f
                   WHERE f.deleted_at IS NULL AND f.kind = 'disability_service' AND f.status = 'operational'
                     AND f.township_code = t.code) AS served
          FROM districts t WHERE t.level = 4 AND t.code LIKE @p),
        roads AS (
          SELECT ST_Length(r.geometry::geography)::numeric AS len,
                 COALESCE(r.sidewalk_width_m, 0) > 0 AND r.curb_ramp_start AND r.curb_ramp_end
                   AND r.tactile_paving = 'continuous' AS accessible
          FROM {road_segments} r
          WHERE r.deleted_at IS NULL AND r.road_class = 'main' AND {In:r}),
        road_sum AS (
          SELECT count(*) AS segments, COALESCE(sum(len), 0) AS len, COALESCE(sum(len) FILTER (WHERE accessible), 0) AS accessible_len
          FROM roads),
        rep AS (
          SELECT r.status IN ('closed', 'rejected') AS closed, r.closed_at - r.requested_at AS took
          FROM {reports} r WHERE {In:r}),
        rep_sum AS (
          SELECT count(*) FILTER (WHERE NOT closed) AS open, count(*) FILTER (WHERE closed) AS closed,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM took) / 86400.0) FILTER (WHERE closed) AS median
          FROM rep)
        """;

    /// <summary>
    /// Toilet reach probed at the read: one GiST probe of the operational toilets per demand point (public buildings and
    /// bus stops in service, renovated households). Any radius, and reads as of a date (the history has no kept reach).
    /// </summary>
    private const string ReachProbed = """
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
          FROM demand dm)
        """;

    /// <summary>
    /// Toilet reach at the kept radius (<see cref="KeptReachMetres"/>): the facilities' demand points from
    /// <c>facility_toilet_reach</c>, kept by triggers on <c>facilities</c> with the same test as <see cref="ReachProbed"/>
    /// (migration <c>20261210120000_ToiletReachKept</c>), so a write re-probes only the demand points within reach of it,
    /// not the district's; renovated households (few, another table) are still probed here.
    /// </summary>
    private const string ReachKept = """
        reach AS (
          SELECT k.type::text AS type, k.covered FROM facility_toilet_reach k WHERE {In:k}
          UNION ALL
          SELECT 'household', EXISTS (
                   SELECT 1 FROM facilities t
                   WHERE t.deleted_at IS NULL AND t.kind = 'accessible_toilet' AND t.status = 'operational'
                     AND ST_DWithin(t.geometry, r.location, @degrees)
                     AND ST_DWithin(t.geometry::geography, r.location::geography, @metres))
          FROM renovation_cases r
          WHERE {In:r} AND r.status IN {Renovated})
        """;

    /// <summary>The radius whose toilet reach is kept per demand point (<see cref="ReachKept"/>): the panel's default.</summary>
    public const int KeptReachMetres = CoverageEndpoints.DefaultMetres;

    /// <summary>The answer, written from the relations of <see cref="Direct"/> or of the composed read.</summary>
    private const string Answer = """
        , kinds AS (
          SELECT kind, sum(n)::bigint AS total, COALESCE(sum(n) FILTER (WHERE {InService}), 0)::bigint AS in_service,
                 json_object_agg(status, n ORDER BY status) AS by_status
          FROM ks GROUP BY kind),
        in_service AS (SELECT COALESCE(sum(n) FILTER (WHERE {InService}), 0)::bigint AS n, COALESCE(sum(n), 0)::bigint AS total FROM ks)
        SELECT json_build_object(
          'code', dist.code, 'name', dist.name,
          'level', CASE dist.level WHEN 1 THEN 'province' WHEN 2 THEN 'prefecture' WHEN 3 THEN 'county' ELSE 'township' END,
          'population', dist.population, 'disabledPopulation', dist.disabled_population,
          'areaKm2', round(dist.area_km2::numeric, 3),
          'facilities', json_build_object(
            'total', (SELECT total FROM in_service),
            'inService', (SELECT n FROM in_service),
            'byStatus', COALESCE((SELECT json_object_agg(status, n ORDER BY status)
                                  FROM (SELECT status, sum(n)::bigint AS n FROM ks GROUP BY status) s), '{}'::json),
            'byKind', COALESCE((SELECT json_agg(json_build_object(
                         'kind', k.kind, 'total', k.total, 'inService', k.in_service, 'byStatus', k.by_status,
                         'perKm2', CASE WHEN dist.area_km2 > 0 THEN round((k.in_service / dist.area_km2)::numeric, 4) END,
                         'per10kResidents', CASE WHEN dist.population > 0 THEN round(k.in_service * 10000.0 / dist.population, 4) END)
                         ORDER BY k.kind) FROM kinds k), '[]'::json),
            'perKm2', CASE WHEN dist.area_km2 > 0
                           THEN round(((SELECT n FROM in_service) / dist.area_km2)::numeric, 4) END,
            'per10kResidents', CASE WHEN dist.population > 0
                           THEN round((SELECT n FROM in_service) * 10000.0 / dist.population, 4) END),
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
          'mainRoads', (SELECT json_build_object(
            'segments', segments,
            'lengthM', round(len, 1),
            'accessibleLengthM', round(accessible_len, 1),
            'share', CASE WHEN len > 0 THEN round(accessible_len / len, 4) END) FROM road_sum),
          'reports', (SELECT json_build_object(
            'open', open,
            'closed', closed,
            'medianDaysToClose', round(median::numeric, 1))
            FROM rep_sum),
          'inspectionCounts', {InspectionCounts})::text
        FROM dist
        """;

    private const string Sql = Direct + Answer;

    private static readonly string Template = Expand(Sql.Replace("{Rows}", Rows, StringComparison.Ordinal).Replace("{Reach}", ReachProbed, StringComparison.Ordinal));

    private static readonly string KeptTemplate = Expand(Sql.Replace("{Rows}", Rows, StringComparison.Ordinal).Replace("{Reach}", ReachKept, StringComparison.Ordinal));

    private static string Expand(string sql) => sql.Replace("{InService}", InService, StringComparison.Ordinal)
        .Replace("{Renovated}", Renovated, StringComparison.Ordinal)
        .Replace("{In:f}", InDistrict("f"), StringComparison.Ordinal)
        .Replace("{In:r}", InDistrict("r"), StringComparison.Ordinal)
        .Replace("{In:x}", InDistrict("x"), StringComparison.Ordinal)
        .Replace("{In:k}", InDistrict("k"), StringComparison.Ordinal);

    /// <summary>
    /// Whether the record <paramref name="alias"/> lies in the district of prefix <c>@p</c>: its county
    /// (<c>district_code</c>) or township (<c>township_code</c>) code starts with it, written as the range
    /// [<c>@lo</c>, <c>@hi</c>) of <see cref="PrefixRange"/> rather than <c>LIKE @p</c>: in a database whose collation is not
    /// C (C.UTF-8, en_US.UTF-8) a B-tree index serves no <c>LIKE</c>, so a county's read scanned every facility of the
    /// registry (80 % of it at 1 M facilities, bench/README.md); a range of the same codes is read through the
    /// <c>district_code</c> and <c>township_code</c> indexes.
    /// </summary>
    internal static string InDistrict(string alias) =>
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
        + " AND " + InDistrict("f") + " OFFSET 0) s)";

    private static readonly string Statement = HistoryTables.Resolve(Template.Replace("{InspectionCounts}", InspectionCounts, StringComparison.Ordinal), null);

    // Today's statement at the kept radius: the facilities' reach from the kept rows.
    private static readonly string KeptStatement = HistoryTables.Resolve(KeptTemplate.Replace("{InspectionCounts}", InspectionCounts, StringComparison.Ordinal), null);

    // The same statement over the kept tables' as-of functions (docs/history.md).
    private static readonly string AsOfStatement = HistoryTables.AsOfSourcesOf(Template.Replace("{InspectionCounts}", "NULL", StringComparison.Ordinal));

    /// <summary>
    /// The figures of district <paramref name="code"/> (prefix <paramref name="prefix"/>) as JSON text, with toilet
    /// reach within <paramref name="metres"/>, as the registry holds them now or, with <paramref name="asOf"/>, as it held
    /// them then; null when the district does not exist. Today's reach at <see cref="KeptReachMetres"/> is read from the kept
    /// rows unless <paramref name="probeReach"/> (the full statement the kept rows must equal). With <paramref name="areaKnown"/>,
    /// the district's area is <paramref name="area"/> (km², kept under the district's own stamp by <see cref="CoverageComposition"/>)
    /// instead of the geodesic area of its boundary computed again (most of a county's fresh read at 1 M, bench/README.md).
    /// </summary>
    public static async Task<string?> FiguresAsync(NpgsqlConnection connection, string code, string prefix, int metres, CancellationToken ct, AsOf? asOf = null, bool probeReach = false,
        double? area = null, bool areaKnown = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(asOf is not null ? AsOfStatement : metres == KeptReachMetres && !probeReach ? KeptStatement : Statement, connection);
        asOf?.Bind(command);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("area_known", areaKnown);
        command.Parameters.Add(new NpgsqlParameter("area", NpgsqlTypes.NpgsqlDbType.Double) { Value = area is { } a ? a : DBNull.Value });
        command.Parameters.AddWithValue("p", prefix + "%");
        var (lo, hi) = PrefixRange(prefix);
        command.Parameters.AddWithValue("lo", lo);
        command.Parameters.AddWithValue("hi", hi);
        command.Parameters.AddWithValue("metres", (double)metres);
        command.Parameters.AddWithValue("degrees", DegreesFor(metres));
        await command.PrepareAsync(ct);
        return (string?)await command.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// One county's partial figures (today's rows; <see cref="CountyPartial"/>): the reductions of <see cref="Rows"/>
    /// before they are written out, with the report durations (the float8 the direct median orders) and the inspection due
    /// instants (microseconds since the epoch) kept whole, so that a prefecture's or the province's median and inspection
    /// states computed from its counties are exactly the direct statement's. No figure in it depends on the clock.
    /// </summary>
    private static readonly string PartialStatement = PartialOf(ReachProbed);

    // A county's partial figures at the kept radius: the facilities' reach from the kept rows.
    private static readonly string KeptPartialStatement = PartialOf(ReachKept);

    private static string PartialOf(string reach) => HistoryTables.Resolve(Expand("WITH " + Rows.Replace("{Reach}", reach, StringComparison.Ordinal) + """
        , ins AS (
          SELECT fst.facility_id IS NOT NULL AS known, fst.due_at
          FROM (SELECT id FROM fac WHERE {InService}) f LEFT JOIN facility_state fst ON fst.facility_id = f.id)
        SELECT json_build_object(
          'counts', COALESCE((SELECT json_agg(json_build_array(kind, status, n)) FROM ks), '[]'::json),
          'reach', COALESCE((SELECT json_agg(json_build_array(type, total, covered)) FROM reach_by_type), '[]'::json),
          'townships', COALESCE((SELECT json_agg(json_build_array(code, served)) FROM townships), '[]'::json),
          'roads', (SELECT json_build_array(segments, len, accessible_len) FROM road_sum),
          'reports', (SELECT json_build_array(open, closed) FROM rep_sum),
          'took', COALESCE((SELECT json_agg(d ORDER BY d) FROM (
                     SELECT (extract(epoch FROM took) / 86400.0)::float8 AS d FROM rep WHERE closed AND took IS NOT NULL) x), '[]'::json),
          'stateless', (SELECT count(*) FROM ins WHERE NOT known),
          'never', (SELECT count(*) FROM ins WHERE known AND due_at IS NULL),
          'due', COALESCE((SELECT json_agg((extract(epoch FROM due_at) * 1000000)::bigint ORDER BY due_at)
                           FROM ins WHERE due_at IS NOT NULL), '[]'::json))::text
        """), null);

    /// <summary>
    /// The answer of a prefecture or the province from its counties' summed partial figures (<see cref="ComposedAsync"/>),
    /// written by the same text as the direct statement's (<see cref="Answer"/>), so rounding and shapes are the same.
    /// </summary>
    private static readonly string ComposedStatement = Expand("""
        WITH dist AS (
          SELECT d.code, d.name, d.level, d.population, d.disabled_population, @area::float8 AS area_km2
          FROM districts d WHERE d.code = @code),
        ks AS (SELECT * FROM unnest(@kinds::text[], @statuses::text[], @counts::bigint[]) AS k(kind, status, n)),
        reach_by_type AS (SELECT * FROM unnest(@types::text[], @type_totals::bigint[], @type_covered::bigint[]) AS r(type, total, covered)),
        townships AS (SELECT * FROM unnest(@townships::text[], @served::boolean[]) AS t(code, served)),
        road_sum AS (SELECT @segments::bigint AS segments, @road_length::numeric AS len, @accessible_length::numeric AS accessible_len),
        rep_sum AS (SELECT @open::bigint AS open, @closed::bigint AS closed, @median::float8 AS median)
        """ + Answer).Replace("{InspectionCounts}", """
        json_build_object('facilities', @ins_total::bigint, 'onTime', @ins_on_time::bigint, 'dueSoon', @ins_due_soon::bigint,
                          'overdue', @ins_overdue::bigint, 'never', @ins_never::bigint)
        """, StringComparison.Ordinal);

    /// <summary>
    /// Records a composed read cannot add up exactly, for <c>{Odd:x}</c>: a record whose township lies outside its
    /// county (it would count in two counties, or in one the stamps of the other do not follow), or whose district is not
    /// a county (a prefecture's or township's own code: no county's partial holds it). Migration
    /// <c>20261209100000_CoverageComposition</c> keeps a partial index of exactly this predicate on each table the figures
    /// read, so the check is a probe of an (ordinarily empty) index.
    /// </summary>
    internal const string OutsideCounty =
        "(left({x}.township_code, 6) <> {x}.district_code OR length({x}.district_code) <> 6 OR right({x}.district_code, 2) = '00')";

    /// <summary>
    /// What a composed read of prefix <c>@p</c> needs in one round trip: its counties (the six-digit codes under it that
    /// are not a prefecture's own), the change counters under it (and of its ancestors, whose keys are prefixes of it),
    /// the database's now and now + 30 days (the inspection states' bounds, as <see cref="InspectionSql.InspectionState"/>
    /// takes them), and whether composing would be exact: no record outside its county (<see cref="OutsideCounty"/>), no
    /// report of a district code unknown to the registry (reports have no foreign key: a loose index scan of the codes
    /// under the prefix, one probe a code), no township whose county is not a county of the list.
    /// </summary>
    private static readonly string PlanStatement = Expand("""
        WITH counties AS (
          SELECT code FROM districts WHERE code >= @lo AND code < @hi AND length(code) = 6 AND right(code, 2) <> '00'),
        report_codes AS (
          WITH RECURSIVE c(code) AS (
            SELECT (SELECT min(district_code) FROM reports WHERE district_code >= @lo AND district_code < @hi)
            UNION ALL
            SELECT (SELECT min(district_code) FROM reports WHERE district_code > c.code AND district_code < @hi) FROM c WHERE c.code IS NOT NULL)
          SELECT code FROM c WHERE code IS NOT NULL)
        SELECT
          ARRAY(SELECT code::text FROM counties ORDER BY code),
          ARRAY(SELECT district_key::text FROM coverage_changes
                WHERE district_key >= @lo AND district_key < @hi OR @p LIKE district_key || '%' OR district_key = @code ORDER BY district_key, slot),
          ARRAY(SELECT changes FROM coverage_changes
                WHERE district_key >= @lo AND district_key < @hi OR @p LIKE district_key || '%' OR district_key = @code ORDER BY district_key, slot),
          (extract(epoch FROM now()) * 1000000)::bigint,
          (extract(epoch FROM now() + interval '30 days') * 1000000)::bigint,
          NOT ((SELECT x.district_code FROM facilities x WHERE {Odd:x} AND {In:x} ORDER BY x.district_code LIMIT 1) IS NOT NULL
               OR (SELECT x.district_code FROM road_segments x WHERE {Odd:x} AND {In:x} ORDER BY x.district_code LIMIT 1) IS NOT NULL
               OR (SELECT x.district_code FROM renovation_cases x WHERE {Odd:x} AND {In:x} ORDER BY x.district_code LIMIT 1) IS NOT NULL
               OR (SELECT x.district_code FROM reports x WHERE {Odd:x} AND {In:x} ORDER BY x.district_code LIMIT 1) IS NOT NULL
               OR EXISTS (SELECT 1 FROM report_codes r WHERE NOT EXISTS (SELECT 1 FROM districts d WHERE d.code = r.code))
               OR EXISTS (SELECT 1 FROM districts t WHERE t.level = 4 AND t.code LIKE @p
                                                   AND left(t.code, 6) NOT IN (SELECT code FROM counties)))
        """.Replace("{Odd:x}", OutsideCounty.Replace("{x}", "x", StringComparison.Ordinal), StringComparison.Ordinal));

    /// <summary>What <see cref="PlanAsync"/> found: the counties, the change counters (key, count), the bounds of the inspection states, whether composing is exact.</summary>
    public sealed record CompositionPlan(string[] Counties, (string Key, long Changes)[] Changes, long NowMicros, long SoonMicros, bool Exact);

    /// <summary>The plan of a composed read of district <paramref name="code"/> (prefix <paramref name="prefix"/>), see <see cref="PlanStatement"/>.</summary>
    public static async Task<CompositionPlan> PlanAsync(NpgsqlConnection connection, string code, string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(PlanStatement, connection);
        var (lo, hi) = PrefixRange(prefix);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("p", prefix + "%");
        command.Parameters.AddWithValue("lo", lo);
        command.Parameters.AddWithValue("hi", hi);
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var keys = reader.GetFieldValue<string[]>(1);
        var changes = reader.GetFieldValue<long[]>(2);
        return new CompositionPlan(reader.GetFieldValue<string[]>(0), [.. keys.Zip(changes)], reader.GetInt64(3), reader.GetInt64(4), reader.GetBoolean(5));
    }

    /// <summary>The partial figures of county <paramref name="county"/> with toilet reach within <paramref name="metres"/>, as JSON text (<see cref="PartialStatement"/>).</summary>
    public static async Task<string> PartialAsync(NpgsqlConnection connection, string county, int metres, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(metres == KeptReachMetres ? KeptPartialStatement : PartialStatement, connection);
        var (lo, hi) = PrefixRange(county);
        command.Parameters.AddWithValue("p", county + "%");
        command.Parameters.AddWithValue("lo", lo);
        command.Parameters.AddWithValue("hi", hi);
        command.Parameters.AddWithValue("metres", (double)metres);
        command.Parameters.AddWithValue("degrees", DegreesFor(metres));
        await command.PrepareAsync(ct);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The change stamp of district <paramref name="code"/>'s own row: the counters of its code and of '' (a TRUNCATE).</summary>
    public static async Task<long> OwnStampAsync(NpgsqlConnection connection, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            "SELECT COALESCE(sum(changes), 0)::bigint FROM coverage_changes WHERE district_key = @code OR district_key = ''", connection);
        command.Parameters.AddWithValue("code", code);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The geodesic area of district <paramref name="code"/> in km², as the direct statement computes it; null without a boundary.</summary>
    public static async Task<double?> AreaAsync(NpgsqlConnection connection, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            "SELECT CASE WHEN d.boundary IS NULL THEN NULL ELSE ST_Area(d.boundary::geography) / 1e6 END FROM districts d WHERE d.code = @code", connection);
        command.Parameters.AddWithValue("code", code);
        return await command.ExecuteScalarAsync(ct) is double area ? area : null;
    }

    /// <summary>
    /// The figures of district <paramref name="code"/> written from the sum <paramref name="sum"/> of its counties' partial
    /// figures, as JSON text of the same shape and rounding as <see cref="FiguresAsync"/>'s; null when the district does not exist.
    /// </summary>
    public static async Task<string?> ComposedAsync(NpgsqlConnection connection, string code, int metres, double? area, ComposedFigures sum, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(sum);
        await using var command = new NpgsqlCommand(ComposedStatement, connection);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("metres", (double)metres);
        command.Parameters.Add(new NpgsqlParameter("area", NpgsqlTypes.NpgsqlDbType.Double) { Value = area is { } a ? a : DBNull.Value });
        command.Parameters.AddWithValue("kinds", sum.Counts.Keys.Select(k => k.Kind).ToArray());
        command.Parameters.AddWithValue("statuses", sum.Counts.Keys.Select(k => k.Status).ToArray());
        command.Parameters.AddWithValue("counts", sum.Counts.Values.ToArray());
        command.Parameters.AddWithValue("types", sum.Reach.Keys.ToArray());
        command.Parameters.AddWithValue("type_totals", sum.Reach.Values.Select(r => r.Total).ToArray());
        command.Parameters.AddWithValue("type_covered", sum.Reach.Values.Select(r => r.Covered).ToArray());
        command.Parameters.AddWithValue("townships", sum.Townships.Select(t => t.Code).ToArray());
        command.Parameters.AddWithValue("served", sum.Townships.Select(t => t.Served).ToArray());
        command.Parameters.AddWithValue("segments", sum.Segments);
        command.Parameters.AddWithValue("road_length", sum.RoadLength);
        command.Parameters.AddWithValue("accessible_length", sum.AccessibleLength);
        command.Parameters.AddWithValue("open", sum.OpenReports);
        command.Parameters.AddWithValue("closed", sum.ClosedReports);
        command.Parameters.Add(new NpgsqlParameter("median", NpgsqlTypes.NpgsqlDbType.Double) { Value = sum.MedianDaysToClose is { } m ? m : DBNull.Value });
        command.Parameters.AddWithValue("ins_total", sum.Inspections.Facilities);
        command.Parameters.AddWithValue("ins_on_time", sum.Inspections.OnTime);
        command.Parameters.AddWithValue("ins_due_soon", sum.Inspections.DueSoon);
        command.Parameters.AddWithValue("ins_overdue", sum.Inspections.Overdue);
        command.Parameters.AddWithValue("ins_never", sum.Inspections.Never);
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
