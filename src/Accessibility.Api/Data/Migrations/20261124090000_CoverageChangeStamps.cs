using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// Change stamps for the coverage indicators' cache (Features/Coverage/CoverageCache): statement-level triggers on
    /// every table the indicators read add 1 to a counter per county-level district the statement touched (the key ''
    /// for a TRUNCATE, which touches everything). The stamp of a district is the sum of the counters whose key is one
    /// of its codes' prefixes or starts with its prefix; it changes with every committed write that can change the
    /// district's figures, and is read in the same MVCC snapshot rules as the data, so a cached figure is served only
    /// while no such write has committed. Counters are split into 64 slots by backend so that concurrent writers
    /// rarely wait on the same row. An accessible toilet serves demand up to 5 km away, so a change to one also
    /// touches the counties within 0.1° (≥ 5 km up to 63° N) of its county. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261124090000_CoverageChangeStamps")]
    public partial class CoverageChangeStamps : Migration
    {
        private static readonly string[] ByDistrictCode =
            ["road_segments", "inspections", "defects", "reports", "renovation_cases", "renovation_district_settings", "plan_targets"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE coverage_changes (
                  district_key varchar(12) NOT NULL,
                  slot smallint NOT NULL,
                  changes bigint NOT NULL,
                  CONSTRAINT pk_coverage_changes PRIMARY KEY (district_key, slot));

                CREATE FUNCTION coverage_touch(keys text[]) RETURNS void
                LANGUAGE sql AS $$
                  INSERT INTO coverage_changes AS c (district_key, slot, changes)
                  SELECT k, (pg_backend_pid() % 64)::smallint, 1
                  FROM (SELECT DISTINCT unnest(keys) AS k) u WHERE k IS NOT NULL ORDER BY k
                  ON CONFLICT (district_key, slot) DO UPDATE SET changes = c.changes + 1
                $$;

                CREATE FUNCTION coverage_changed_all() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM coverage_touch(ARRAY['']);
                  RETURN NULL;
                END
                $$;

                CREATE FUNCTION coverage_changed_by_district_code() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM coverage_touch(ARRAY(SELECT DISTINCT district_code::text FROM changed));
                  RETURN NULL;
                END
                $$;

                CREATE FUNCTION coverage_changed_districts() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM coverage_touch(ARRAY(SELECT code::text FROM changed));
                  RETURN NULL;
                END
                $$;

                CREATE FUNCTION coverage_changed_defect_events() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM coverage_touch(ARRAY(
                    SELECT DISTINCT d.district_code::text FROM changed e JOIN defects d ON d.id = e.defect_id));
                  RETURN NULL;
                END
                $$;

                CREATE FUNCTION coverage_changed_facilities() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM coverage_touch(ARRAY(
                    SELECT district_code::text FROM changed
                    UNION
                    SELECT n.code::text FROM districts n JOIN districts d ON ST_DWithin(n.boundary, d.boundary, 0.1)
                    WHERE n.level = 3 AND d.code IN (SELECT district_code FROM changed WHERE kind = 'accessible_toilet')));
                  RETURN NULL;
                END
                $$;
                """);

            Triggers(migrationBuilder, "facilities", "coverage_changed_facilities");
            Triggers(migrationBuilder, "districts", "coverage_changed_districts");
            Triggers(migrationBuilder, "defect_events", "coverage_changed_defect_events");
            foreach (var table in ByDistrictCode)
            {
                Triggers(migrationBuilder, table, "coverage_changed_by_district_code");
            }

            migrationBuilder.Sql("""
                CREATE TRIGGER coverage_changed_truncate AFTER TRUNCATE ON facility_kind_intervals
                  FOR EACH STATEMENT EXECUTE FUNCTION coverage_changed_all();
                CREATE TRIGGER coverage_changed_write AFTER INSERT OR UPDATE OR DELETE ON facility_kind_intervals
                  FOR EACH STATEMENT EXECUTE FUNCTION coverage_changed_all();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in ByDistrictCode.Concat(["facilities", "districts", "defect_events"]))
            {
                migrationBuilder.Sql($"""
                    DROP TRIGGER IF EXISTS coverage_changed_insert ON {table};
                    DROP TRIGGER IF EXISTS coverage_changed_update_old ON {table};
                    DROP TRIGGER IF EXISTS coverage_changed_update_new ON {table};
                    DROP TRIGGER IF EXISTS coverage_changed_delete ON {table};
                    DROP TRIGGER IF EXISTS coverage_changed_truncate ON {table};
                    """);
            }

            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS coverage_changed_truncate ON facility_kind_intervals;
                DROP TRIGGER IF EXISTS coverage_changed_write ON facility_kind_intervals;
                DROP FUNCTION IF EXISTS coverage_changed_facilities();
                DROP FUNCTION IF EXISTS coverage_changed_defect_events();
                DROP FUNCTION IF EXISTS coverage_changed_districts();
                DROP FUNCTION IF EXISTS coverage_changed_by_district_code();
                DROP FUNCTION IF EXISTS coverage_changed_all();
                DROP FUNCTION IF EXISTS coverage_touch(text[]);
                DROP TABLE IF EXISTS coverage_changes;
                """);
        }

        /// <summary>
        /// Statement-level triggers with the changed rows as the transition table <c>changed</c>: the new rows of an
        /// INSERT, the old and the new rows of an UPDATE (a record may move to another district), the old rows of a DELETE.
        /// </summary>
        private static void Triggers(MigrationBuilder migrationBuilder, string table, string function) =>
            migrationBuilder.Sql($"""
                CREATE TRIGGER coverage_changed_insert AFTER INSERT ON {table}
                  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {function}();
                CREATE TRIGGER coverage_changed_update_old AFTER UPDATE ON {table}
                  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {function}();
                CREATE TRIGGER coverage_changed_update_new AFTER UPDATE ON {table}
                  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {function}();
                CREATE TRIGGER coverage_changed_delete AFTER DELETE ON {table}
                  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {function}();
                CREATE TRIGGER coverage_changed_truncate AFTER TRUNCATE ON {table}
                  FOR EACH STATEMENT EXECUTE FUNCTION coverage_changed_all();
                """);
    }
}
