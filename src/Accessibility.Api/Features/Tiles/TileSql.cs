using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Tiles;

/// <summary>
/// Mapbox Vector Tiles made by PostGIS: the tile's Web Mercator envelope
/// (<see href="https://postgis.net/docs/ST_TileEnvelope.html">ST_TileEnvelope</see>), a GiST-indexed bounding-box
/// filter in CGCS2000, geometries clipped and quantized by
/// <see href="https://postgis.net/docs/ST_AsMVTGeom.html">ST_AsMVTGeom</see> (extent 4096), and one layer encoded by
/// <see href="https://postgis.net/docs/ST_AsMVT.html">ST_AsMVT</see>. Only public layers exist: household
/// (renovation) data are never in a tile.
/// <para>
/// Point layers (facilities, defects, public reports) are clustered up to <see cref="ClusterMaxZoom"/>: the points
/// are grouped by a grid of cells per tile (<see cref="CoarseGrid"/> per side up to <see cref="CoarseGridMaxZoom"/>,
/// cells of 32 px on a 256 px tile; then <see cref="FineGrid"/>, 16 px, so that a dense city is still readable),
/// aligned to the global tile grid, so a cell groups the same points in every tile that holds it. A cell with one point is that feature; a cell with several is one point at their centroid with
/// <c>count</c> and a breakdown (JSON text: status, inspection state, severity or category → number). A tile
/// also carries the cells of a one-cell ring around it, so that a symbol near the edge is drawn whole; a client
/// counts only the features whose point lies inside the tile (0 ≤ x, y &lt; 4096) to count each once.
/// </para>
/// </summary>
public static class TileSql
{
    /// <summary>Tile extent in integer coordinates.</summary>
    public const int Extent = 4096;

    /// <summary>Deepest zoom whose point layers are clustered; from the next zoom on every feature is its own.</summary>
    public const int ClusterMaxZoom = 15;

    /// <summary>Deepest zoom clustered on the coarse grid.</summary>
    public const int CoarseGridMaxZoom = 12;

    /// <summary>Cluster cells per tile side up to <see cref="CoarseGridMaxZoom"/> (32 px cells).</summary>
    public const int CoarseGrid = 8;

    /// <summary>Cluster cells per tile side from <see cref="CoarseGridMaxZoom"/> + 1 to <see cref="ClusterMaxZoom"/> (16 px cells).</summary>
    public const int FineGrid = 16;

    /// <summary>Cluster cells per tile side at zoom <paramref name="z"/>, or null when not clustered.</summary>
    public static int? GridAt(int z) => z <= CoarseGridMaxZoom ? CoarseGrid : z <= ClusterMaxZoom ? FineGrid : null;

    /// <summary>Below this zoom the roads layer holds only main roads (主干路): a province of side streets is noise.</summary>
    public const int AllRoadsMinZoom = 10;

    private const string Envelope = """
        WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env),
        bb AS (SELECT env, ST_Transform(ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) * 64.0 / 4096), 4490) AS box FROM b)
        """;

    // Point symbols are up to 28 px wide: a buffer of 16 px (256 of 4096) keeps a symbol at the edge whole.
    private const string PointEnvelope = """
        WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env),
        bb AS (SELECT env, ST_Transform(ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) * 256.0 / 4096), 4490) AS box FROM b)
        """;

    // One ring of cluster cells around the tile (a cell is 1/@grid of the tile side).
    private const string ClusterEnvelope = """
        WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env),
        bb AS (SELECT env, ST_Transform(ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) / @grid), 4490) AS box FROM b)
        """;

    // The global cluster cell of src.pt: the tile coordinate at zoom z times the grid, Web Mercator y computed from
    // the latitude directly (no per-point ST_Transform), floored.
    private const string Cells = """
        , cells AS (
          SELECT src.*,
                 floor((ST_X(src.pt) + 180.0) / 360.0 * (2.0 ^ @z) * @grid) AS cx,
                 floor((1 - ln(tan(radians(ST_Y(src.pt))) + 1 / cos(radians(ST_Y(src.pt)))) / pi()) / 2 * (2.0 ^ @z) * @grid) AS cy
          FROM src)
        """;

