-- The facility cluster statement as the tiles ran it per request before issue 16 (point on surface, cell keys and the
-- correlated inspection state per row), for bench/tiles.sh to time side by side; psql variables :z :x :y :grid.
WITH b AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env),
bb AS (SELECT env, ST_Transform(ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) / :grid), 4490) AS box FROM b)
, src AS (
  SELECT f.id, f.kind, f.name, f.status, f.district_code, f.township_code,
         (SELECT CASE WHEN s.due IS NULL THEN 'never' WHEN s.due < now() THEN 'overdue'
                      WHEN s.due < now() + interval '30 days' THEN 'due_soon' ELSE 'on_time' END
          FROM (SELECT ((SELECT max(i.inspected_at) FROM inspections i WHERE i.facility_id = f.id)
                + make_interval(months => COALESCE((SELECT k.months FROM facility_kind_intervals k WHERE k.kind = f.kind), 12))) AS due) s) AS inspection_state,
         ST_PointOnSurface(f.geometry) AS pt
  FROM facilities f, bb
  WHERE f.deleted_at IS NULL AND f.geometry && bb.box )
, cells AS (
  SELECT src.*,
         floor((ST_X(src.pt) + 180.0) / 360.0 * (2.0 ^ :z) * :grid) AS cx,
         floor((1 - ln(tan(radians(ST_Y(src.pt))) + 1 / cos(radians(ST_Y(src.pt)))) / pi()) / 2 * (2.0 ^ :z) * :grid) AS cy
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
         CASE WHEN count(*) > 1 THEN (SELECT json_object_agg(v, n ORDER BY v)::text FROM (SELECT v, count(*) AS n FROM unnest(array_agg(cells.status)) v GROUP BY v) s) END AS statuses,
         CASE WHEN count(*) > 1 THEN (SELECT json_object_agg(v, n ORDER BY v)::text FROM (SELECT v, count(*) AS n FROM unnest(array_agg(cells.inspection_state)) v GROUP BY v) s) END AS "inspectionStates",
         ST_AsMVTGeom(ST_Transform(ST_Centroid(ST_Collect(cells.pt)), 3857), (SELECT env FROM b), 4096, 640, false) AS geom
  FROM cells
  GROUP BY cells.cx, cells.cy)
SELECT ST_AsMVT(mvt, 'facilities', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL