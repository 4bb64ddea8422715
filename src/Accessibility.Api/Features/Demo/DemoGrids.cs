using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Demo;

/// <summary>
/// Synthetic township boundaries and community grids for the demo county, so that <c>make run</c> shows the township
/// choropleth and the grids: each township's cell of the Voronoi diagram of its demo seat (the centroid of the demo
/// facilities named after it) clipped to the county, marked synthetic and approximate in <c>boundary_source</c>; then three
/// grids per township, the Voronoi cells of three points generated inside it with a fixed seed. Deterministic: the same
/// demo data give the same polygons. Drawn only where the county has neither township boundaries nor grids.
/// </summary>
public static class DemoGrids
{
    /// <summary>The county drawn (永济市, the pilot county).</summary>
    public const string County = "140881";

    /// <summary>Where the synthetic township boundaries come from, as stored in <c>districts.boundary_source</c>.</summary>
    public const string Source = "synthetic demo (approximate): Voronoi cell of the township's demo seat, clipped to the county";

    private const string TownshipsSql = """
        WITH county AS (SELECT boundary FROM districts WHERE code = @county AND boundary IS NOT NULL),
        seats AS (
          SELECT t.code,
                 (SELECT ST_Centroid(ST_Collect(ST_PointOnSurface(f.geometry))) FROM facilities f
                  WHERE f.district_code = @county AND f.source = 'demo' AND f.name LIKE t.name || '%') AS pt
          FROM districts t WHERE t.parent_code = @county AND t.level = 4),
        seeds AS (
          SELECT DISTINCT ON (ST_SnapToGrid(s.pt, 0.0005)) s.code, s.pt
          FROM seats s, county c WHERE s.pt IS NOT NULL AND ST_Covers(c.boundary, s.pt)
          ORDER BY ST_SnapToGrid(s.pt, 0.0005), s.code),
        cells AS (
          SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(pt), 0, (SELECT boundary FROM county)))).geom AS cell FROM seeds),
        clipped AS (
          SELECT s.code, ST_Multi(ST_CollectionExtract(ST_Intersection(c.cell, county.boundary), 3)) AS boundary
          FROM seeds s JOIN cells c ON ST_Contains(c.cell, s.pt), county)
        UPDATE districts d SET boundary = k.boundary, boundary_approximate = true, boundary_source = @source
        FROM clipped k WHERE d.code = k.code AND NOT ST_IsEmpty(k.boundary) AND ST_IsValid(k.boundary)
        """;

    private const string GridsSql = """
        WITH townships AS (
          SELECT t.code, t.name, t.boundary, row_number() OVER (ORDER BY t.code) AS n
          FROM districts t WHERE t.parent_code = @county AND t.level = 4 AND t.boundary IS NOT NULL),
        points AS (
          SELECT t.code, ST_GeneratePoints(t.boundary, 3, (20260401 + t.n)::integer) AS pts FROM townships t),
        cells AS (
          SELECT p.code, (ST_Dump(ST_VoronoiPolygons(p.pts, 0, t.boundary))).geom AS cell
          FROM points p JOIN townships t USING (code)),
        clipped AS (
          SELECT c.code AS township, t.name,
                 ST_Multi(ST_CollectionExtract(ST_Intersection(c.cell, t.boundary), 3)) AS boundary
          FROM cells c JOIN townships t USING (code)),
        numbered AS (
          SELECT k.*, row_number() OVER (PARTITION BY k.township ORDER BY ST_Y(ST_PointOnSurface(k.boundary)) DESC, ST_X(ST_PointOnSurface(k.boundary))) AS n
          FROM clipped k WHERE NOT ST_IsEmpty(k.boundary) AND ST_IsValid(k.boundary))
        INSERT INTO community_grids (code, name, township_code, county_code, boundary, patrol_interval_days, source)
        SELECT township || lpad(n::text, 3, '0'), name || '第' || n || '网格', township, @county, boundary, 30, 'synthetic demo'
        FROM numbered
        """;

    /// <summary>Draws the demo county's townships and grids unless it has some already; places its records again.</summary>
    public static async Task DrawAsync(RegistryDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var county = new NpgsqlParameter("county", County);
        var drawn = await db.Database.SqlQueryRaw<int>(
            "SELECT ((SELECT count(*) FROM districts WHERE parent_code = @county AND level = 4 AND boundary IS NOT NULL) + (SELECT count(*) FROM community_grids WHERE county_code = @county))::int AS \"Value\"",
            county).SingleAsync(ct);
        if (drawn > 0)
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync(TownshipsSql, [new NpgsqlParameter("county", County), new NpgsqlParameter("source", Source)], ct);
        await db.Database.ExecuteSqlRawAsync(GridsSql, [new NpgsqlParameter("county", County)], ct);
        await db.Database.ExecuteSqlRawAsync("SELECT registry_place_in_grids(@county)", [new NpgsqlParameter("county", County)], ct);
        await BoundaryChecks.PlaceInTownshipsAsync(
            (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(transaction), [County], ct);
        await transaction.CommitAsync(ct);
    }
}