    // A breakdown of the cells' column c as JSON text {"value": count, …}, ordered by value for a stable tile.
    private const string Breakdown = "(SELECT json_object_agg(v, n ORDER BY v)::text FROM (SELECT v, count(*) AS n FROM unnest(array_agg({c})) v GROUP BY v) s)";

    private static string BreakdownOf(string column) => Breakdown.Replace("{c}", column, StringComparison.Ordinal);

    private const string ClusterGeom = "ST_AsMVTGeom(ST_Transform(ST_Centroid(ST_Collect(cells.pt)), 3857), (SELECT env FROM b), 4096, 640, false) AS geom";

    /// <summary>Facilities in service or not (not deleted), with kind, status and inspection state.</summary>
    private const string Facilities = PointEnvelope + """
        , mvt AS (
          SELECT f.id, f.kind, f.name, f.status, f.district_code AS "districtCode", f.township_code AS "townshipCode",
                 {InspectionState} AS "inspectionState",
                 ST_AsMVTGeom(ST_Transform(f.geometry, 3857), bb.env, 4096, 256, true) AS geom
          FROM facilities f, bb
          WHERE f.deleted_at IS NULL AND f.geometry && bb.box {filter})
        SELECT ST_AsMVT(mvt, 'facilities', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    /// <summary>
    /// Facilities grouped by cluster cell per request (filtered tiles only: unfiltered ones read the kept cells); a line
    /// facility counts at a point on it. The point, its Web Mercator position and the due date come from
    /// <c>facility_state</c> (kept by triggers), so no row computes a point on surface, a projection or its inspections.
    /// </summary>
    private const string FacilityClusters = ClusterEnvelope + """
        , src AS (
          SELECT f.id, f.kind, f.name, f.status, f.district_code, f.township_code, {StateOfDue} AS inspection_state,
                 t.pt, t.mx, t.my
          FROM facilities f JOIN facility_state t ON t.facility_id = f.id, bb
          WHERE f.deleted_at IS NULL AND f.geometry && bb.box AND t.pt IS NOT NULL {filter})
        , cells AS (
          SELECT src.*, floor(src.mx * (2.0 ^ @z) * @grid) AS cx, floor(src.my * (2.0 ^ @z) * @grid) AS cy
          FROM src)
        , mvt AS (
          SELECT count(*) AS count,
                 CASE WHEN count(*) = 1 THEN min(cells.id) END AS id,
                 CASE WHEN count(*) = 1 THEN min(cells.kind) END AS kind,
                 CASE WHEN count(*) = 1 THEN min(cells.name) END AS name,
                 CASE WHEN count(*) = 1 THEN min(cells.status) END AS status,
                 CASE WHEN count(*) = 1 THEN min(cells.district_code) END AS "districtCode",
                 CASE WHEN count(*) = 1 THEN min(cells.township_code) END AS "townshipCode",
                 CASE WHEN count(*) = 1 THEN min(cells.inspection_state) END AS "inspectionState",
                 CASE WHEN count(*) > 1 THEN {ByStatus} END AS statuses,
                 CASE WHEN count(*) > 1 THEN {ByInspectionState} END AS "inspectionStates",
                 {ClusterGeom}
          FROM cells
          GROUP BY cells.cx, cells.cy)
        SELECT ST_AsMVT(mvt, 'facilities', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    /// <summary>
    /// Deepest zoom whose unfiltered facility clusters are read from <c>facility_cluster_cells</c> (migrations FacilityTileState,
    /// FacilityCellsToStreetZoom): every clustered zoom, so no unfiltered tile groups raw rows per request.
    /// </summary>
    public const int SummaryMaxZoom = ClusterMaxZoom;

    /// <summary>
    /// Unfiltered facility clusters up to <see cref="SummaryMaxZoom"/> from the cells kept by triggers
    /// (<c>facility_cluster_cells</c>: per zoom, cell, status and due bucket the number of live facilities and the sums of
    /// their longitudes, latitudes and ids), the tile's cells and a one-cell ring: the same cells, counts and breakdowns
    /// as <see cref="FacilityClusters"/>, at the mean of the points (the centroid of a multipoint). A due bucket (a day
    /// near the reference day R, or one of three codes: migration FacilityDueBuckets) is in one inspection state unless it
    /// is the day of now() or now() + 30 days; the facilities due on those two days, and while R is behind today those due
    /// between R's window and them, are judged one by one from <c>facility_state</c> (an index range on the due date), so
    /// the breakdown is exact at any instant; <see cref="FacilityDueReference"/> keeps R at today so that the range is two days.
    /// </summary>
    private const string FacilitySummary = """
        WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env),
        d AS (
          SELECT n.t0, n.t1, n.day0, n.day1, n.r,
                 -- the due days judged one by one: today's and today + 30 days' (as always), and while R is behind, the days
                 -- between R's window and them (empty while R <= today <= R + 2: FacilityDueBuckets)
                 least(n.day0, n.r + 3) AS lo0, greatest(n.day0, n.r - 1) AS hi0,
                 least(n.day1, n.r + 33) AS lo1, greatest(n.day1, n.r + 29) AS hi1
          -- R by a scalar sub-query, so that d is known to be one row and the ranges below probe the due date's index
          FROM (SELECT now() AS t0, now() + interval '30 days' AS t1,
                       floor(extract(epoch FROM now()) / 86400)::integer AS day0,
                       floor(extract(epoch FROM now() + interval '30 days') / 86400)::integer AS day1,
                       (SELECT r.day FROM facility_due_reference r) AS r) n),
        c AS (
          SELECT c.cx, c.cy, c.status, {StateOfBucket} AS state,
                 sum(c.n)::bigint AS n, sum(c.sum_lon) AS lon, sum(c.sum_lat) AS lat, sum(c.sum_id)::bigint AS id
          FROM facility_cluster_cells c, d
          WHERE c.z = @z AND c.cx BETWEEN @x * @grid - 1 AND (@x + 1) * @grid AND c.cy BETWEEN @y * @grid - 1 AND (@y + 1) * @grid
          GROUP BY 1, 2, 3, 4),
        -- Each facility judged one by one counts +1 in its state and -1 in the state its cell row gave it (none on the
        -- days of today and today + 30 days, whose rows have no state).
        one_by_one AS (
          SELECT x.cx, x.cy, s.state, s.k
          FROM (SELECT k.cx, k.cy,
                       CASE WHEN k.due_at < d.t0 THEN 'overdue' WHEN k.due_at < d.t1 THEN 'due_soon' ELSE 'on_time' END AS real,
                       {StateOfKeptBucket} AS kept
                FROM (SELECT floor(t.mx * (2.0 ^ @z) * @grid)::integer AS cx, floor(t.my * (2.0 ^ @z) * @grid)::integer AS cy,
                             t.due_at, {KeptBucket} AS kept_bucket
                      FROM facility_state t, d
                      WHERE t.live AND t.pt IS NOT NULL
                        -- the bounds as sub-queries (known per execution), so the planner probes the index rather than scan
                        AND ((t.due_at >= (SELECT to_timestamp(d.lo0 * 86400.0) FROM d) AND t.due_at < (SELECT to_timestamp((d.hi0 + 1) * 86400.0) FROM d))
                          OR (t.due_at >= (SELECT to_timestamp(d.lo1 * 86400.0) FROM d) AND t.due_at < (SELECT to_timestamp((d.hi1 + 1) * 86400.0) FROM d)))
                        AND floor(t.mx * (2.0 ^ @z) * @grid)::integer BETWEEN @x * @grid - 1 AND (@x + 1) * @grid
                        AND floor(t.my * (2.0 ^ @z) * @grid)::integer BETWEEN @y * @grid - 1 AND (@y + 1) * @grid
                      -- OFFSET 0 keeps k a sub-query, so that each facility's kept bucket is computed once: the state's CASE
                      -- names it nine times, and the inlined facility_due_bucket() with its numeric epoch arithmetic was
                      -- copied into each (46 of a zoom-1 tile's 58 ms for 2,115 facilities; auto_explain, bench/README.md
                      -- session 8)
                      OFFSET 0) k, d
                -- OFFSET 0 keeps x a sub-query, so that each row's states are computed once: flattened, the planner
                -- copied the kept state's expression into the filter and both VALUES rows (170 of a zoom-4 tile's 323 ms
                -- for 2,115 facilities, bench/README.md session 7)
                OFFSET 0) x
          CROSS JOIN LATERAL (VALUES (x.real, 1), (x.kept, -1)) s(state, k)
          WHERE x.real IS DISTINCT FROM x.kept AND s.state IS NOT NULL),
        j AS (
          SELECT c.cx, c.cy, c.status, c.n, c.lon, c.lat, c.id, c.state, CASE WHEN c.state IS NULL THEN 0 ELSE c.n END AS state_n FROM c
          UNION ALL
          SELECT o.cx, o.cy, NULL, 0, 0, 0, 0, o.state, o.k FROM one_by_one o),
        -- One pass per cell, no aggregate per cell in a sub-plan: the rows grouped once by two grouping sets (a cell's
        -- statuses, its states), then once per cell (bench/README.md, "Every zoom from kept cells" and "Due buckets").
        g AS (
          SELECT j.cx, j.cy, j.status, j.state, GROUPING(j.status) AS by_state,
                 sum(j.n) AS n, sum(j.lon) AS lon, sum(j.lat) AS lat, sum(j.id) AS id, sum(j.state_n) AS state_n
          FROM j GROUP BY GROUPING SETS ((j.cx, j.cy, j.status), (j.cx, j.cy, j.state))),
        cells AS (
          -- bigint: ST_AsMVT writes a numeric as a string
          SELECT g.cx, g.cy, (sum(g.n) FILTER (WHERE g.by_state = 0))::bigint AS n,
                 sum(g.lon) FILTER (WHERE g.by_state = 0) AS lon, sum(g.lat) FILTER (WHERE g.by_state = 0) AS lat,
                 (sum(g.id) FILTER (WHERE g.by_state = 0))::bigint AS id,
                 (json_object_agg(g.status, g.n::bigint ORDER BY g.status) FILTER (WHERE g.by_state = 0 AND g.status IS NOT NULL AND g.n > 0))::text AS statuses,
                 (json_object_agg(g.state, g.state_n::bigint ORDER BY g.state) FILTER (WHERE g.by_state = 1 AND g.state IS NOT NULL AND g.state_n > 0))::text AS states
          FROM g GROUP BY g.cx, g.cy HAVING sum(g.n) FILTER (WHERE g.by_state = 0) > 0),
        mvt AS (
          SELECT cells.n AS count,
                 f.id, f.kind, f.name, f.status, f.district_code AS "districtCode", f.township_code AS "townshipCode",
                 f.inspection_state AS "inspectionState",
                 CASE WHEN cells.n > 1 THEN cells.statuses END AS statuses,
                 CASE WHEN cells.n > 1 THEN cells.states END AS "inspectionStates",
                 ST_AsMVTGeom(ST_Transform(COALESCE(f.pt,
                     ST_SetSRID(ST_MakePoint((cells.lon / cells.n)::double precision, (cells.lat / cells.n)::double precision), 4490)), 3857),
                   (SELECT env FROM b), 4096, 640, false) AS geom
          FROM cells
          -- a cell of one is that facility (the sum of ids is its id)
          LEFT JOIN LATERAL (
            SELECT f.id, f.kind, f.name, f.status, f.district_code, f.township_code, t.pt, {StateOfDue} AS inspection_state
            FROM facilities f JOIN facility_state t ON t.facility_id = f.id
            -- (no index probe for a cell of many: the sum of its ids may be some other facility's id)
            WHERE cells.n = 1 AND f.id = CASE WHEN cells.n = 1 THEN cells.id END) f ON true)
        SELECT ST_AsMVT(mvt, 'facilities', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    /// <summary>Road segments (not deleted), with class and the accessibility of the segment.</summary>
    private const string Roads = Envelope + """
        , mvt AS (
          SELECT r.id, r.name, r.road_class AS "roadClass", r.status, r.sidewalk_width_m AS "sidewalkWidthM",
                 r.curb_ramp_start AS "curbRampStart", r.curb_ramp_end AS "curbRampEnd", r.tactile_paving AS "tactilePaving",
                 (COALESCE(r.sidewalk_width_m, 0) > 0 AND r.curb_ramp_start AND r.curb_ramp_end AND r.tactile_paving = 'continuous') AS accessible,
                 ST_AsMVTGeom(ST_Transform(r.geometry, 3857), bb.env, 4096, 64, true) AS geom
          FROM road_segments r, bb
          WHERE r.deleted_at IS NULL AND r.geometry && bb.box AND (@z >= {AllRoadsMinZoom} OR r.road_class = 'main'))
        SELECT ST_AsMVT(mvt, 'roads', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    private const string UnclosedDefect = "d.status IN ('open', 'assigned', 'fixed')";

    /// <summary>Unclosed defects (open, assigned, fixed), with severity and whether overdue; no history, no people.</summary>
    private const string OpenDefects = PointEnvelope + """
        , mvt AS (
          SELECT d.id, d.facility_id AS "facilityId", d.item, d.severity, d.status,
                 (d.status IN ('open', 'assigned') AND d.due_at < now()) AS overdue,
                 ST_AsMVTGeom(ST_Transform(d.location, 3857), bb.env, 4096, 256, true) AS geom
          FROM defects d, bb
          WHERE {UnclosedDefect} AND d.location && bb.box)
        SELECT ST_AsMVT(mvt, 'defects', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    /// <summary>Unclosed defects grouped by cluster cell, with a breakdown by severity and the number overdue.</summary>
    private const string DefectClusters = ClusterEnvelope + """
        , src AS (
          SELECT d.id, d.facility_id, d.item, d.severity, d.status,
                 (d.status IN ('open', 'assigned') AND d.due_at < now()) AS overdue, d.location AS pt
          FROM defects d, bb
          WHERE {UnclosedDefect} AND d.location && bb.box)
        """ + Cells + """
        , mvt AS (
          SELECT count(*) AS count,
                 CASE WHEN count(*) = 1 THEN min(cells.id) END AS id,
                 CASE WHEN count(*) = 1 THEN min(cells.facility_id) END AS "facilityId",
                 CASE WHEN count(*) = 1 THEN min(cells.item) END AS item,
                 CASE WHEN count(*) = 1 THEN min(cells.severity) END AS severity,
                 CASE WHEN count(*) = 1 THEN min(cells.status) END AS status,
                 CASE WHEN count(*) = 1 THEN bool_or(cells.overdue) END AS overdue,
                 CASE WHEN count(*) > 1 THEN {BySeverity} END AS severities,
                 CASE WHEN count(*) > 1 THEN count(*) FILTER (WHERE cells.overdue) END AS "overdueCount",
                 {ClusterGeom}
          FROM cells
          GROUP BY cells.cx, cells.cy)
        SELECT ST_AsMVT(mvt, 'defects', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    // Open public reports as Open311 shows them publicly: category, date, "me too" and duplicates; never the
    // description's author, contact data, device or account. Duplicates are counted on their primary.
    private const string OpenReport = "r.status IN ('new', 'accepted') AND r.duplicate_of_id IS NULL";

    private const string ReportDuplicates = "(SELECT count(*) FROM reports x WHERE x.duplicate_of_id = r.id)";

    /// <summary>Open public reports (primaries) with category, date filed, "me too" count and duplicates.</summary>
    private const string OpenReports = PointEnvelope + """
        , mvt AS (
          SELECT r.id, r.service_code AS "serviceCode", to_char(r.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "requestedAt",
                 r.me_too_count AS "meToo", {ReportDuplicates} AS duplicates,
                 ST_AsMVTGeom(ST_Transform(r.location, 3857), bb.env, 4096, 256, true) AS geom
          FROM reports r, bb
          WHERE {OpenReport} AND r.location && bb.box)
        SELECT ST_AsMVT(mvt, 'reports', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    /// <summary>Open public reports grouped by cluster cell, with a breakdown by category.</summary>
    private const string ReportClusters = ClusterEnvelope + """
        , src AS (
          SELECT r.id, r.service_code, r.requested_at, r.me_too_count, {ReportDuplicates} AS duplicates, r.location AS pt
          FROM reports r, bb
          WHERE {OpenReport} AND r.location && bb.box)
        """ + Cells + """
        , mvt AS (
          SELECT count(*) AS count,
                 CASE WHEN count(*) = 1 THEN min(cells.id) END AS id,
                 CASE WHEN count(*) = 1 THEN min(cells.service_code) END AS "serviceCode",
                 CASE WHEN count(*) = 1 THEN to_char(min(cells.requested_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END AS "requestedAt",
                 CASE WHEN count(*) = 1 THEN min(cells.me_too_count) END AS "meToo",
                 CASE WHEN count(*) = 1 THEN min(cells.duplicates) END AS duplicates,
                 CASE WHEN count(*) > 1 THEN {ByService} END AS services,
                 {ClusterGeom}
          FROM cells
          GROUP BY cells.cx, cells.cy)
        SELECT ST_AsMVT(mvt, 'reports', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    // The inspection state of a kept cell row c by its due bucket (migration FacilityDueBuckets): the codes −1, −2, −3 are
    // overdue, due within 30 days and on time while R <= today <= R + 2; a kept day by today (d.day0) and today + 30 days
    // (d.day1), null on those two days (their facilities are judged one by one).
    private const string StateOfBucket = """
        CASE WHEN {b} IS NULL THEN 'never' WHEN {b} = -1 THEN 'overdue' WHEN {b} = -2 THEN 'due_soon'
             WHEN {b} = -3 THEN 'on_time' WHEN {b} < d.day0 THEN 'overdue'
             WHEN {b} > d.day0 AND {b} < d.day1 THEN 'due_soon' WHEN {b} > d.day1 THEN 'on_time' END
        """;

    // The bucket a facility t of facility_state is kept in (the cells' trigger's expression), inline: no sub-plan per row;
    // computed once a row in a sub-query that the state's expression then names.
    private const string KeptBucket = "facility_due_bucket(floor(extract(epoch FROM t.due_at) / 86400)::integer, d.r)";

    private static string Expand(string sql) => sql
        .Replace("{StateOfBucket}", StateOfBucket.Replace("{b}", "c.due_day", StringComparison.Ordinal), StringComparison.Ordinal)
        .Replace("{StateOfKeptBucket}", StateOfBucket.Replace("{b}", "k.kept_bucket", StringComparison.Ordinal), StringComparison.Ordinal)
        .Replace("{KeptBucket}", KeptBucket, StringComparison.Ordinal)
        .Replace("{InspectionState}", InspectionSql.InspectionState, StringComparison.Ordinal)
        .Replace("{StateOfDue}", InspectionSql.StateOfDue("t.due_at"), StringComparison.Ordinal)
        .Replace("{ByStatus}", BreakdownOf("cells.status"), StringComparison.Ordinal)
        .Replace("{ByInspectionState}", BreakdownOf("cells.inspection_state"), StringComparison.Ordinal)
        .Replace("{BySeverity}", BreakdownOf("cells.severity"), StringComparison.Ordinal)
        .Replace("{ByService}", BreakdownOf("cells.service_code"), StringComparison.Ordinal)
        .Replace("{ClusterGeom}", ClusterGeom, StringComparison.Ordinal)
        .Replace("{UnclosedDefect}", UnclosedDefect, StringComparison.Ordinal)
        .Replace("{OpenReport}", OpenReport, StringComparison.Ordinal)
        .Replace("{ReportDuplicates}", ReportDuplicates, StringComparison.Ordinal)
        .Replace("{AllRoadsMinZoom}", AllRoadsMinZoom.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>A served layer: its SQL for single features and, for point layers, for clusters.</summary>
    /// <param name="Features">Statement of the layer past <see cref="ClusterMaxZoom"/> (at all zooms when never clustered).</param>
    /// <param name="Clusters">Statement of the layer up to <see cref="ClusterMaxZoom"/>, or null when never clustered.</param>
    /// <param name="ByKind">Whether the layer takes the facility list filters (<see cref="FeatureListRequest"/>, <c>{filter}</c> in its SQL).</param>
    public sealed record TileLayer(string Features, string? Clusters, bool ByKind)
    {
        /// <summary>What the layer holds, for TileJSON.</summary>
        public string Description { get; init; } = "";

        /// <summary>
        /// Every property a feature of the layer may carry (single features and clusters; PostGIS leaves a null one out),
        /// with its MVT value type as TileJSON <c>vector_layers[].fields</c> names it (<c>String</c>, <c>Number</c>,
        /// <c>Boolean</c>, as tippecanoe and Martin write). The feature id is the MVT id, not a property.
        /// </summary>
        public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

        /// <summary>Statement of the extent of the rows the layer shows (<c>ST_Extent</c>, CGCS2000 ≈ WGS 84), <c>@kind</c> as the tiles.</summary>
        public string ExtentSql { get; init; } = "";
    }

    private const string S = "String";
    private const string N = "Number";
    private const string B = "Boolean";

    /// <summary>The layers served, by path name.</summary>
    public static readonly IReadOnlyDictionary<string, TileLayer> Layers = new Dictionary<string, TileLayer>(StringComparer.Ordinal)
    {
        ["facilities"] = new(Expand(Facilities), Expand(FacilityClusters), ByKind: true)
        {
            Description = "无障碍设施 Accessible facilities (not deleted), clustered up to zoom " + ClusterMaxZoom.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": a cluster has count and breakdowns (JSON text).",
            Fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["kind"] = S,
                ["name"] = S,
                ["status"] = S,
                ["districtCode"] = S,
                ["townshipCode"] = S,
                ["inspectionState"] = S,
                ["count"] = N,
                ["statuses"] = S,
                ["inspectionStates"] = S,
            },
            ExtentSql = "SELECT ST_Extent(f.geometry)::geometry FROM facilities f WHERE f.deleted_at IS NULL AND (@kind::text IS NULL OR f.kind = @kind::text)",
        },
        ["roads"] = new(Expand(Roads), null, ByKind: false)
        {
            Description = "道路 Road segments (not deleted) with their accessibility; below zoom " + AllRoadsMinZoom.ToString(System.Globalization.CultureInfo.InvariantCulture) + " main roads only.",
            Fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["name"] = S,
                ["roadClass"] = S,
                ["status"] = S,
                ["sidewalkWidthM"] = N,
                ["curbRampStart"] = B,
                ["curbRampEnd"] = B,
                ["tactilePaving"] = S,
                ["accessible"] = B,
            },
            ExtentSql = "SELECT ST_Extent(r.geometry)::geometry FROM road_segments r WHERE r.deleted_at IS NULL",
        },
        ["defects"] = new(Expand(OpenDefects), Expand(DefectClusters), ByKind: false)
        {
            Description = "未关闭缺陷 Unclosed defects at their facility, clustered up to zoom " + ClusterMaxZoom.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".",
            Fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["facilityId"] = N,
                ["item"] = S,
                ["severity"] = S,
                ["status"] = S,
                ["overdue"] = B,
                ["count"] = N,
                ["severities"] = S,
                ["overdueCount"] = N,
            },
            ExtentSql = "SELECT ST_Extent(d.location)::geometry FROM defects d WHERE " + UnclosedDefect,
        },
        ["reports"] = new(Expand(OpenReports), Expand(ReportClusters), ByKind: false)
        {
            Description = "群众报告 Open public reports (primaries), clustered up to zoom " + ClusterMaxZoom.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; never contact data.",
            Fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["serviceCode"] = S,
                ["requestedAt"] = S,
                ["meToo"] = N,
                ["duplicates"] = N,
                ["count"] = N,
                ["services"] = S,
            },
            ExtentSql = "SELECT ST_Extent(r.location)::geometry FROM reports r WHERE " + OpenReport,
        },
    };

    /// <summary>
    /// The extent of what <paramref name="layer"/> shows as [west, south, east, north], or, when it shows nothing yet, of
    /// the county-level districts (where its data will be); null when neither is known.
    /// </summary>
    public static async Task<double[]?> BoundsAsync(NpgsqlConnection connection, string layer, string? kind, CancellationToken ct)
    {
        var sql = "SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] FROM (SELECT COALESCE(("
            + Layers[layer].ExtentSql
            + "), (SELECT ST_Extent(boundary)::geometry FROM districts WHERE level = 3 AND boundary IS NOT NULL)) AS e) x WHERE e IS NOT NULL";
        await using var command = new NpgsqlCommand(sql, connection);
        if (Layers[layer].ByKind)
        {
            command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Text) { Value = (object?)kind ?? DBNull.Value });
        }

        return await command.ExecuteScalarAsync(ct) as double[];
    }

    private static readonly string FacilitySummarySql = Expand(FacilitySummary);

    // R moves to today (UTC days) when behind; never back (a test may move it either way with the function itself).
    private const string MoveDueReference = """
        SELECT facility_due_reference_move(x.today)
        FROM (SELECT floor(extract(epoch FROM now()) / 86400)::integer AS today) x, facility_due_reference r
        WHERE x.today > r.day
        """;

    /// <summary>
    /// Moves the reference day of the kept due buckets to today when behind (<c>facility_due_reference_move</c>); the
    /// number of facilities re-bucketed, or null when R was already today.
    /// </summary>
    public static async Task<int?> MoveDueReferenceAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(MoveDueReference, connection) { CommandTimeout = 0 };
        return await command.ExecuteScalarAsync(ct) as int?;
    }

