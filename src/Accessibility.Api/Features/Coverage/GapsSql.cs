using Accessibility.Api.Infrastructure.History;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Coverage;

/// <summary>Which households join the demand of a gap figure, by who asks (see <see cref="GapsSql"/>).</summary>
public enum HouseholdDemand
{
    /// <summary>No household: figures of public buildings and bus stops only (the public view).</summary>
    None = 0,

    /// <summary>Every renovated household (staff of the district who may see households).</summary>
    All = 1,
}

/// <summary>
/// The spatial SQL of coverage gaps: where demand is not covered, where to build next, and what one more facility
/// would change. Demand points are those of the toilet-reach indicator (<see cref="CoverageSql"/>): public buildings
/// and bus stops in service and renovated households of the district; a point is covered when an operational facility
/// of the chosen kind lies within the radius, geodesically
/// (<see href="https://postgis.net/docs/ST_DWithin.html">ST_DWithin</see> on geography after a GiST-indexed
/// bounding-box test on geometry). Values are always parameters. Each statement is written once over placeholders of the
/// kept tables and read either over the tables (today) or as of a date (<see cref="GapQuery.AsOf"/>, docs/history.md).
/// </summary>
/// <remarks>
/// <para>
/// The grid is <see href="https://postgis.net/docs/ST_HexagonGrid.html">ST_HexagonGrid</see> in the CGCS2000 3-degree
/// Gauss–Krüger zone (EPSG:4513–4533, <see href="https://postgis.net/docs/ST_Transform.html">ST_Transform</see>) of
/// the district's centroid (a township without a boundary takes its county's): the registry's metric CRS for
/// distances and areas, in metres, with a scale error under 0.1 % even 3° from the central meridian, so that cells keep
/// their size across a province that spans two zones. One zone per district keeps one consistent grid, and
/// ST_HexagonGrid aligns cells to the zone's origin, so a cell's (i, j) is a stable id for a district and cell size.
/// </para>
/// <para>
/// The grid is never laid over the whole district (a province at 100 m would be millions of cells): each demand
/// point asks ST_HexagonGrid for the cells of a 2 m box around itself and keeps the one that
/// <see href="https://postgis.net/docs/ST_Intersects.html">intersects</see> it (the lowest (i, j) when it lies on an
/// edge). Every cell returned therefore holds demand of the district, and so intersects it.
/// </para>
/// </remarks>
public static class GapsSql
{
    /// <summary>
    /// The metric zone of the district (<c>zone.srid</c>), and the demand points <c>dm(src, id, type, g)</c>: <c>src</c>
    /// is <c>f</c> (facility) or <c>h</c> (household). Parameters: <c>@code</c>, <c>@p</c> (prefix pattern),
    /// <c>@households</c> (<see cref="HouseholdDemand"/>; 0 leaves households out).
    /// </summary>
    private const string DemandCte = """
        zone AS MATERIALIZED (
          SELECT greatest(4513, least(4533, 4488 + floor(ST_X(c) / 3 + 0.5)::int)) AS srid
          FROM (SELECT COALESCE(
                  (SELECT ST_Centroid(d.boundary) FROM districts d WHERE d.code = @code AND d.boundary IS NOT NULL),
                  (SELECT ST_Centroid(d.boundary) FROM districts d WHERE d.code = left(@code, 6) AND d.boundary IS NOT NULL)) AS c) x),
        dm AS (
          SELECT 'f'::text AS src, f.id, f.kind::text AS type, f.geometry AS g FROM {facilities} f
          WHERE f.deleted_at IS NULL AND (f.district_code LIKE @p OR f.township_code LIKE @p)
            AND f.kind IN ('public_building', 'bus_stop') AND f.{InService}
          UNION ALL
          SELECT 'h', r.id, 'household', r.location FROM {renovation_cases} r
          WHERE @households > 0 AND (r.district_code LIKE @p OR r.township_code LIKE @p) AND r.status IN {Renovated})
        """;

    /// <summary>Whether demand point <c>dm</c> is covered: an operational facility of <c>@kind</c> within <c>@metres</c>.</summary>
    private const string Covered = """
        EXISTS (SELECT 1 FROM {facilities} t
                WHERE t.deleted_at IS NULL AND t.kind = @kind AND t.status = 'operational'
                  AND ST_DWithin(t.geometry, dm.g, @degrees)
                  AND ST_DWithin(t.geometry::geography, dm.g::geography, @metres))
        """;

