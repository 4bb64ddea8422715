using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// A bulk load of facilities for a large first import (Features/Imports/FacilityImporter): inside the import's
    /// transaction <c>registry_facilities_bulk_begin()</c> drops the secondary indexes and the foreign keys of
    /// <c>facilities</c> and disables its statement trigger <c>coverage_changed_insert</c> and its row trigger
    /// <c>place_in_grid</c>; the import inserts its rows, placing them in grids itself, set-based, by the rule of
    /// <c>registry_grid_at</c> (the runtime role may set <c>grid_code</c> anyway); <c>registry_facilities_bulk_end()</c>
    /// builds the indexes again from their saved definitions, adds the foreign keys again (each checked once, set-based,
    /// instead of once per row) and adds the coverage change stamps the statement trigger would have added for every row
    /// inserted in the transaction. Both are SECURITY DEFINER (the runtime role may not alter the table) and keep their
    /// state in a temporary table of the transaction whose deferred constraint trigger refuses a commit that began a bulk
    /// load without ending it; a failure anywhere rolls the DDL back with the rows, so the registry is as it was. The
    /// table is locked against readers from begin to commit. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261208140000_FacilityBulkLoad")]
    public partial class FacilityBulkLoad : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION registry_facilities_bulk_unfinished() RETURNS trigger
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
                BEGIN
                  IF EXISTS (SELECT 1 FROM pg_temp.facility_bulk_load) THEN
                    RAISE EXCEPTION 'a bulk load of facilities was begun and not ended (registry_facilities_bulk_end)'
                      USING ERRCODE = '55000';
                  END IF;
                  RETURN NULL;
                END
                $$;

                CREATE FUNCTION registry_facilities_bulk_begin() RETURNS void
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

                CREATE FUNCTION registry_facilities_bulk_end() RETURNS void
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION IF EXISTS registry_facilities_bulk_end();
                DROP FUNCTION IF EXISTS registry_facilities_bulk_begin();
                DROP FUNCTION IF EXISTS registry_facilities_bulk_unfinished();
                """);
        }
    }
}
