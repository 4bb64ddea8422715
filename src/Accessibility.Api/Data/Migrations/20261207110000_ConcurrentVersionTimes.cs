using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// Concurrent writes of one record: a transaction takes its times from its start (<c>now()</c>), so one that began
    /// earlier but waited for another's row lock would change a version valid (and recorded) from a later time, and the
    /// history trigger refused it as a "validFrom before the current state" (a 400 to the second of two simultaneous
    /// writes). Only a validFrom the client gave is refused; a write without one takes effect, and is recorded, no
    /// earlier than the version it replaces. SQL only, no model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261207110000_ConcurrentVersionTimes")]
    public partial class ConcurrentVersionTimes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION registry_version_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                SET search_path = public, pg_temp AS $$
                DECLARE
                  given boolean := NULLIF(current_setting('registry.valid_from', true), '') IS NOT NULL;
                  effective timestamptz := registry_effective_time();
                  recorded timestamptz;
                  history text := quote_ident(TG_TABLE_NAME || '_history');
                  cols text;
                BEGIN
                  IF TG_OP = 'UPDATE' THEN
                    NEW.valid_from := OLD.valid_from;
                    NEW.recorded_at := OLD.recorded_at;
                    IF NEW IS NOT DISTINCT FROM OLD THEN
                      RETURN NEW;
                    END IF;
                  END IF;
                  IF given AND effective < OLD.valid_from THEN
                    RAISE EXCEPTION 'validFrom % is before the record''s current state, valid from %', effective, OLD.valid_from
                      USING ERRCODE = '22V01', COLUMN = 'valid_from', TABLE = TG_TABLE_NAME;
                  END IF;
                  IF given AND effective > now() THEN
                    RAISE EXCEPTION 'validFrom % is in the future', effective USING ERRCODE = '22V02', COLUMN = 'valid_from';
                  END IF;
                  -- A transaction that began before the one that wrote OLD committed: no earlier than OLD.
                  effective := GREATEST(effective, OLD.valid_from);
                  recorded := GREATEST(now(), OLD.recorded_at);
                  -- ($1).* expands in the table's column order: name the history's columns in that order.
                  SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
                  FROM pg_attribute a WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped;
                  IF OLD.recorded_at < recorded THEN
                    EXECUTE 'INSERT INTO ' || history || ' (' || cols || ', valid_to, recorded_to) SELECT ($1).*, NULL, $2' USING OLD, recorded;
                  END IF;
                  IF OLD.valid_from < effective THEN
                    EXECUTE 'INSERT INTO ' || history || ' (' || cols || ', valid_to, recorded_to) SELECT ($1).*, $2, NULL'
                      USING jsonb_populate_record(OLD, jsonb_build_object('recorded_at', recorded)), effective;
                  END IF;
                  IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                  END IF;
                  NEW.valid_from := effective;
                  NEW.recorded_at := recorded;
                  RETURN NEW;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The earlier version refused the later of two simultaneous writes; there is nothing to go back to.
        }
    }
}
