using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// The bulk load of facilities (<c>20261208140000_FacilityBulkLoad</c>) also takes the tiles' kept state out of the
    /// row-by-row path: <c>registry_facilities_bulk_begin()</c> disables the statement trigger <c>facility_state_insert</c>,
    /// and <c>registry_facilities_bulk_end()</c> adds the <c>facility_state</c> of every row the transaction inserted as
    /// that trigger does, with the secondary indexes and the foreign key of <c>facility_state</c> built once after the
    /// insert, and their <c>facility_cluster_cells</c> as <c>facility_state_cells()</c> adds them, summed once at the finest cell
    /// (zoom 15) and rolled up to the lower zooms instead of one pass per zoom (at 200,000 rows the trigger path took most of the
    /// import's write phase). Same rows, same cells (FacilityBulkLoadTests compares them with a row-by-row import). No
    /// model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261209110000_FacilityBulkLoadTileState")]
    public partial class FacilityBulkLoadTileState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION registry_facilities_bulk_begin() RETURNS void
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE
                  indexes text[];
                  index_names text[];
                  constraints text[];
                  constraint_names text[];
                  name text;
                BEGIN
                  IF to_regclass('pg_temp.facility_bulk_load') IS NOT NULL THEN
                    RAISE EXCEPTION 'a bulk load of facilities is already under way in this transaction' USING ERRCODE = '55000';
                  END IF;
                  -- Readers wait from here to the commit; taking the lock first keeps the steps below from waiting one by one.
                  LOCK TABLE facilities IN ACCESS EXCLUSIVE MODE;
                  -- Secondary indexes: all but those of a primary key, unique or exclusion constraint.
                  SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid) ORDER BY c.relname), '{}'),
                         coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}')
                    INTO indexes, index_names
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                  WHERE i.indrelid = 'facilities'::regclass
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                                    WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'));
                  SELECT coalesce(array_agg(format('ALTER TABLE facilities ADD CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid)) ORDER BY k.conname), '{}'),
                         coalesce(array_agg(k.conname::text ORDER BY k.conname), '{}')
                    INTO constraints, constraint_names
                  FROM pg_constraint k WHERE k.conrelid = 'facilities'::regclass AND k.contype = 'f';

                  CREATE TEMP TABLE facility_bulk_load (indexes text[] NOT NULL, constraints text[] NOT NULL) ON COMMIT DROP;
                  CREATE CONSTRAINT TRIGGER facility_bulk_load_ends AFTER INSERT ON pg_temp.facility_bulk_load
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_facilities_bulk_unfinished();
                  INSERT INTO pg_temp.facility_bulk_load VALUES (indexes, constraints);

                  FOREACH name IN ARRAY index_names LOOP
                    EXECUTE format('DROP INDEX %I', name);
                  END LOOP;
                  FOREACH name IN ARRAY constraint_names LOOP
                    EXECUTE format('ALTER TABLE facilities DROP CONSTRAINT %I', name);
                  END LOOP;
                  ALTER TABLE facilities DISABLE TRIGGER coverage_changed_insert;
                  ALTER TABLE facilities DISABLE TRIGGER place_in_grid;
                  ALTER TABLE facilities DISABLE TRIGGER facility_state_insert;
                END
                $$;

                CREATE OR REPLACE FUNCTION registry_facilities_bulk_end() RETURNS void
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE
                  saved_indexes text[];
                  saved_constraints text[];
                  statement text;
                  state_indexes text[];
                  state_index_names text[];
                  state_constraints text[];
                  state_constraint_names text[];
                  -- The transaction's own id as xmin shows it (the low 32 bits of the 64-bit id).
                  me xid := (pg_current_xact_id()::text::bigint % 4294967296)::text::xid;
                BEGIN
                  IF to_regclass('pg_temp.facility_bulk_load') IS NOT NULL THEN
                    SELECT l.indexes, l.constraints INTO saved_indexes, saved_constraints FROM pg_temp.facility_bulk_load l;
                  END IF;
                  IF saved_indexes IS NULL THEN
                    RAISE EXCEPTION 'no bulk load of facilities is under way in this transaction' USING ERRCODE = '55000';
                  END IF;
                  FOREACH statement IN ARRAY saved_indexes LOOP
                    EXECUTE statement;
                  END LOOP;
                  FOREACH statement IN ARRAY saved_constraints LOOP
                    EXECUTE statement;
                  END LOOP;
                  ALTER TABLE facilities ENABLE TRIGGER coverage_changed_insert;
                  ALTER TABLE facilities ENABLE TRIGGER place_in_grid;
                  ALTER TABLE facilities ENABLE TRIGGER facility_state_insert;

                  -- The tiles' kept state of every row inserted, as facility_state_facilities() adds it, with the secondary
                  -- indexes and the foreign key of facility_state built once after the insert.
                  SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid) ORDER BY c.relname), '{}'),
                         coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}')
                    INTO state_indexes, state_index_names
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                  WHERE i.indrelid = 'facility_state'::regclass
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                                    WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'));
                  SELECT coalesce(array_agg(format('ALTER TABLE facility_state ADD CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid)) ORDER BY k.conname), '{}'),
                         coalesce(array_agg(k.conname::text ORDER BY k.conname), '{}')
                    INTO state_constraints, state_constraint_names
                  FROM pg_constraint k WHERE k.conrelid = 'facility_state'::regclass AND k.contype = 'f';
                  FOREACH statement IN ARRAY state_index_names LOOP
                    EXECUTE format('DROP INDEX %I', statement);
                  END LOOP;
                  FOREACH statement IN ARRAY state_constraint_names LOOP
                    EXECUTE format('ALTER TABLE facility_state DROP CONSTRAINT %I', statement);
                  END LOOP;
                  ALTER TABLE facility_state DISABLE TRIGGER facility_state_cells_insert;
                  INSERT INTO facility_state (facility_id, live, kind, status, pt, mx, my)
                  SELECT n.id, n.deleted_at IS NULL, n.kind, n.status, p.pt,
                         (ST_X(p.pt) + 180.0) / 360.0,
                         (1 - ln(tan(radians(ST_Y(p.pt))) + 1 / cos(radians(ST_Y(p.pt)))) / pi()) / 2
                  FROM facilities n CROSS JOIN LATERAL (SELECT ST_PointOnSurface(n.geometry) AS pt) p
                  WHERE n.xmin = me;
                  ALTER TABLE facility_state ENABLE TRIGGER facility_state_cells_insert;
                  FOREACH statement IN ARRAY state_indexes LOOP
                    EXECUTE statement;
                  END LOOP;
                  FOREACH statement IN ARRAY state_constraints LOOP
                    EXECUTE statement;
                  END LOOP;

                  -- Their cluster cells, as facility_state_cells() adds them (zooms 0–15: 8 cells a tile side up to 12,
                  -- 16 from 13 on; migration FacilityCellsToStreetZoom), but summed once at the finest cell, 2^19 a side
                  -- (zoom 15 × 16), and rolled up: zoom z's cell is that cell's column and row shifted right by 15 - z
                  -- from 13 on and 16 - z up to 12 (floor(x * 2^k) = floor(x * 2^19) >> (19 - k), exact in floating
                  -- point), instead of one pass per zoom.
                  INSERT INTO facility_cluster_cells AS c (z, cx, cy, status, due_day, n, sum_lon, sum_lat, sum_id)
                  SELECT zz.z, d.cx >> zz.shift, d.cy >> zz.shift, d.status, d.due_day,
                         sum(d.n)::integer, sum(d.sum_lon), sum(d.sum_lat), sum(d.sum_id)::bigint
                  FROM (SELECT floor(t.mx * (2.0 ^ 19))::integer AS cx, floor(t.my * (2.0 ^ 19))::integer AS cy, t.status,
                               floor(extract(epoch FROM t.due_at) / 86400)::integer AS due_day,
                               count(*) AS n, sum(ST_X(t.pt)::numeric) AS sum_lon, sum(ST_Y(t.pt)::numeric) AS sum_lat, sum(t.facility_id) AS sum_id
                        FROM facility_state t JOIN facilities f ON f.id = t.facility_id
                        WHERE f.xmin = me AND t.live AND t.pt IS NOT NULL
                        GROUP BY 1, 2, 3, 4) d
                  CROSS JOIN (SELECT z, CASE WHEN z >= 13 THEN 15 - z ELSE 16 - z END AS shift FROM generate_series(0, 15) z) zz
                  GROUP BY 1, 2, 3, 4, 5
                  ORDER BY 1, 2, 3, 4, 5
                  ON CONFLICT (z, cx, cy, status, due_day) DO UPDATE
                    SET n = c.n + EXCLUDED.n, sum_lon = c.sum_lon + EXCLUDED.sum_lon, sum_lat = c.sum_lat + EXCLUDED.sum_lat, sum_id = c.sum_id + EXCLUDED.sum_id;
                  DELETE FROM facility_cluster_cells WHERE n = 0;
                  -- What coverage_changed_facilities() adds for an INSERT, for every row this transaction inserted.
                  PERFORM coverage_touch(ARRAY(
                    WITH changed AS MATERIALIZED (
                      SELECT DISTINCT district_code, kind = 'accessible_toilet' AS toilet FROM facilities WHERE xmin = me)
                    SELECT district_code::text FROM changed
                    UNION
                    SELECT n.code::text FROM districts n JOIN districts d ON ST_DWithin(n.boundary, d.boundary, 0.1)
                    WHERE n.level = 3 AND d.code IN (SELECT district_code FROM changed WHERE toilet)));
                  DELETE FROM pg_temp.facility_bulk_load;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION registry_facilities_bulk_begin() RETURNS void
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE
                  indexes text[];
                  index_names text[];
                  constraints text[];
                  constraint_names text[];
                  name text;
                BEGIN
                  IF to_regclass('pg_temp.facility_bulk_load') IS NOT NULL THEN
                    RAISE EXCEPTION 'a bulk load of facilities is already under way in this transaction' USING ERRCODE = '55000';
                  END IF;
                  -- Readers wait from here to the commit; taking the lock first keeps the steps below from waiting one by one.
                  LOCK TABLE facilities IN ACCESS EXCLUSIVE MODE;
                  -- Secondary indexes: all but those of a primary key, unique or exclusion constraint.
                  SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid) ORDER BY c.relname), '{}'),
                         coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}')
                    INTO indexes, index_names
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                  WHERE i.indrelid = 'facilities'::regclass
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                                    WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'));
                  SELECT coalesce(array_agg(format('ALTER TABLE facilities ADD CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid)) ORDER BY k.conname), '{}'),
                         coalesce(array_agg(k.conname::text ORDER BY k.conname), '{}')
                    INTO constraints, constraint_names
                  FROM pg_constraint k WHERE k.conrelid = 'facilities'::regclass AND k.contype = 'f';

                  CREATE TEMP TABLE facility_bulk_load (indexes text[] NOT NULL, constraints text[] NOT NULL) ON COMMIT DROP;
                  CREATE CONSTRAINT TRIGGER facility_bulk_load_ends AFTER INSERT ON pg_temp.facility_bulk_load
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_facilities_bulk_unfinished();
                  INSERT INTO pg_temp.facility_bulk_load VALUES (indexes, constraints);

                  FOREACH name IN ARRAY index_names LOOP
                    EXECUTE format('DROP INDEX %I', name);
                  END LOOP;
                  FOREACH name IN ARRAY constraint_names LOOP
                    EXECUTE format('ALTER TABLE facilities DROP CONSTRAINT %I', name);
                  END LOOP;
                  ALTER TABLE facilities DISABLE TRIGGER coverage_changed_insert;
                  ALTER TABLE facilities DISABLE TRIGGER place_in_grid;
                END
                $$;

                CREATE OR REPLACE FUNCTION registry_facilities_bulk_end() RETURNS void
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                DECLARE
                  saved_indexes text[];
                  saved_constraints text[];
                  statement text;
                  -- The transaction's own id as xmin shows it (the low 32 bits of the 64-bit id).
                  me xid := (pg_current_xact_id()::text::bigint % 4294967296)::text::xid;
                BEGIN
                  IF to_regclass('pg_temp.facility_bulk_load') IS NOT NULL THEN
                    SELECT l.indexes, l.constraints INTO saved_indexes, saved_constraints FROM pg_temp.facility_bulk_load l;
                  END IF;
                  IF saved_indexes IS NULL THEN
                    RAISE EXCEPTION 'no bulk load of facilities is under way in this transaction' USING ERRCODE = '55000';
                  END IF;
                  FOREACH statement IN ARRAY saved_indexes LOOP
                    EXECUTE statement;
                  END LOOP;
                  FOREACH statement IN ARRAY saved_constraints LOOP
                    EXECUTE statement;
                  END LOOP;
                  ALTER TABLE facilities ENABLE TRIGGER coverage_changed_insert;
                  ALTER TABLE facilities ENABLE TRIGGER place_in_grid;
                  -- What coverage_changed_facilities() adds for an INSERT, for every row this transaction inserted.
                  PERFORM coverage_touch(ARRAY(
                    WITH changed AS MATERIALIZED (
                      SELECT DISTINCT district_code, kind = 'accessible_toilet' AS toilet FROM facilities WHERE xmin = me)
                    SELECT district_code::text FROM changed
                    UNION
                    SELECT n.code::text FROM districts n JOIN districts d ON ST_DWithin(n.boundary, d.boundary, 0.1)
                    WHERE n.level = 3 AND d.code IN (SELECT district_code FROM changed WHERE toilet)));
                  DELETE FROM pg_temp.facility_bulk_load;
                END
                $$;
                """);
        }
    }
}
