namespace Accessibility.Api.Features.Districts;

/// <summary>
/// The one SQL statement that judges a drawn or imported boundary (a district's or a community grid's), used by the
/// district boundary import, the township boundary form and every grid write. PostGIS decides validity
/// (<c>ST_IsValidDetail</c>, the reason and its location); areas and distances are geodesic (<c>::geography</c> on
/// CGCS2000, metres and m²). See docs/grids.md for the rules and why the tolerances are what they are.
/// </summary>
internal static class BoundaryChecksSql
{
    /// <summary>
    /// China's extent as a documented envelope (73.4–135.1° E, 3.8–53.6° N: the Pamirs to the Ussuri, Zengmu Reef to
    /// Mohe). Coarse by design: the parent check does the fine work where the parent has a boundary.
    /// </summary>
    internal const double ChinaWest = 73.4, ChinaSouth = 3.8, ChinaEast = 135.1, ChinaNorth = 53.6;

    // How much of a child lies outside a parent: area (m²), the child's area (m²) and the farthest point of the outside
    // part from the parent (m), measured on the outside part's vertices after densifying it to ≈50 m steps (0.0005°),
    // so a long thin spike is caught between vertices too.
    private static string Outside(string child, string parent) => $"""
        SELECT ST_Area(o.geom::geography) AS outside_m2, ST_Area(({child})::geography) AS area_m2,
               CASE WHEN ST_IsEmpty(o.geom) THEN 0
                    ELSE (SELECT max(ST_Distance(dp.geom::geography, ({parent})::geography))
                          FROM ST_DumpPoints(ST_Segmentize(o.geom, 0.0005)) dp) END AS max_m
        FROM (SELECT ST_CollectionExtract(ST_Difference({child}, {parent}), 3) AS geom) o
        """;

    /// <summary>
    /// Parameters: @idx int[], @kinds text[] ('district' | 'grid'), @codes text[], @names text[], @starts text[] (where
    /// to look for the parent: a district's parent code, a grid's township code), @wkb bytea[] (lon/lat, CGCS2000),
    /// @share (tolerated share of area outside the parent or overlapping a sibling), @metres (farthest tolerated point
    /// outside the parent). One row per refusal: index, rule, details as JSON.
    /// </summary>
    internal static readonly string Check = $$"""
        WITH c AS (
          SELECT u.i, u.kind, u.code, u.name, u.parent_start, ST_SetSRID(ST_GeomFromWKB(u.w), 4490) AS g
          FROM unnest(@idx::int[], @kinds::text[], @codes::text[], @names::text[], @starts::text[], @wkb::bytea[])
               AS u(i, kind, code, name, parent_start, w)
        ),
        checked AS (
          SELECT c.*, v.valid, v.reason, ST_X(v.location) AS x, ST_Y(v.location) AS y,
                 GeometryType(c.g) IN ('POLYGON', 'MULTIPOLYGON') AND NOT ST_IsEmpty(c.g) AS polygonal,
                 CASE WHEN v.valid THEN ST_CoveredBy(c.g, ST_MakeEnvelope({{ChinaWest}}, {{ChinaSouth}}, {{ChinaEast}}, {{ChinaNorth}}, 4490)) END AS in_china
          FROM c CROSS JOIN LATERAL ST_IsValidDetail(c.g) v
        ),
        good AS (SELECT * FROM checked WHERE valid AND polygonal AND in_china),
        parents AS (
          SELECT g.i, p.code AS parent_code, p.name AS parent_name, p.boundary AS pb
          FROM good g
          CROSS JOIN LATERAL (
            WITH RECURSIVE up AS (
              SELECT d.code, d.name, d.boundary, d.parent_code, 0 AS depth FROM districts d WHERE d.code = g.parent_start
              UNION ALL
              SELECT d.code, d.name, d.boundary, d.parent_code, up.depth + 1
              FROM districts d JOIN up ON d.code = up.parent_code WHERE up.boundary IS NULL)
            SELECT code, name, boundary FROM up WHERE boundary IS NOT NULL ORDER BY depth LIMIT 1) p
        ),
        outside AS (
          SELECT p.i, p.parent_code, p.parent_name, m.outside_m2, m.area_m2, m.max_m
          FROM parents p JOIN good g USING (i)
          CROSS JOIN LATERAL ({{Outside("g.g", "p.pb")}}) m
        ),
        siblings AS (
          SELECT g.i, s.code, s.name, s.geom FROM good g
          CROSS JOIN LATERAL (
            SELECT d.code, d.name, d.boundary AS geom FROM districts d
            WHERE g.kind = 'district' AND d.parent_code = g.parent_start AND d.code <> g.code AND d.boundary IS NOT NULL
              AND d.code <> ALL(@codes) AND d.boundary && g.g
            UNION ALL
            SELECT cg.code, cg.name, cg.boundary FROM community_grids cg
            WHERE g.kind = 'grid' AND cg.county_code = left(g.code, 6) AND cg.code <> g.code
              AND cg.code <> ALL(@codes) AND cg.boundary && g.g
            UNION ALL
            -- Within one file a feature is compared with the earlier ones: the first of two overlapping features wins.
            SELECT o.code, o.name, o.g FROM good o
            WHERE o.kind = g.kind AND o.i < g.i AND o.g && g.g
              AND CASE WHEN g.kind = 'grid' THEN left(o.code, 6) = left(g.code, 6) ELSE o.parent_start = g.parent_start END) s
        ),
        overlapping AS (
          SELECT s.i, s.code, s.name, ST_Area(ST_Intersection(g.g, s.geom)::geography) AS overlap_m2,
                 least(ST_Area(g.g::geography), ST_Area(s.geom::geography)) AS smaller_m2
          FROM siblings s JOIN good g USING (i)
          WHERE ST_Intersects(g.g, s.geom) AND NOT ST_Touches(g.g, s.geom)
        ),
        children AS (
          SELECT g.i, k.code, k.name, m.outside_m2, m.area_m2, m.max_m FROM good g
          CROSS JOIN LATERAL (
            SELECT d.code, d.name, d.boundary AS geom FROM districts d
            WHERE g.kind = 'district' AND d.parent_code = g.code AND d.boundary IS NOT NULL AND d.code <> ALL(@codes)
            UNION ALL
            SELECT cg.code, cg.name, cg.boundary FROM community_grids cg
            WHERE g.kind = 'district' AND cg.township_code = g.code AND cg.code <> ALL(@codes)) k
          CROSS JOIN LATERAL ({{Outside("k.geom", "g.g")}}) m
        )
        SELECT i, 'invalid', json_build_object('reason', reason, 'x', x, 'y', y)::text FROM checked WHERE NOT valid
        UNION ALL
        SELECT i, 'not-polygonal', json_build_object('type', GeometryType(g))::text FROM checked WHERE valid AND NOT polygonal
        UNION ALL
        SELECT i, 'outside-china', '{}' FROM checked WHERE valid AND polygonal AND NOT in_china
        UNION ALL
        SELECT i, 'outside-parent', json_build_object('code', parent_code, 'name', parent_name, 'outsideM2', outside_m2,
                 'share', outside_m2 / nullif(area_m2, 0), 'maxM', max_m)::text
        FROM outside WHERE outside_m2 > @share * area_m2 OR max_m > @metres
        UNION ALL
        SELECT i, 'overlap', json_build_object('code', code, 'name', name, 'overlapM2', overlap_m2,
                 'share', overlap_m2 / nullif(smaller_m2, 0))::text
        FROM overlapping WHERE overlap_m2 > @share * smaller_m2
        UNION ALL
        SELECT i, 'child-outside', json_build_object('code', code, 'name', name, 'outsideM2', outside_m2,
                 'share', outside_m2 / nullif(area_m2, 0), 'maxM', max_m)::text
        FROM children WHERE outside_m2 > @share * area_m2 OR max_m > @metres
        ORDER BY 1, 2
        """;