    /// <summary>
    /// The tile <paramref name="z"/>/<paramref name="x"/>/<paramref name="y"/> of <paramref name="layer"/> (empty when
    /// no feature), clustered up to <see cref="ClusterMaxZoom"/>; <paramref name="filter"/> (facilities) is the list filter,
    /// the same WHERE fragment as the list's (<see cref="FacilitySql.AppendFilters"/>). Unfiltered facility tiles up to
    /// <see cref="SummaryMaxZoom"/> are read from the kept cluster cells.
    /// </summary>
    public static async Task<byte[]> TileAsync(NpgsqlConnection connection, string layer, int z, int x, int y, FeatureQuery? filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var definition = Layers[layer];
        var grid = definition.Clusters is null ? null : GridAt(z);
        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = grid is null ? definition.Features : definition.Clusters!;
        var fixedText = true;
        if (definition.ByKind)
        {
            var where = new System.Text.StringBuilder();
            if (filter is not null)
            {
                FacilitySql.AppendFilters(where, command, filter, "f", "kind");
            }

            fixedText = where.Length == 0;
            sql = where.Length == 0 && z <= SummaryMaxZoom ? FacilitySummarySql : sql.Replace("{filter}", where.ToString(), StringComparison.Ordinal);
        }

        command.CommandText = sql;
        command.Parameters.AddWithValue("z", z);
        if (grid is { } cells)
        {
            command.Parameters.AddWithValue("grid", cells);
        }

        command.Parameters.AddWithValue("x", x);
        command.Parameters.AddWithValue("y", y);

        // Every tile is costed high whatever it holds (a bounding-box filter's estimate), so PostgreSQL would JIT-compile
        // each one (35–80 ms, more than most tiles take) and start parallel workers on 2 cores: both off, per statement
        // (bench/README.md, "Tiles kept ready").
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var settings = new NpgsqlCommand("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0", connection, transaction))
        {
            await settings.ExecuteNonQueryAsync(ct);
        }

        command.Transaction = transaction;
        if (fixedText)
        {
            // A statement of fixed text is prepared once per pooled connection (Npgsql keeps it across opens): planning the
            // summary statement took a large part of a cold tile (bench/README.md, "Every zoom from kept cells").
            await command.PrepareAsync(ct);
        }

        var tile = await command.ExecuteScalarAsync(ct) as byte[] ?? [];
        await transaction.CommitAsync(ct);
        return tile;
    }
}
