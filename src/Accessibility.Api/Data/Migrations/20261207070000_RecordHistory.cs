using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// Bitemporal history of the records the plan indicators are computed from (docs/history.md). Each kept table gets
    /// <c>valid_from</c> (when the row's state took effect: now, or the <c>validFrom</c> of a backdated correction) and
    /// <c>recorded_at</c> (when the registry learnt it), and a <c>&lt;table&gt;_history</c> table of the versions it
    /// no longer holds, written by triggers as the owner, append-only, never written by the service's role. The
    /// function <c>&lt;table&gt;_as_of(at, known)</c> gives the rows as they stood at instant <c>at</c> as known at
    /// instant <c>known</c>. <c>registry_history_sync()</c> regenerates the functions and adds a kept table's new columns
    /// to its history; the seeder calls it after every migration. No model change: the columns are not mapped.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261207070000_RecordHistory")]
    public partial class RecordHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                -- The effective time of this transaction's writes: the validFrom of a backdated correction
                -- (set_config('registry.valid_from', …, true) by the service), else the transaction's start.
                CREATE FUNCTION registry_effective_time() RETURNS timestamptz LANGUAGE sql STABLE AS $$
                  SELECT COALESCE(NULLIF(current_setting('registry.valid_from', true), '')::timestamptz, now())
                $$;

                -- The kept tables and the column whose time a new row's state takes effect at, when it has one
                -- (an inspection counts from when it was carried out, even if synced later).
                CREATE TABLE registry_history_tables (
                  table_name text PRIMARY KEY,
                  effective_column text NULL);

                -- Before an insert into a table whose rows carry their own event time (an inspection is carried out
                -- before it is synced): valid from that time when it is earlier than the effective time. Other
                -- tables take valid_from and recorded_at from their column defaults, with no trigger.
                CREATE FUNCTION registry_version_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                  own timestamptz;
                BEGIN
                  EXECUTE format('SELECT ($1).%I', TG_ARGV[0]) INTO own USING NEW;
                  NEW.valid_from := LEAST(COALESCE(own, NEW.valid_from), NEW.valid_from);
                  RETURN NEW;
                END $$;

                -- Before an update or delete: the version the row held goes to the history, twice when both apply:
                -- (a) as believed until now, valid without end; (b) as believed from now on, ending where the new
                -- state begins. A change of nothing but the bookkeeping makes no version.
                CREATE FUNCTION registry_version_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                SET search_path = public, pg_temp AS $$
                DECLARE
                  effective timestamptz := registry_effective_time();
                  history text := quote_ident(TG_TABLE_NAME || '_history');
                BEGIN
                  IF TG_OP = 'UPDATE' THEN
                    NEW.valid_from := OLD.valid_from;
                    NEW.recorded_at := OLD.recorded_at;
                    IF NEW IS NOT DISTINCT FROM OLD THEN
                      RETURN NEW;
                    END IF;
                  END IF;
                  IF effective < OLD.valid_from THEN
                    RAISE EXCEPTION 'validFrom % is before the record''s current state, valid from %', effective, OLD.valid_from
                      USING ERRCODE = '22V01', COLUMN = 'valid_from', TABLE = TG_TABLE_NAME;
                  END IF;
                  IF effective > now() THEN
                    RAISE EXCEPTION 'validFrom % is in the future', effective USING ERRCODE = '22V02', COLUMN = 'valid_from';
                  END IF;
                  IF OLD.recorded_at < now() THEN
                    EXECUTE 'INSERT INTO ' || history || ' SELECT ($1).*, NULL, $2' USING OLD, now();
                  END IF;
                  IF OLD.valid_from < effective THEN
                    EXECUTE 'INSERT INTO ' || history || ' SELECT ($1).*, $2, NULL'
                      USING jsonb_populate_record(OLD, jsonb_build_object('recorded_at', now())), effective;
                  END IF;
                  IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                  END IF;
                  NEW.valid_from := effective;
                  NEW.recorded_at := now();
                  RETURN NEW;
                END $$;

                CREATE FUNCTION registry_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'the history of % is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
                END $$;

                -- Adds every kept table's new columns to its history and (re)writes its as-of function with the
                -- columns listed by name, so a column added later by a migration is kept too.
                CREATE FUNCTION registry_history_sync() RETURNS void LANGUAGE plpgsql AS $sync$
                DECLARE
                  kept record;
                  col record;
                  cols text;
                BEGIN
                  FOR kept IN SELECT table_name FROM registry_history_tables ORDER BY table_name LOOP
                    FOR col IN
                      SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type
                      FROM pg_attribute a
                      WHERE a.attrelid = kept.table_name::regclass AND a.attnum > 0 AND NOT a.attisdropped
                        AND NOT EXISTS (SELECT 1 FROM pg_attribute h
                                        WHERE h.attrelid = (kept.table_name || '_history')::regclass
                                          AND h.attname = a.attname AND NOT h.attisdropped)
                      ORDER BY a.attnum
                    LOOP
                      EXECUTE format('ALTER TABLE %I ADD COLUMN %I %s', kept.table_name || '_history', col.attname, col.type);
                    END LOOP;
                    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
                    FROM pg_attribute a
                    WHERE a.attrelid = kept.table_name::regclass AND a.attnum > 0 AND NOT a.attisdropped;
                    EXECUTE format($f$
                      CREATE OR REPLACE FUNCTION %1$I(at timestamptz, known timestamptz) RETURNS SETOF %2$I
                      LANGUAGE sql STABLE AS $b$
                        SELECT %3$s FROM %2$I WHERE valid_from <= at AND recorded_at <= known
                        UNION ALL
                        SELECT %3$s FROM %4$I
                        WHERE valid_from <= at AND (valid_to IS NULL OR valid_to > at)
                          AND recorded_at <= known AND (recorded_to IS NULL OR recorded_to > known)
                      $b$$f$, kept.table_name || '_as_of', kept.table_name, cols, kept.table_name || '_history');
                  END LOOP;
                END $sync$;

                -- Keeps the history of one table: columns, history table, indexes, triggers.
                CREATE FUNCTION registry_keep_history(kept text, backfill text, effective_column text) RETURNS void
                LANGUAGE plpgsql AS $$
                DECLARE
                  indexed text;
                BEGIN
                  EXECUTE format('ALTER TABLE %I ADD COLUMN valid_from timestamptz NULL, ADD COLUMN recorded_at timestamptz NULL', kept);
                  EXECUTE format('UPDATE %I SET valid_from = %s, recorded_at = %s', kept, backfill, backfill);
                  EXECUTE format('ALTER TABLE %I ALTER COLUMN valid_from SET DEFAULT registry_effective_time(),
                                  ALTER COLUMN valid_from SET NOT NULL,
                                  ALTER COLUMN recorded_at SET DEFAULT now(), ALTER COLUMN recorded_at SET NOT NULL,
                                  ADD CONSTRAINT %I CHECK (valid_from <= recorded_at)', kept, 'ck_' || kept || '_valid_before_recorded');
                  EXECUTE format('CREATE TABLE %I (LIKE %I, valid_to timestamptz NULL, recorded_to timestamptz NULL)',
                                 kept || '_history', kept);
                  FOREACH indexed IN ARRAY ARRAY['id', 'district_code', 'township_code'] LOOP
                    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = kept::regclass AND attname = indexed) THEN
                      EXECUTE format('CREATE INDEX %I ON %I (%I %s)', 'ix_' || kept || '_history_' || indexed, kept || '_history', indexed,
                                     CASE WHEN indexed = 'id' THEN '' ELSE 'text_pattern_ops' END);
                    END IF;
                  END LOOP;
                  IF effective_column IS NOT NULL THEN
                    EXECUTE format('CREATE TRIGGER version_insert BEFORE INSERT ON %I FOR EACH ROW EXECUTE FUNCTION registry_version_insert(%L)', kept, effective_column);
                  END IF;
                  EXECUTE format('CREATE TRIGGER version_change BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION registry_version_change()', kept);
                  EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION registry_history_append_only()', kept || '_history');
                  INSERT INTO registry_history_tables VALUES (kept, effective_column);
                END $$;

                -- Rows that exist now: their current state is taken as valid since they were created (history
                -- before this migration is in the audit log only).
                SELECT registry_keep_history('facilities', 'created_at', NULL);
                SELECT registry_keep_history('road_segments', 'created_at', NULL);
                SELECT registry_keep_history('inspections', 'LEAST(inspected_at, created_at)', 'inspected_at');
                SELECT registry_keep_history('defects', 'created_at', NULL);
                SELECT registry_keep_history('reports', 'requested_at', NULL);
                SELECT registry_keep_history('renovation_cases', 'created_at', NULL);
                SELECT registry_keep_history('plan_targets', $$(make_date(period_start, 1, 1)::timestamp AT TIME ZONE 'Asia/Shanghai')$$, NULL);
                SELECT registry_keep_history('renovation_district_settings', 'updated_at', NULL);
                SELECT registry_keep_history('renovation_budgets', 'updated_at', NULL);
                CREATE INDEX ix_facilities_history_geometry ON facilities_history USING gist (geometry);
                SELECT registry_history_sync();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                DECLARE kept record;
                BEGIN
                  FOR kept IN SELECT table_name FROM registry_history_tables LOOP
                    EXECUTE format('DROP FUNCTION %I(timestamptz, timestamptz)', kept.table_name || '_as_of');
                    EXECUTE format('DROP TABLE %I', kept.table_name || '_history');
                    EXECUTE format('DROP TRIGGER IF EXISTS version_insert ON %1$I; DROP TRIGGER version_change ON %1$I', kept.table_name);
                    EXECUTE format('ALTER TABLE %I DROP COLUMN valid_from, DROP COLUMN recorded_at', kept.table_name);
                  END LOOP;
                END $$;
                DROP TABLE registry_history_tables;
                DROP FUNCTION registry_keep_history(text, text, text);
                DROP FUNCTION registry_history_sync();
                DROP FUNCTION registry_history_append_only();
                DROP FUNCTION registry_version_change();
                DROP FUNCTION registry_version_insert();
                DROP FUNCTION registry_effective_time();
                """);
        }
    }
}