    /// <summary>Each demand point with its cell <c>(i, j, hex)</c> in the zone and whether it is covered.</summary>
    private const string PlacedCte = DemandCte + """
        ,
        placed AS (
          SELECT dm.src, dm.id, dm.type, dm.g, c.i, c.j, c.geom AS hex,
        """ + Covered + """
             AS covered
          FROM dm CROSS JOIN zone
          CROSS JOIN LATERAL (
            SELECT h.i, h.j, h.geom FROM ST_HexagonGrid(@cell, ST_Expand(ST_Transform(dm.g, zone.srid), 1)) h
            WHERE ST_Intersects(h.geom, ST_Transform(dm.g, zone.srid))
            ORDER BY h.i, h.j LIMIT 1) c)
        """;

    private const string GapsStatement = "WITH " + PlacedCte + """
        ,
        cells AS (
          SELECT i, j, (array_agg(hex))[1] AS hex, count(*) AS demand, count(*) FILTER (WHERE covered) AS covered
          FROM placed GROUP BY i, j)
        SELECT json_build_object(
          'epsg', (SELECT srid FROM zone),
          'demand', COALESCE(sum(demand), 0),
          'covered', COALESCE(sum(covered), 0),
          'features', COALESCE(json_agg(json_build_object(
              'type', 'Feature',
              'id', i || ',' || j,
              'geometry', ST_AsGeoJSON(registry_output_geometry(ST_Transform(hex, 4490), 7), 7, 0)::json,
              'properties', json_build_object(
                'cell', i || ',' || j, 'demand', demand, 'covered', covered, 'uncovered', demand - covered))
            ORDER BY demand - covered DESC, i, j) FILTER (WHERE demand > covered), '[]'::json))::text
        FROM cells
        """;

    /// <summary>
    /// Candidate sites: the centre of each cell holding uncovered demand, with the uncovered points <c>n</c> it would
    /// cover (geodesic, found through the GiST indexes of <c>facilities</c> and <c>renovation_cases</c>).
    /// </summary>
    private const string CandidatesStatement = "WITH " + PlacedCte + """
        ,
        unc AS MATERIALIZED (
          SELECT row_number() OVER (ORDER BY src, id)::int AS n, src, id, i, j, hex FROM placed WHERE NOT covered),
        cand AS MATERIALIZED (
          SELECT i, j, ST_Transform(ST_Centroid((array_agg(hex))[1]), 4490) AS centre FROM unc GROUP BY i, j),
        pairs AS (
          SELECT c.i, c.j, u.n FROM cand c
          JOIN {facilities} f ON ST_DWithin(f.geometry, c.centre, @degrees)
          JOIN unc u ON u.src = 'f' AND u.id = f.id
          WHERE ST_DWithin(f.geometry::geography, c.centre::geography, @metres)
          UNION ALL
          SELECT c.i, c.j, u.n FROM cand c
          JOIN {renovation_cases} r ON ST_DWithin(r.location, c.centre, @degrees)
          JOIN unc u ON u.src = 'h' AND u.id = r.id
          WHERE ST_DWithin(r.location::geography, c.centre::geography, @metres)),
        covers AS (SELECT i, j, array_agg(n ORDER BY n) AS ns FROM pairs GROUP BY i, j)
        SELECT json_build_object(
          'demand', (SELECT count(*) FROM placed),
          'covered', (SELECT count(*) FROM placed WHERE covered),
          'candidates', COALESCE((
            SELECT json_agg(json_build_object(
                     'i', c.i, 'j', c.j,
                     'lon', round(ST_X(c.centre)::numeric, 7), 'lat', round(ST_Y(c.centre)::numeric, 7),
                     'covers', COALESCE(v.ns, '{}'::int[]))
                   ORDER BY c.i, c.j)
            FROM cand c LEFT JOIN covers v ON v.i = c.i AND v.j = c.j), '[]'::json))::text
        """;

    private const string WhatIfStatement = "WITH " + DemandCte + """
        ,
        x AS (
          SELECT
        """ + " " + Covered + """
             AS before,
                 ST_DWithin(dm.g::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4490)::geography, @metres) AS near
          FROM dm)
        SELECT count(*), count(*) FILTER (WHERE before), count(*) FILTER (WHERE before OR near) FROM x
        """;

    // Each statement twice from one text: over the tables (today) and over their as-of functions (docs/history.md).
    private static readonly (string Today, string AsOf) Gaps = Expand(GapsStatement);
    private static readonly (string Today, string AsOf) Candidates = Expand(CandidatesStatement);
    private static readonly (string Today, string AsOf) WhatIf = Expand(WhatIfStatement);

