using Npgsql;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// The coverage indicators of one district, computed in PostGIS in one statement. A district's records are those
/// whose <c>district_code</c> or <c>township_code</c> starts with its prefix
/// (<see cref="Auth.DistrictScope.Prefix"/>), so the same statement serves every level. Distances are geodesic
/// (<see href="https://postgis.net/docs/ST_DWithin.html">ST_DWithin</see> on geography, after a GiST-indexed
/// bounding-box prefilter on geometry); areas and lengths likewise (<c>ST_Area</c>/<c>ST_Length</c> on geography).
/// Household locations never leave the statement: only their counts do.
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

    private const string Sql = """
        WITH dist AS (
          SELECT d.code, d.name, d.level, d.population, d.disabled_population,
                 CASE WHEN d.boundary IS NULL THEN NULL ELSE ST_Area(d.boundary::geography) / 1e6 END AS area_km2
          FROM districts d WHERE d.code = @code),
        fac AS (
          SELECT f.kind, f.status, f.geometry FROM facilities f
          WHERE f.deleted_at IS NULL AND (f.district_code LIKE @p OR f.township_code LIKE @p)),
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
          SELECT 'household', r.location FROM renovation_cases r
          WHERE (r.district_code LIKE @p OR r.township_code LIKE @p) AND r.status IN {Renovated}),
        reach AS (
          SELECT dm.type, EXISTS (
                   SELECT 1 FROM facilities t
                   WHERE t.deleted_at IS NULL AND t.kind = 'accessible_toilet' AND t.status = 'operational'
                     AND ST_DWithin(t.geometry, dm.g, @degrees)
                     AND ST_DWithin(t.geometry::geography, dm.g::geography, @metres)) AS covered
          FROM demand dm),
        reach_by_type AS (
          SELECT type, count(*) AS total, count(*) FILTER (WHERE covered) AS covered FROM reach GROUP BY type),
        townships AS (
          SELECT t.code, EXISTS (
                   SELECT 1 FROM facilities f
                   WHERE f.deleted_at IS NULL AND f.kind = 'disability_service' AND f.status = 'operational'
                     AND f.township_code = t.code) AS served
          FROM districts t WHERE t.level = 4 AND t.code LIKE @p),
        roads AS (
          SELECT ST_Length(r.geometry::geography) AS len,
                 COALESCE(r.sidewalk_width_m, 0) > 0 AND r.curb_ramp_start AND r.curb_ramp_end
                   AND r.tactile_paving = 'continuous' AS accessible
          FROM road_segments r
          WHERE r.deleted_at IS NULL AND r.road_class = 'main' AND (r.district_code LIKE @p OR r.township_code LIKE @p))
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
                      FROM roads)))::text
        FROM dist
        """;

    private static readonly string Statement = Sql.Replace("{InService}", InService, StringComparison.Ordinal)
        .Replace("{Renovated}", Renovated, StringComparison.Ordinal);

    /// <summary>
    /// The figures of district <paramref name="code"/> (prefix <paramref name="prefix"/>) as JSON text, with toilet
    /// reach within <paramref name="metres"/>; null when the district does not exist.
    /// </summary>
    public static async Task<string?> FiguresAsync(NpgsqlConnection connection, string code, string prefix, int metres, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(Statement, connection);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("p", prefix + "%");
        command.Parameters.AddWithValue("metres", (double)metres);
        command.Parameters.AddWithValue("degrees", metres / MetresPerDegreeFloor);
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
}
