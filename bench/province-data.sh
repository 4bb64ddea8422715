#!/usr/bin/env bash
# Fills the scratch database $DB (already migrated, with the districts) with N synthetic facilities placed in real
# counties, so that district codes are right and every district's figures mean something: half spread evenly over
# Shanxi's counties (ST_GeneratePoints in each county's boundary, the same count in each), half in Taiyuan's six urban
# districts (a dense city: about 8,000 facilities in a 0.05° box at N = 1,000,000). Kinds and statuses cycle
# independently (every kind has every status).
# Sourced by bench/list.sh and bench/coverage-indicators-1m.sh, which define psql_bench and N.
echo "inserting $N facilities…" >&2
psql_bench <<SQL
WITH counties AS (
  SELECT code, boundary, count(*) OVER () AS n FROM districts WHERE level = 3 AND code LIKE '14%' AND boundary IS NOT NULL),
city AS (
  SELECT code, boundary, count(*) OVER () AS n FROM districts
  WHERE code IN ('140105', '140106', '140107', '140108', '140109', '140110') AND boundary IS NOT NULL),
points AS (
  SELECT c.code, (ST_Dump(ST_GeneratePoints(c.boundary, GREATEST(1, ($N / 2 / c.n)::int), 1))).geom AS g FROM counties c
  UNION ALL
  SELECT c.code, (ST_Dump(ST_GeneratePoints(c.boundary, GREATEST(1, ($N / 2 / c.n)::int), 2))).geom FROM city c)
INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
SELECT (ARRAY['accessible_toilet','curb_ramp','ramp','accessible_entrance','bus_stop','public_building'])[1 + i % 6],
       'bench ' || i, ST_SetSRID(g, 4490), '{}',
       (ARRAY['operational','operational','operational','defective_usable','unusable','under_construction'])[1 + (i / 6) % 6],
       code, 'bench', 'b' || i, now(), now()
FROM (SELECT row_number() OVER () AS i, code, g FROM points) p;
ANALYZE facilities;
SQL
