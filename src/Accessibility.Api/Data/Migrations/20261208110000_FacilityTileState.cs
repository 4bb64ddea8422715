using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// What a facility tile needs, kept ready instead of computed per request (issue 16):
    /// <list type="bullet">
    /// <item><c>facility_state</c>: per facility its point on surface (CGCS2000), its Web Mercator position as a fraction
    /// of the world (<c>mx</c>, <c>my</c>: a cluster cell key at zoom z is <c>floor(m · 2^z · grid)</c>), its last
    /// inspection and due date (last + its kind's interval). Not columns of <c>facilities</c>: that table is kept with
    /// history (docs/history.md), and an inspection would make a facility version. The inspection state is the due date
    /// against <c>now()</c> at read time, so it is never stale.</item>
    /// <item><c>facility_cluster_cells</c>: per zoom 0–12 and cluster cell (8 per tile side, as the tiles cluster), per
    /// status and due day (UTC; null when never inspected): the number of live facilities, the sums of their
    /// longitudes, latitudes and ids (the id of a cell of one).</item>
    /// </list>
    /// Both are kept by statement triggers (transition tables, so a bulk import is one set-based pass) in the writing
    /// transaction: on facilities, inspections and facility_kind_intervals; no staleness. Read by Features/Tiles/TileSql.cs
    /// and InspectionSql.InspectionState. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261208110000_FacilityTileState")]
    public partial class FacilityTileState : Migration
    {
        // Deepest zoom summarised; TileSql.SummaryMaxZoom must agree.
        private const string SummaryMaxZoom = "12";

        // Cluster cells per tile side up to the summarised zoom (TileSql.CoarseGrid).
        private const string Grid = "8";

        // The cell deltas of the rows of the transition table(s): +1 per live new row, −1 per live old row.
        private const string CellDeltas = """
            INSERT INTO facility_cluster_cells AS c (z, cx, cy, status, due_day, n, sum_lon, sum_lat, sum_id)
            SELECT zz.z, floor(r.mx * (2.0 ^ zz.z) * {grid})::integer, floor(r.my * (2.0 ^ zz.z) * {grid})::integer, r.status, r.due_day,
                   sum(r.d)::integer, sum(r.d * r.lon), sum(r.d * r.lat), sum(r.d * r.facility_id)::bigint
            FROM ({rows}) r CROSS JOIN generate_series(0, {max}) zz(z)
            GROUP BY 1, 2, 3, 4, 5
            HAVING sum(r.d) <> 0 OR sum(r.d * r.lon) <> 0 OR sum(r.d * r.lat) <> 0 OR sum(r.d * r.facility_id) <> 0
            ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT (z, cx, cy, status, due_day) DO UPDATE
              SET n = c.n + EXCLUDED.n, sum_lon = c.sum_lon + EXCLUDED.sum_lon, sum_lat = c.sum_lat + EXCLUDED.sum_lat, sum_id = c.sum_id + EXCLUDED.sum_id;
            DELETE FROM facility_cluster_cells WHERE n = 0;
            """;

        private const string RowsOf = "SELECT {d}::integer AS d, t.facility_id, t.status, ST_X(t.pt)::numeric AS lon, ST_Y(t.pt)::numeric AS lat, t.mx, t.my, "
            + "floor(extract(epoch FROM t.due_at) / 86400)::integer AS due_day FROM {table} t WHERE t.live AND t.pt IS NOT NULL";

        private static string Deltas(string rows) => "\n" + CellDeltas
            .Replace("{rows}", rows, StringComparison.Ordinal)
            .Replace("{grid}", Grid, StringComparison.Ordinal)
            .Replace("{max}", SummaryMaxZoom, StringComparison.Ordinal) + "\n";

        private static string Rows(int d, string table) => RowsOf
            .Replace("{d}", d.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{table}", table, StringComparison.Ordinal);

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE facility_state (
                  facility_id bigint PRIMARY KEY REFERENCES facilities (id) ON DELETE CASCADE,
                  live boolean NOT NULL,
                  kind text NOT NULL,
                  status text NOT NULL,
                  pt geometry(Point, 4490) NULL,
                  mx double precision NULL,
                  my double precision NULL,
                  last_inspected_at timestamptz NULL,
                  due_at timestamptz NULL);
                CREATE INDEX ix_facility_state_pt ON facility_state USING gist (pt) WHERE live;
                CREATE INDEX ix_facility_state_due_at ON facility_state (due_at) WHERE live;
                CREATE INDEX ix_facility_state_kind ON facility_state (kind) WHERE last_inspected_at IS NOT NULL;

                CREATE TABLE facility_cluster_cells (
                  z smallint NOT NULL,
                  cx integer NOT NULL,
                  cy integer NOT NULL,
                  status text NOT NULL,
                  due_day integer NULL,
                  n integer NOT NULL,
                  sum_lon numeric NOT NULL,
                  sum_lat numeric NOT NULL,
                  sum_id bigint NOT NULL,
                  CONSTRAINT uq_facility_cluster_cells UNIQUE NULLS NOT DISTINCT (z, cx, cy, status, due_day));
                CREATE INDEX ix_facility_cluster_cells_empty ON facility_cluster_cells (z) WHERE n = 0;
                """);

            migrationBuilder.Sql("""
                CREATE FUNCTION facility_state_cells() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                  IF TG_OP = 'INSERT' THEN
                """ + Deltas(Rows(1, "new_rows")) + """
                  ELSIF TG_OP = 'DELETE' THEN
                """ + Deltas(Rows(-1, "old_rows")) + """
                  ELSE
                """ + Deltas(Rows(1, "new_rows") + " UNION ALL " + Rows(-1, "old_rows")) + """
                  END IF;
                  RETURN NULL;
                END $fn$;
                CREATE TRIGGER facility_state_cells_insert AFTER INSERT ON facility_state
                  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_state_cells();
                CREATE TRIGGER facility_state_cells_update AFTER UPDATE ON facility_state
                  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_state_cells();
                CREATE TRIGGER facility_state_cells_delete AFTER DELETE ON facility_state
                  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_state_cells();
                CREATE FUNCTION facility_state_cells_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                  TRUNCATE facility_cluster_cells;
                  RETURN NULL;
                END $fn$;
                CREATE TRIGGER facility_state_cells_truncate AFTER TRUNCATE ON facility_state
                  FOR EACH STATEMENT EXECUTE FUNCTION facility_state_cells_truncate();
                """);

            // The point a facility counts at (a line: a point on it) and its Web Mercator position, exactly as the tiles
            // computed it per request (same expression, so the same cell keys); an unchanged geometry keeps its point.
            migrationBuilder.Sql("""
                CREATE FUNCTION facility_state_facilities() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                  IF TG_OP = 'INSERT' THEN
                    INSERT INTO facility_state (facility_id, live, kind, status, pt, mx, my)
                    SELECT n.id, n.deleted_at IS NULL, n.kind, n.status, p.pt,
                           (ST_X(p.pt) + 180.0) / 360.0,
                           (1 - ln(tan(radians(ST_Y(p.pt))) + 1 / cos(radians(ST_Y(p.pt)))) / pi()) / 2
                    FROM new_rows n CROSS JOIN LATERAL (SELECT ST_PointOnSurface(n.geometry) AS pt) p;
                  ELSE
                    UPDATE facility_state s
                    SET live = x.live, kind = x.kind, status = x.status,
                        pt = CASE WHEN x.moved THEN x.pt ELSE s.pt END,
                        mx = CASE WHEN x.moved THEN (ST_X(x.pt) + 180.0) / 360.0 ELSE s.mx END,
                        my = CASE WHEN x.moved THEN (1 - ln(tan(radians(ST_Y(x.pt))) + 1 / cos(radians(ST_Y(x.pt)))) / pi()) / 2 ELSE s.my END,
                        due_at = s.last_inspected_at + make_interval(months => COALESCE((SELECT k.months FROM facility_kind_intervals k WHERE k.kind = x.kind), 12))
                    FROM (SELECT n.id, n.deleted_at IS NULL AS live, n.kind, n.status, n.geometry IS DISTINCT FROM o.geometry AS moved,
                                 ST_PointOnSurface(n.geometry) AS pt
                          FROM new_rows n JOIN old_rows o ON o.id = n.id
                          WHERE n.geometry IS DISTINCT FROM o.geometry OR n.kind IS DISTINCT FROM o.kind OR n.status IS DISTINCT FROM o.status
                             OR (n.deleted_at IS NULL) <> (o.deleted_at IS NULL)) x
                    WHERE s.facility_id = x.id;
                  END IF;
                  RETURN NULL;
                END $fn$;
                CREATE TRIGGER facility_state_insert AFTER INSERT ON facilities
                  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_state_facilities();
                CREATE TRIGGER facility_state_update AFTER UPDATE ON facilities
                  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_state_facilities();
                """);
            // The last inspection of each facility an inspection statement touched, and its due date.
            migrationBuilder.Sql("""
                CREATE FUNCTION facility_state_inspections() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                  IF TG_OP = 'TRUNCATE' THEN
                    UPDATE facility_state SET last_inspected_at = NULL, due_at = NULL WHERE last_inspected_at IS NOT NULL;
                  ELSIF TG_OP = 'INSERT' THEN
                    PERFORM facility_state_inspected(ARRAY(SELECT DISTINCT facility_id FROM new_rows));
                  ELSIF TG_OP = 'DELETE' THEN
                    PERFORM facility_state_inspected(ARRAY(SELECT DISTINCT facility_id FROM old_rows));
                  ELSE
                    PERFORM facility_state_inspected(ARRAY(SELECT facility_id FROM new_rows UNION SELECT facility_id FROM old_rows));
                  END IF;
                  RETURN NULL;
                END $fn$;
                CREATE FUNCTION facility_state_inspected(ids bigint[]) RETURNS void LANGUAGE sql AS $fn$
                  UPDATE facility_state s
                  SET last_inspected_at = l.last,
                      due_at = l.last + make_interval(months => COALESCE((SELECT k.months FROM facility_kind_intervals k WHERE k.kind = s.kind), 12))
                  FROM (SELECT a.id, (SELECT max(i.inspected_at) FROM inspections i WHERE i.facility_id = a.id) AS last
                        FROM unnest(ids) a(id)) l
                  WHERE s.facility_id = l.id AND s.last_inspected_at IS DISTINCT FROM l.last;
                $fn$;
                CREATE TRIGGER facility_state_inspections_insert AFTER INSERT ON inspections
                  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_state_inspections();
                CREATE TRIGGER facility_state_inspections_update AFTER UPDATE ON inspections
                  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_state_inspections();
                CREATE TRIGGER facility_state_inspections_delete AFTER DELETE ON inspections
                  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_state_inspections();
                CREATE TRIGGER facility_state_inspections_truncate AFTER TRUNCATE ON inspections
                  FOR EACH STATEMENT EXECUTE FUNCTION facility_state_inspections();

                -- A changed interval moves the due dates of its kind's inspected facilities (a rare act of an administrator).
                CREATE FUNCTION facility_state_intervals() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                  UPDATE facility_state s
                  SET due_at = s.last_inspected_at + make_interval(months => COALESCE((SELECT k.months FROM facility_kind_intervals k WHERE k.kind = s.kind), 12))
                  WHERE s.last_inspected_at IS NOT NULL
                    AND s.due_at IS DISTINCT FROM s.last_inspected_at + make_interval(months => COALESCE((SELECT k.months FROM facility_kind_intervals k WHERE k.kind = s.kind), 12));
                  RETURN NULL;
                END $fn$;
                CREATE TRIGGER facility_state_intervals AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON facility_kind_intervals
                  FOR EACH STATEMENT EXECUTE FUNCTION facility_state_intervals();
                """);

            // The facilities there are now (their cells follow through the trigger on facility_state).
            migrationBuilder.Sql("""
                INSERT INTO facility_state (facility_id, live, kind, status, pt, mx, my, last_inspected_at, due_at)
                SELECT f.id, f.deleted_at IS NULL, f.kind, f.status, p.pt,
                       (ST_X(p.pt) + 180.0) / 360.0,
                       (1 - ln(tan(radians(ST_Y(p.pt))) + 1 / cos(radians(ST_Y(p.pt)))) / pi()) / 2,
                       l.last, l.last + make_interval(months => COALESCE((SELECT k.months FROM facility_kind_intervals k WHERE k.kind = f.kind), 12))
                FROM facilities f
                CROSS JOIN LATERAL (SELECT ST_PointOnSurface(f.geometry) AS pt) p
                LEFT JOIN (SELECT i.facility_id, max(i.inspected_at) AS last FROM inspections i GROUP BY i.facility_id) l ON l.facility_id = f.id;
                ANALYZE facility_state;
                ANALYZE facility_cluster_cells;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS facility_state_insert ON facilities;
                DROP TRIGGER IF EXISTS facility_state_update ON facilities;
                DROP TRIGGER IF EXISTS facility_state_inspections_insert ON inspections;
                DROP TRIGGER IF EXISTS facility_state_inspections_update ON inspections;
                DROP TRIGGER IF EXISTS facility_state_inspections_delete ON inspections;
                DROP TRIGGER IF EXISTS facility_state_inspections_truncate ON inspections;
                DROP TRIGGER IF EXISTS facility_state_intervals ON facility_kind_intervals;
                DROP TABLE IF EXISTS facility_cluster_cells;
                DROP TABLE IF EXISTS facility_state;
                DROP FUNCTION IF EXISTS facility_state_facilities();
                DROP FUNCTION IF EXISTS facility_state_inspections();
                DROP FUNCTION IF EXISTS facility_state_inspected(bigint[]);
                DROP FUNCTION IF EXISTS facility_state_intervals();
                DROP FUNCTION IF EXISTS facility_state_cells();
                DROP FUNCTION IF EXISTS facility_state_cells_truncate();
                """);
        }
    }
}
