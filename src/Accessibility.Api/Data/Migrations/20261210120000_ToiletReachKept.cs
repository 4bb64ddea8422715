using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// The toilet reach of every facility demand point kept ready (issue 16, the district panel's fresh read):
    /// <c>facility_toilet_reach</c> holds one row per public building and bus stop in service (not deleted, status neither
    /// removed nor under construction), with its codes, its geometry and whether an operational toilet lies within the
    /// panel's default radius of 500 m, by the coverage statement's own test (<c>ST_DWithin</c> on geometry within 0.01°,
    /// then on geography within 500 m: <c>CoverageSql</c>'s probe). Statement triggers on <c>facilities</c> keep it:
    /// a write of a demand point probes that point again; a write of an operational toilet (added, moved, its status or
    /// kind changed, deleted) probes again only the demand points within 500 m of its old and new place, so a county's
    /// panel reads its reach from the kept rows instead of one GiST probe per demand point. Concurrent writes near one
    /// another are serialised by transaction-scoped advisory locks on 0.05° cells (<c>coverage_reach_lock</c>): two
    /// writes whose effects on a demand point could cross (a toilet added beside a bus stop being added) share a cell, and
    /// the second probes after the first commits (each trigger statement takes a new snapshot under READ COMMITTED, the
    /// registry's isolation). A bulk load (<c>registry_facilities_bulk_begin</c>: indexes dropped) defers the work to its
    /// commit, for every row the transaction wrote. Households (renovation cases) are still probed at each read: they
    /// are few and live in another table. Read with plain SQL in Features/Coverage/CoverageSql.cs. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261210120000_ToiletReachKept")]
    public partial class ToiletReachKept : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE facility_toilet_reach (
                  facility_id bigint PRIMARY KEY,
                  type character varying(32) NOT NULL,
                  district_code character varying(12),
                  township_code character varying(12),
                  geometry geometry NOT NULL,
                  covered boolean NOT NULL);
                CREATE INDEX ix_facility_toilet_reach_district ON facility_toilet_reach (district_code);
                CREATE INDEX ix_facility_toilet_reach_township ON facility_toilet_reach (township_code);
                CREATE INDEX ix_facility_toilet_reach_geometry ON facility_toilet_reach USING gist (geometry);

                -- Cells of 0.05° under every place expanded by the reach's 0.01°: two places within 0.02° of each other
                -- (a toilet and a demand point within reach, or two toilets reaching one demand point) share a cell.
                -- More than 256 places (a large statement) take the whole registry's lock instead.
                CREATE FUNCTION coverage_reach_lock(places geometry[]) RETURNS void
                LANGUAGE plpgsql AS $$
                DECLARE
                  cell int;
                BEGIN
                  IF cardinality(places) > 256 THEN
                    PERFORM pg_advisory_xact_lock(16016, -1);
                    RETURN;
                  END IF;
                  PERFORM pg_advisory_xact_lock_shared(16016, -1);
                  FOR cell IN
                    SELECT DISTINCT (cx + 4000) * 4000 + (cy + 2000)
                    FROM unnest(places) p(g), ST_Expand(ST_Envelope(p.g), 0.01) b,
                         generate_series(floor(ST_XMin(b) / 0.05)::int, floor(ST_XMax(b) / 0.05)::int) cx,
                         generate_series(floor(ST_YMin(b) / 0.05)::int, floor(ST_YMax(b) / 0.05)::int) cy
                    WHERE p.g IS NOT NULL
                    ORDER BY 1
                  LOOP
                    PERFORM pg_advisory_xact_lock(16016, cell);
                  END LOOP;
                END
                $$;

                -- Probes again the demand points among facilities demand (ids), and those within reach of the toilets'
                -- places (old and new) toilets.
                CREATE FUNCTION coverage_reach_apply(demand bigint[], toilets geometry[]) RETURNS void
                LANGUAGE plpgsql AS $$
                BEGIN
                  IF cardinality(demand) = 0 AND cardinality(toilets) = 0 THEN
                    RETURN;
                  END IF;
                  PERFORM coverage_reach_lock(toilets
                    || ARRAY(SELECT geometry FROM facilities WHERE id = ANY (demand))
                    || ARRAY(SELECT geometry FROM facility_toilet_reach WHERE facility_id = ANY (demand)));
                  DELETE FROM facility_toilet_reach WHERE facility_id = ANY (demand);
                  INSERT INTO facility_toilet_reach (facility_id, type, district_code, township_code, geometry, covered)
                  SELECT f.id, f.kind, f.district_code, f.township_code, f.geometry, EXISTS (
                           SELECT 1 FROM facilities t
                           WHERE t.deleted_at IS NULL AND t.kind = 'accessible_toilet' AND t.status = 'operational'
                             AND ST_DWithin(t.geometry, f.geometry, 0.01)
                             AND ST_DWithin(t.geometry::geography, f.geometry::geography, 500))
                  FROM facilities f
                  WHERE f.id = ANY (demand) AND f.deleted_at IS NULL AND f.kind IN ('public_building', 'bus_stop')
                    AND f.status NOT IN ('removed', 'under_construction') AND f.geometry IS NOT NULL;
                  IF cardinality(toilets) > 0 THEN
                    UPDATE facility_toilet_reach k SET covered = x.covered
                    FROM (
                      SELECT n.facility_id, EXISTS (
                               SELECT 1 FROM facilities t
                               WHERE t.deleted_at IS NULL AND t.kind = 'accessible_toilet' AND t.status = 'operational'
                                 AND ST_DWithin(t.geometry, n.geometry, 0.01)
                                 AND ST_DWithin(t.geometry::geography, n.geometry::geography, 500)) AS covered
                      FROM (SELECT DISTINCT k2.facility_id, k2.geometry
                            FROM unnest(toilets) p(g)
                            JOIN facility_toilet_reach k2 ON ST_DWithin(k2.geometry, p.g, 0.01)
                                                         AND ST_DWithin(k2.geometry::geography, p.g::geography, 500)) n) x
                    WHERE k.facility_id = x.facility_id AND k.covered <> x.covered;
                  END IF;
                END
                $$;

                -- A bulk load's rows (every row this transaction wrote), probed at its commit, after
                -- registry_facilities_bulk_end has built the indexes again.
                CREATE FUNCTION coverage_reach_bulk_commit() RETURNS trigger
                LANGUAGE plpgsql AS $$
                DECLARE
                  me xid := (pg_current_xact_id()::text::bigint % 4294967296)::text::xid;
                BEGIN
                  PERFORM coverage_reach_apply(
                    ARRAY(SELECT id FROM facilities WHERE xmin = me AND kind IN ('public_building', 'bus_stop')),
                    ARRAY(SELECT geometry FROM facilities
                          WHERE xmin = me AND kind = 'accessible_toilet' AND status = 'operational' AND deleted_at IS NULL));
                  RETURN NULL;
                END
                $$;

                CREATE FUNCTION coverage_reach_changed() RETURNS trigger
                LANGUAGE plpgsql AS $$
                DECLARE
                  demand bigint[];
                  toilets geometry[];
                BEGIN
                  IF to_regclass('pg_temp.facility_bulk_load') IS NOT NULL THEN
                    IF to_regclass('pg_temp.facility_reach_pending') IS NULL THEN
                      CREATE TEMP TABLE facility_reach_pending (pending boolean) ON COMMIT DROP;
                      CREATE CONSTRAINT TRIGGER facility_reach_pending_commit AFTER INSERT ON pg_temp.facility_reach_pending
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coverage_reach_bulk_commit();
                      INSERT INTO pg_temp.facility_reach_pending VALUES (true);
                    END IF;
                    RETURN NULL;
                  END IF;
                  IF TG_OP = 'INSERT' THEN
                    SELECT coalesce(array_agg(id) FILTER (WHERE kind IN ('public_building', 'bus_stop')), '{}'),
                           coalesce(array_agg(geometry) FILTER (WHERE kind = 'accessible_toilet' AND status = 'operational' AND deleted_at IS NULL), '{}')
                      INTO demand, toilets FROM new_rows;
                  ELSIF TG_OP = 'DELETE' THEN
                    SELECT coalesce(array_agg(id) FILTER (WHERE kind IN ('public_building', 'bus_stop')), '{}'),
                           coalesce(array_agg(geometry) FILTER (WHERE kind = 'accessible_toilet' AND status = 'operational' AND deleted_at IS NULL), '{}')
                      INTO demand, toilets FROM old_rows;
                  ELSE
                    -- Only rows whose reach may have changed: kind, status, deletion, codes or place.
                    WITH changed AS MATERIALIZED (
                      SELECT o.id, o.kind IN ('public_building', 'bus_stop') OR n.kind IN ('public_building', 'bus_stop') AS is_demand,
                             o.kind = 'accessible_toilet' AND o.status = 'operational' AND o.deleted_at IS NULL AS was_toilet,
                             n.kind = 'accessible_toilet' AND n.status = 'operational' AND n.deleted_at IS NULL AS is_toilet,
                             o.geometry AS old_place, n.geometry AS new_place,
                             o.geometry IS NOT DISTINCT FROM n.geometry AS unmoved
                      FROM old_rows o JOIN new_rows n ON n.id = o.id
                      WHERE (o.kind, o.status, o.deleted_at, o.district_code, o.township_code)
                              IS DISTINCT FROM (n.kind, n.status, n.deleted_at, n.district_code, n.township_code)
                         OR o.geometry IS DISTINCT FROM n.geometry)
                    SELECT coalesce(array_agg(id) FILTER (WHERE is_demand), '{}'),
                           coalesce(array_agg(old_place) FILTER (WHERE was_toilet AND NOT (is_toilet AND unmoved)), '{}')
                           || coalesce(array_agg(new_place) FILTER (WHERE is_toilet AND NOT (was_toilet AND unmoved)), '{}')
                      INTO demand, toilets FROM changed;
                  END IF;
                  PERFORM coverage_reach_apply(demand, toilets);
                  RETURN NULL;
                END
                $$;

                CREATE FUNCTION coverage_reach_truncated() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  DELETE FROM facility_toilet_reach;
                  RETURN NULL;
                END
                $$;

                CREATE TRIGGER coverage_reach_insert AFTER INSERT ON facilities
                  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_reach_changed();
                CREATE TRIGGER coverage_reach_update AFTER UPDATE ON facilities
                  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_reach_changed();
                CREATE TRIGGER coverage_reach_delete AFTER DELETE ON facilities
                  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION coverage_reach_changed();
                CREATE TRIGGER coverage_reach_truncate AFTER TRUNCATE ON facilities
                  FOR EACH STATEMENT EXECUTE FUNCTION coverage_reach_truncated();

                -- The rows already held.
                INSERT INTO facility_toilet_reach (facility_id, type, district_code, township_code, geometry, covered)
                SELECT f.id, f.kind, f.district_code, f.township_code, f.geometry, EXISTS (
                         SELECT 1 FROM facilities t
                         WHERE t.deleted_at IS NULL AND t.kind = 'accessible_toilet' AND t.status = 'operational'
                           AND ST_DWithin(t.geometry, f.geometry, 0.01)
                           AND ST_DWithin(t.geometry::geography, f.geometry::geography, 500))
                FROM facilities f
                WHERE f.deleted_at IS NULL AND f.kind IN ('public_building', 'bus_stop')
                  AND f.status NOT IN ('removed', 'under_construction') AND f.geometry IS NOT NULL;
                ANALYZE facility_toilet_reach;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS coverage_reach_insert ON facilities;
                DROP TRIGGER IF EXISTS coverage_reach_update ON facilities;
                DROP TRIGGER IF EXISTS coverage_reach_delete ON facilities;
                DROP TRIGGER IF EXISTS coverage_reach_truncate ON facilities;
                DROP FUNCTION IF EXISTS coverage_reach_changed();
                DROP FUNCTION IF EXISTS coverage_reach_truncated();
                DROP FUNCTION IF EXISTS coverage_reach_bulk_commit();
                DROP FUNCTION IF EXISTS coverage_reach_apply(bigint[], geometry[]);
                DROP FUNCTION IF EXISTS coverage_reach_lock(geometry[]);
                DROP TABLE IF EXISTS facility_toilet_reach;
                """);
        }
    }
}
