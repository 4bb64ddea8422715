using Accessibility.Api.Features.Inspections;
using Npgsql;

namespace Accessibility.Api.Features.Tiles;

/// <summary>
/// Mapbox Vector Tiles made by PostGIS: the tile's Web Mercator envelope
/// (<see href="https://postgis.net/docs/ST_TileEnvelope.html">ST_TileEnvelope</see>), a GiST-indexed bounding-box
/// filter in CGCS2000, geometries clipped and quantized by
/// <see href="https://postgis.net/docs/ST_AsMVTGeom.html">ST_AsMVTGeom</see> (extent 4096, buffer 64), and one layer
/// encoded by <see href="https://postgis.net/docs/ST_AsMVT.html">ST_AsMVT</see>. Only public layers exist: household
/// (renovation) data are never in a tile.
/// </summary>
public static class TileSql
{
    /// <summary>Tile extent in integer coordinates.</summary>
    public const int Extent = 4096;

    private const string Envelope = """
        WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env),
        bb AS (SELECT env, ST_Transform(ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) * 64.0 / 4096), 4490) AS box FROM b)
        """;

    /// <summary>Facilities in service or not (not deleted), with kind, status and inspection state.</summary>
    private const string Facilities = Envelope + """
        , mvt AS (
          SELECT f.id, f.kind, f.name, f.status, f.district_code AS "districtCode", f.township_code AS "townshipCode",
                 {InspectionState} AS "inspectionState",
                 ST_AsMVTGeom(ST_Transform(f.geometry, 3857), bb.env, 4096, 64, true) AS geom
          FROM facilities f, bb
          WHERE f.deleted_at IS NULL AND f.geometry && bb.box)
        SELECT ST_AsMVT(mvt, 'facilities', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    private static readonly string FacilitiesSql = Facilities.Replace("{InspectionState}", InspectionSql.InspectionState, StringComparison.Ordinal);

    /// <summary>Road segments (not deleted), with class and the accessibility of the segment.</summary>
    private const string Roads = Envelope + """
        , mvt AS (
          SELECT r.id, r.name, r.road_class AS "roadClass", r.status, r.sidewalk_width_m AS "sidewalkWidthM",
                 r.curb_ramp_start AS "curbRampStart", r.curb_ramp_end AS "curbRampEnd", r.tactile_paving AS "tactilePaving",
                 (COALESCE(r.sidewalk_width_m, 0) > 0 AND r.curb_ramp_start AND r.curb_ramp_end AND r.tactile_paving = 'continuous') AS accessible,
                 ST_AsMVTGeom(ST_Transform(r.geometry, 3857), bb.env, 4096, 64, true) AS geom
          FROM road_segments r, bb
          WHERE r.deleted_at IS NULL AND r.geometry && bb.box)
        SELECT ST_AsMVT(mvt, 'roads', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    /// <summary>Unclosed defects (open, assigned, fixed), with severity and whether overdue; no history, no people.</summary>
    private const string OpenDefects = Envelope + """
        , mvt AS (
          SELECT d.id, d.facility_id AS "facilityId", d.item, d.severity, d.status,
                 (d.status IN ('open', 'assigned') AND d.due_at < now()) AS overdue,
                 ST_AsMVTGeom(ST_Transform(d.location, 3857), bb.env, 4096, 64, true) AS geom
          FROM defects d, bb
          WHERE d.status IN ('open', 'assigned', 'fixed') AND d.location && bb.box)
        SELECT ST_AsMVT(mvt, 'defects', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    /// <summary>The layers served, by path name.</summary>
    public static readonly IReadOnlyDictionary<string, string> Layers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["facilities"] = FacilitiesSql,
        ["roads"] = Roads,
        ["defects"] = OpenDefects,
    };

    /// <summary>The tile <paramref name="z"/>/<paramref name="x"/>/<paramref name="y"/> of <paramref name="layer"/> (empty when no feature).</summary>
    public static async Task<byte[]> TileAsync(NpgsqlConnection connection, string layer, int z, int x, int y, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(Layers[layer], connection);
        command.Parameters.AddWithValue("z", z);
        command.Parameters.AddWithValue("x", x);
        command.Parameters.AddWithValue("y", y);
        return await command.ExecuteScalarAsync(ct) as byte[] ?? [];
    }
}