    /// <summary>
    /// After township boundaries change: the county's facilities and road segments get the township whose boundary
    /// covers them (lowest code where two touch). A record no township covers keeps a township that has no boundary (it
    /// was claimed, and nothing contradicts it) and loses one whose boundary does not cover it. @counties text[].
    /// Returns how many records changed.
    /// </summary>
    internal const string PlaceInTownships = """
        WITH f AS (
          UPDATE facilities f SET township_code = p.code
          FROM (
            SELECT f.id, coalesce(
                     (SELECT min(d.code) FROM districts d
                      WHERE d.level = 4 AND d.parent_code = f.district_code AND ST_Covers(d.boundary, ST_PointOnSurface(f.geometry))),
                     CASE WHEN EXISTS (SELECT 1 FROM districts t WHERE t.code = f.township_code AND t.boundary IS NULL)
                          THEN f.township_code END) AS code
            FROM facilities f WHERE f.district_code = ANY(@counties)) p
          WHERE f.id = p.id AND f.township_code IS DISTINCT FROM p.code
          RETURNING 1),
        r AS (
          UPDATE road_segments r SET township_code = p.code
          FROM (
            SELECT r.id, coalesce(
                     (SELECT min(d.code) FROM districts d
                      WHERE d.level = 4 AND d.parent_code = r.district_code AND ST_Covers(d.boundary, ST_PointOnSurface(r.geometry))),
                     CASE WHEN EXISTS (SELECT 1 FROM districts t WHERE t.code = r.township_code AND t.boundary IS NULL)
                          THEN r.township_code END) AS code
            FROM road_segments r WHERE r.district_code = ANY(@counties)) p
          WHERE r.id = p.id AND r.township_code IS DISTINCT FROM p.code
          RETURNING 1)
        SELECT (SELECT count(*) FROM f) + (SELECT count(*) FROM r)
        """;
}
