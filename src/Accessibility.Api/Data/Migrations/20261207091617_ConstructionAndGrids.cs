using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class ConstructionAndGrids : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "grid_codes",
                table: "users",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<string>(
                name: "grid_code",
                table: "road_segments",
                type: "character varying(12)",
                maxLength: 12,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "grid_code",
                table: "facilities",
                type: "character varying(12)",
                maxLength: 12,
                nullable: true);

            migrationBuilder.Sql(VersionChangeByNameSql);
            migrationBuilder.Sql(GridsSql);
            migrationBuilder.Sql(ProjectsSql);
            migrationBuilder.Sql(PatrolsSql);
            foreach (var table in new[] { "construction_projects", "patrols" })
            {
                migrationBuilder.Sql($"""
                    CREATE TRIGGER coverage_changed_insert AFTER INSERT ON {table}
                      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coverage_changed_by_district_code();
                    CREATE TRIGGER coverage_changed_update_old AFTER UPDATE ON {table}
                      REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coverage_changed_by_district_code();
                    CREATE TRIGGER coverage_changed_update_new AFTER UPDATE ON {table}
                      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coverage_changed_by_district_code();
                    CREATE TRIGGER coverage_changed_delete AFTER DELETE ON {table}
                      REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coverage_changed_by_district_code();
                    CREATE TRIGGER coverage_changed_truncate AFTER TRUNCATE ON {table}
                      FOR EACH STATEMENT EXECUTE FUNCTION coverage_changed_all();
                    """);
            }

            // Projects are read as of a date (the construction indicator of a past year) like the other kept records.
            migrationBuilder.Sql("SELECT registry_keep_history('construction_projects', 'created_at', NULL); SELECT registry_history_sync();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE IF EXISTS patrols, project_documents, project_waivers, project_checks, project_facilities CASCADE;
                DROP TABLE IF EXISTS construction_projects_history CASCADE;
                DELETE FROM registry_history_tables WHERE table_name = 'construction_projects';
                DROP FUNCTION IF EXISTS construction_projects_as_of(timestamptz, timestamptz);
                DROP TABLE IF EXISTS construction_projects CASCADE;
                DROP TRIGGER IF EXISTS place_in_grid ON facilities;
                DROP TRIGGER IF EXISTS place_in_grid ON road_segments;
                ALTER TABLE facilities DROP CONSTRAINT IF EXISTS fk_facilities_community_grids_grid_code;
                ALTER TABLE road_segments DROP CONSTRAINT IF EXISTS fk_road_segments_community_grids_grid_code;
                DROP FUNCTION IF EXISTS registry_place_in_grids(text);
                DROP FUNCTION IF EXISTS place_in_grid();
                DROP FUNCTION IF EXISTS registry_grid_at(geometry, text);
                DROP TABLE IF EXISTS community_grids CASCADE;
                """);

            migrationBuilder.DropColumn(
                name: "grid_codes",
                table: "users");

            migrationBuilder.DropColumn(
                name: "grid_code",
                table: "road_segments");

            migrationBuilder.DropColumn(
                name: "grid_code",
                table: "facilities");
        }
            /// <summary>
        /// The history trigger of RecordHistory, writing the superseded version with the kept table's column list: a column
        /// added to a kept table later (grid_code here) is appended to its history table after valid_to and recorded_to, so
        /// the positional <c>INSERT … SELECT ($1).*</c> no longer lined up.
        /// </summary>
        private const string VersionChangeByNameSql = """
            CREATE OR REPLACE FUNCTION registry_version_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = public, pg_temp AS $$
            DECLARE
              effective timestamptz := registry_effective_time();
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
              IF effective < OLD.valid_from THEN
                RAISE EXCEPTION 'validFrom % is before the record''s current state, valid from %', effective, OLD.valid_from
                  USING ERRCODE = '22V01', COLUMN = 'valid_from', TABLE = TG_TABLE_NAME;
              END IF;
              IF effective > now() THEN
                RAISE EXCEPTION 'validFrom % is in the future', effective USING ERRCODE = '22V02', COLUMN = 'valid_from';
              END IF;
              -- ($1).* expands in the table's column order: name the history's columns in that order.
              SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
              FROM pg_attribute a WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped;
              IF OLD.recorded_at < now() THEN
                EXECUTE 'INSERT INTO ' || history || ' (' || cols || ', valid_to, recorded_to) SELECT ($1).*, NULL, $2' USING OLD, now();
              END IF;
              IF OLD.valid_from < effective THEN
                EXECUTE 'INSERT INTO ' || history || ' (' || cols || ', valid_to, recorded_to) SELECT ($1).*, $2, NULL'
                  USING jsonb_populate_record(OLD, jsonb_build_object('recorded_at', now())), effective;
              END IF;
              IF TG_OP = 'DELETE' THEN
                RETURN OLD;
              END IF;
              NEW.valid_from := effective;
              NEW.recorded_at := now();
              RETURN NEW;
            END $$;
            """;

        /// <summary>
        /// Community grids (社区网格, 网格化管理): polygons below the township, keyed by a 12-digit code that extends their
        /// township's 9-digit GB/T 2260 code (as the statistical village codes do), so district-prefix nesting holds.
        /// Facilities and road segments are placed in the grid covering a point on them by the <c>place_in_grid</c>
        /// trigger on every insert and move; <c>registry_place_in_grids(county)</c> places a county's records again after
        /// its grids change.
        /// </summary>
        private const string GridsSql = """
            CREATE TABLE community_grids (
              code varchar(12) PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
              name varchar(100) NOT NULL CHECK (btrim(name) <> ''),
              township_code varchar(12) NOT NULL REFERENCES districts(code) ON DELETE RESTRICT,
              county_code varchar(12) NOT NULL REFERENCES districts(code) ON DELETE RESTRICT,
              boundary geometry(MultiPolygon, 4490) NOT NULL,
              patrol_interval_days integer NOT NULL DEFAULT 30 CHECK (patrol_interval_days BETWEEN 1 AND 366),
              source text,
              created_at timestamptz NOT NULL DEFAULT now(),
              updated_at timestamptz NOT NULL DEFAULT now(),
              CHECK (left(code, 9) = township_code AND left(code, 6) = county_code)
            );
            CREATE INDEX ix_community_grids_boundary ON community_grids USING gist (boundary);
            CREATE INDEX ix_community_grids_county_code ON community_grids (county_code);
            CREATE INDEX ix_community_grids_township_code ON community_grids (township_code);

            ALTER TABLE facilities ADD CONSTRAINT fk_facilities_community_grids_grid_code
              FOREIGN KEY (grid_code) REFERENCES community_grids(code) ON DELETE SET NULL;
            ALTER TABLE road_segments ADD CONSTRAINT fk_road_segments_community_grids_grid_code
              FOREIGN KEY (grid_code) REFERENCES community_grids(code) ON DELETE SET NULL;
            CREATE INDEX ix_facilities_grid_code ON facilities (grid_code) WHERE grid_code IS NOT NULL;
            CREATE INDEX ix_road_segments_grid_code ON road_segments (grid_code) WHERE grid_code IS NOT NULL;

            -- The grid of a county covering a point on the geometry (lowest code if grids touch at the point).
            CREATE FUNCTION registry_grid_at(geom geometry, county text) RETURNS varchar(12)
            LANGUAGE sql STABLE AS $$
              SELECT g.code FROM community_grids g
              WHERE g.county_code = county AND ST_Covers(g.boundary, ST_PointOnSurface(geom))
              ORDER BY g.code LIMIT 1
            $$;

            CREATE FUNCTION place_in_grid() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              NEW.grid_code := registry_grid_at(NEW.geometry, NEW.district_code);
              RETURN NEW;
            END
            $$;
            CREATE TRIGGER place_in_grid BEFORE INSERT OR UPDATE OF geometry, district_code ON facilities
              FOR EACH ROW EXECUTE FUNCTION place_in_grid();
            CREATE TRIGGER place_in_grid BEFORE INSERT OR UPDATE OF geometry, district_code ON road_segments
              FOR EACH ROW EXECUTE FUNCTION place_in_grid();

            -- After a county's grids change: every facility and road segment of the county placed again; the count of
            -- records whose grid changed.
            CREATE FUNCTION registry_place_in_grids(county text) RETURNS bigint
            LANGUAGE sql AS $$
              WITH f AS (
                UPDATE facilities f SET grid_code = p.code
                FROM (SELECT id, registry_grid_at(geometry, district_code) AS code FROM facilities WHERE district_code = county) p
                WHERE f.id = p.id AND f.grid_code IS DISTINCT FROM p.code
                RETURNING 1),
              r AS (
                UPDATE road_segments r SET grid_code = p.code
                FROM (SELECT id, registry_grid_at(geometry, district_code) AS code FROM road_segments WHERE district_code = county) p
                WHERE r.id = p.id AND r.grid_code IS DISTINCT FROM p.code
                RETURNING 1)
              SELECT (SELECT count(*) FROM f) + (SELECT count(*) FROM r)
            $$;
            """;

        /// <summary>
        /// Construction projects (新建、改建项目) from plan to acceptance: the facilities they will build, the barrier-free
        /// checks at design review and at acceptance (one row per submission, judged by the inspection judge), waivers an
        /// administrator records, and documents. At acceptance the project's facilities enter the registry
        /// (<c>project_facilities.facility_id</c>) and <c>barrier_free_compliant</c> records whether every applicable
        /// item was met without a waiver: the indicator 新建项目无障碍设施建设率 counts it.
        /// </summary>
        private const string ProjectsSql = """
            CREATE TABLE construction_projects (
              id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
              name varchar(200) NOT NULL CHECK (btrim(name) <> ''),
              builder varchar(200) NOT NULL CHECK (btrim(builder) <> ''),
              project_type varchar(30) NOT NULL,
              works varchar(20) NOT NULL CHECK (works IN ('new', 'alteration')),
              district_code varchar(12) NOT NULL REFERENCES districts(code) ON DELETE RESTRICT,
              township_code varchar(12) REFERENCES districts(code) ON DELETE RESTRICT,
              geometry geometry(Geometry, 4490) NOT NULL,
              stage varchar(30) NOT NULL DEFAULT 'planning'
                CHECK (stage IN ('planning', 'design-review', 'construction', 'acceptance', 'accepted')),
              description varchar(4000),
              planned_completion date,
              barrier_free_compliant boolean,
              accepted_at timestamptz,
              accepted_by bigint REFERENCES users(id) ON DELETE RESTRICT,
              registered_by bigint REFERENCES users(id) ON DELETE RESTRICT,
              created_at timestamptz NOT NULL DEFAULT now(),
              updated_at timestamptz NOT NULL DEFAULT now(),
              deleted_at timestamptz,
              CHECK ((stage = 'accepted') = (accepted_at IS NOT NULL)),
              CHECK ((stage = 'accepted') = (barrier_free_compliant IS NOT NULL))
            );
            CREATE INDEX ix_construction_projects_geometry ON construction_projects USING gist (geometry);
            CREATE INDEX ix_construction_projects_district_code_stage ON construction_projects (district_code, stage);

            CREATE TABLE project_facilities (
              id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
              project_id bigint NOT NULL REFERENCES construction_projects(id) ON DELETE CASCADE,
              kind varchar(40) NOT NULL,
              name varchar(200) NOT NULL CHECK (btrim(name) <> ''),
              geometry geometry(Geometry, 4490) NOT NULL,
              attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
              facility_id bigint REFERENCES facilities(id) ON DELETE RESTRICT,
              road_segment_id bigint REFERENCES road_segments(id) ON DELETE RESTRICT,
              created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX ix_project_facilities_project_id ON project_facilities (project_id);
            CREATE UNIQUE INDEX ix_project_facilities_facility_id ON project_facilities (facility_id) WHERE facility_id IS NOT NULL;

            CREATE TABLE project_checks (
              id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
              project_id bigint NOT NULL REFERENCES construction_projects(id) ON DELETE CASCADE,
              project_facility_id bigint NOT NULL REFERENCES project_facilities(id) ON DELETE CASCADE,
              stage varchar(30) NOT NULL CHECK (stage IN ('design-review', 'acceptance')),
              answers jsonb NOT NULL,
              items jsonb NOT NULL,
              result varchar(20) NOT NULL CHECK (result IN ('pass', 'fail')),
              note varchar(4000),
              checked_by bigint REFERENCES users(id) ON DELETE RESTRICT,
              checker_name varchar(100) NOT NULL,
              checked_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX ix_project_checks_project_id ON project_checks (project_id, project_facility_id, stage, checked_at);

            CREATE TABLE project_waivers (
              id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
              project_id bigint NOT NULL REFERENCES construction_projects(id) ON DELETE CASCADE,
              project_facility_id bigint NOT NULL REFERENCES project_facilities(id) ON DELETE CASCADE,
              item_code varchar(60) NOT NULL,
              reason varchar(4000) NOT NULL CHECK (btrim(reason) <> ''),
              granted_by bigint REFERENCES users(id) ON DELETE RESTRICT,
              granted_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX ix_project_waivers_project_id ON project_waivers (project_id);

            CREATE TABLE project_documents (
              id uuid PRIMARY KEY,
              project_id bigint NOT NULL REFERENCES construction_projects(id) ON DELETE CASCADE,
              stage varchar(30) NOT NULL,
              title varchar(200) NOT NULL CHECK (btrim(title) <> ''),
              file_name varchar(255) NOT NULL,
              content_type varchar(100) NOT NULL,
              bytes integer NOT NULL,
              sha256 char(64) NOT NULL,
              content bytea NOT NULL,
              uploaded_by bigint REFERENCES users(id) ON DELETE RESTRICT,
              uploaded_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX ix_project_documents_project_id ON project_documents (project_id);
            """;

        /// <summary>
        /// Patrols (巡查): a grid worker's light inspection of one facility (still in use? obstructed? damaged?), which
        /// may raise a defect. <c>client_id</c> makes a retried phone submission land once.
        /// </summary>
        private const string PatrolsSql = """
            CREATE TABLE patrols (
              id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
              client_id uuid NOT NULL UNIQUE,
              facility_id bigint NOT NULL REFERENCES facilities(id) ON DELETE RESTRICT,
              grid_code varchar(12) REFERENCES community_grids(code) ON DELETE SET NULL,
              district_code varchar(12) NOT NULL REFERENCES districts(code) ON DELETE RESTRICT,
              patrolled_at timestamptz NOT NULL,
              patroller_user_id bigint REFERENCES users(id) ON DELETE RESTRICT,
              patroller_name varchar(100) NOT NULL,
              in_use boolean NOT NULL,
              obstructed boolean NOT NULL,
              damaged boolean NOT NULL,
              note varchar(4000),
              photo_ids uuid[] NOT NULL DEFAULT '{}',
              location geometry(Point, 4490),
              defect_id bigint REFERENCES defects(id) ON DELETE RESTRICT,
              created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX ix_patrols_facility_id_patrolled_at ON patrols (facility_id, patrolled_at);
            CREATE INDEX ix_patrols_grid_code_patrolled_at ON patrols (grid_code, patrolled_at);
            CREATE INDEX ix_patrols_district_code_patrolled_at ON patrols (district_code, patrolled_at);
            """;
    }
}