    /// <summary>
    /// The cells of the district of <paramref name="query"/> holding uncovered demand, as
    /// <c>{"epsg","demand","covered","features":[…]}</c> (text): features are GeoJSON hexagons (CGCS2000 lon/lat) with
    /// <c>{cell, demand, covered, uncovered}</c>, most uncovered first; <c>demand</c> and <c>covered</c> total every
    /// cell.
    /// </summary>
    public static async Task<string> GapsAsync(NpgsqlConnection connection, GapQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        return await RunAsync(connection, Gaps, query, async command => (string)(await command.ExecuteScalarAsync(ct))!, ct);
    }

    /// <summary>
    /// Baseline and candidate sites of the district of <paramref name="query"/>, as
    /// <c>{"demand","covered","candidates":[{i, j, lon, lat, covers:[n…]}]}</c> (text), candidates by (i, j): each
    /// cell centre with the numbers of the uncovered demand points it would cover. The greedy choice is
    /// <see cref="GreedyCoverage"/>'s.
    /// </summary>
    public static async Task<string> CandidatesAsync(NpgsqlConnection connection, GapQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        return await RunAsync(connection, Candidates, query, async command => (string)(await command.ExecuteScalarAsync(ct))!, ct);
    }

    /// <summary>Demand, covered now, and covered with one more operational facility of the kind at (lon, lat).</summary>
    public static async Task<(long Demand, long Before, long After)> WhatIfAsync(
        NpgsqlConnection connection, GapQuery query, double lon, double lat, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        return await RunAsync(connection, WhatIf, query, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }, ct, (lon, lat));
    }

    /// <summary>
    /// Runs <paramref name="statement"/> (today's or as of <see cref="GapQuery.AsOf"/>) in a read-only transaction without JIT: the per-point set-returning
    /// ST_HexagonGrid calls push the plan's cost estimate over <c>jit_above_cost</c>, and compiling it took
    /// seconds where the query runs in a few hundred milliseconds. The statement is prepared (Npgsql keeps it on the
    /// pooled connection), so parsing and planning the long statement are not paid at every request.
    /// </summary>
    private static async Task<T> RunAsync<T>(
        NpgsqlConnection connection, (string Today, string AsOf) statement, GapQuery query, Func<NpgsqlCommand, Task<T>> run, CancellationToken ct,
        (double Lon, double Lat)? point = null)
    {
        var sql = query.AsOf is null ? statement.Today : statement.AsOf;
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        await using (var setting = new NpgsqlCommand("SET TRANSACTION READ ONLY; SET LOCAL jit = off", connection, transaction))
        {
            await setting.ExecuteNonQueryAsync(ct);
        }

        await using var command = Command(connection, sql, query);
        if (point is { } p)
        {
            command.Parameters.AddWithValue("lon", p.Lon);
            command.Parameters.AddWithValue("lat", p.Lat);
        }

        command.Transaction = transaction;
        await command.PrepareAsync(ct);
        var result = await run(command);
        await transaction.CommitAsync(ct);
        return result;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, GapQuery query)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("code", NpgsqlDbType.Text) { Value = query.Code });
        command.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Text) { Value = query.Prefix + "%" });
        command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Text) { Value = query.Kind });
        command.Parameters.AddWithValue("metres", (double)query.Metres);
        command.Parameters.AddWithValue("degrees", CoverageSql.DegreesFor(query.Metres));
        command.Parameters.AddWithValue("cell", (double)query.CellM);
        command.Parameters.AddWithValue("households", (int)query.Households);
        query.AsOf?.Bind(command);
        return command;
    }

    private static (string Today, string AsOf) Expand(string sql)
    {
        var template = sql
            .Replace("{InService}", CoverageSql.InService, StringComparison.Ordinal)
            .Replace("{Renovated}", CoverageSql.Renovated, StringComparison.Ordinal);
        return (HistoryTables.Resolve(template, null), HistoryTables.AsOfSourcesOf(template));
    }
}

/// <summary>A gap question, validated.</summary>
/// <param name="Code">District code (normalized).</param>
/// <param name="Prefix">Its prefix (<see cref="Auth.DistrictScope.Prefix"/>).</param>
/// <param name="Kind">Facility kind whose coverage is measured.</param>
/// <param name="Metres">Coverage radius, metres.</param>
/// <param name="CellM">Hexagon size (side = circumradius, as ST_HexagonGrid takes it), metres.</param>
/// <param name="Households">Which households join the demand.</param>
/// <param name="AsOf">The date (and knowledge) the records are read as of; null for today.</param>
public sealed record GapQuery(string Code, string Prefix, string Kind, int Metres, int CellM, HouseholdDemand Households, AsOf? AsOf = null)
{
    /// <summary>Whether the caller pinned the knowledge of <see cref="AsOf"/> (<c>knownAt</c>), else it is the time of the request.</summary>
    public bool KnownAtPinned { get; init; }
}
