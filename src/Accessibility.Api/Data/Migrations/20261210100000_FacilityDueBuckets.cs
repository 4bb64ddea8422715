using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// Issue 16, cold facility tiles at 1 M facilities (bench/README.md, "Due buckets"): a row of
    /// <c>facility_cluster_cells</c> was one (zoom, cell, status, due day), so a zoom 6 tile read up to statuses × ~800 due
    /// days per cell (about 100,000 rows at 1 M). The due day is now kept <b>bucketed against a reference day R</b>
    /// (<c>facility_due_reference</c>, one row): the days R … R + 2 and R + 30 … R + 32 exactly (where today and today + 30
    /// days lie while R is at most 2 days old), and every other due day as one of three codes that do not depend on R:
    /// −1 (before R: overdue), −2 (R + 3 … R + 29: due within 30 days), −3 (after R + 32: on time). A cell holds at most 10
    /// rows per status whatever its facilities. The tile reads a code's state directly and judges one by one (from
    /// <c>facility_state</c>, an index range on the due date) the facilities whose bucket may not tell their state: those due
    /// on today's and today + 30 days' day, as before, and while R is behind, those due between R and today; so every tile is
    /// exact at any instant, and a late move only costs time (about one day's worth of due facilities a day late).
    /// <para>
    /// <c>facility_due_reference_move(day)</c> moves R (a hosted service calls it hourly, a no-op but once a day): it
    /// re-buckets only the facilities whose bucket changes (due near the window's four edges: ~4 days' worth a day), under an
    /// exclusive advisory lock that the cells' trigger takes shared, so no write computes a bucket against an R being moved.
    /// Facilities a bulk load adds have no inspection yet (no due day), so <c>registry_facilities_bulk_end()</c> keeps its
    /// cells as they are (null due day, null bucket); FacilityBulkLoadTests compares them with the trigger's. No model change.
    /// </para>
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261210100000_FacilityDueBuckets")]
    public partial class FacilityDueBuckets : Migration
    {
        // As in FacilityCellsToStreetZoom: zooms 0–15, the grid per zoom (TileSql.GridAt); the rows' due_day is the bucket.
        private const string CellDeltas = """
            INSERT INTO facility_cluster_cells AS c (z, cx, cy, status, due_day, n, sum_lon, sum_lat, sum_id)
            SELECT zz.z, floor(r.mx * (2.0 ^ zz.z) * zz.grid)::integer, floor(r.my * (2.0 ^ zz.z) * zz.grid)::integer, r.status, r.due_day,
                   sum(r.d)::integer, sum(r.d * r.lon), sum(r.d * r.lat), sum(r.d * r.facility_id)::bigint
            FROM ({rows}) r CROSS JOIN (SELECT z, CASE WHEN z <= 12 THEN 8 ELSE 16 END AS grid FROM generate_series(0, 15) z) zz
            GROUP BY 1, 2, 3, 4, 5
            HAVING sum(r.d) <> 0 OR sum(r.d * r.lon) <> 0 OR sum(r.d * r.lat) <> 0 OR sum(r.d * r.facility_id) <> 0
            ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT (z, cx, cy, status, due_day) DO UPDATE
              SET n = c.n + EXCLUDED.n, sum_lon = c.sum_lon + EXCLUDED.sum_lon, sum_lat = c.sum_lat + EXCLUDED.sum_lat, sum_id = c.sum_id + EXCLUDED.sum_id;
            DELETE FROM facility_cluster_cells WHERE n = 0;
            """;

        private const string RowsOf = "SELECT {d}::integer AS d, t.facility_id, t.status, ST_X(t.pt)::numeric AS lon, ST_Y(t.pt)::numeric AS lat, t.mx, t.my, "
            + "facility_due_bucket(floor(extract(epoch FROM t.due_at) / 86400)::integer, {ref}) AS due_day FROM {table} t WHERE t.live AND t.pt IS NOT NULL";

        // The key of the advisory lock between the cells' trigger (shared) and the move of R (exclusive).
        private const string LockKey = "hashtext('facility_due_reference')::bigint";

        // The facilities whose bucket changes when R moves from was to target: due between the lesser R and the greater R + 32.
        private const string Moved = """
            (SELECT s.* FROM facility_state s
             WHERE s.live AND s.pt IS NOT NULL
               AND s.due_at >= to_timestamp(least(was, target) * 86400.0)
               AND s.due_at < to_timestamp((greatest(was, target) + 33) * 86400.0)
               AND facility_due_bucket(floor(extract(epoch FROM s.due_at) / 86400)::integer, was)
                   <> facility_due_bucket(floor(extract(epoch FROM s.due_at) / 86400)::integer, target))
            """;

        private static string Deltas(string rows) => "\n" + CellDeltas.Replace("{rows}", rows, StringComparison.Ordinal) + "\n";

        private static string Rows(int d, string table, string reference) => RowsOf
            .Replace("{d}", d.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{table}", table, StringComparison.Ordinal)
            .Replace("{ref}", reference, StringComparison.Ordinal);

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE facility_due_reference (
                  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
                  day integer NOT NULL);
                INSERT INTO facility_due_reference (day) VALUES (floor(extract(epoch FROM now()) / 86400)::integer);

                -- A due day (UTC days since 1970) as kept in a cell row against the reference day ref: the day itself from ref
                -- to ref + 2 and from ref + 30 to ref + 32; else -1 (before ref), -2 (ref + 3 to ref + 29), -3 (after ref + 32).
                -- TileSql's FacilitySummary reads the codes; keep both in step.
                CREATE FUNCTION facility_due_bucket(due_day integer, ref integer) RETURNS integer
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
                  SELECT CASE WHEN due_day IS NULL THEN NULL
                              WHEN due_day < ref THEN -1
                              WHEN due_day <= ref + 2 THEN due_day
                              WHEN due_day < ref + 30 THEN -2
                              WHEN due_day <= ref + 32 THEN due_day
                              ELSE -3 END
                $fn$;
                """);

            migrationBuilder.Sql(("""
                CREATE OR REPLACE FUNCTION facility_state_cells() RETURNS trigger LANGUAGE plpgsql AS $fn$
                DECLARE
                  due_ref integer;
                BEGIN
                  -- R cannot move (facility_due_reference_move) until this transaction ends.
                  PERFORM pg_advisory_xact_lock_shared({lock});
                  SELECT r.day INTO due_ref FROM facility_due_reference r;
                  IF TG_OP = 'INSERT' THEN
                """ + Deltas(Rows(1, "new_rows", "due_ref")) + """
                  ELSIF TG_OP = 'DELETE' THEN
                """ + Deltas(Rows(-1, "old_rows", "due_ref")) + """
                  ELSE
                """ + Deltas(Rows(1, "new_rows", "due_ref") + " UNION ALL " + Rows(-1, "old_rows", "due_ref")) + """
                  END IF;
                  RETURN NULL;
                END $fn$;

                -- Moves R to target (either way) and re-buckets the facilities whose bucket changes: a due day keeps its bucket
                -- unless it lies between the lesser R and the greater R + 32. Returns how many facilities were re-bucketed.
                CREATE FUNCTION facility_due_reference_move(target integer) RETURNS integer LANGUAGE plpgsql AS $fn$
                DECLARE
                  was integer;
                  moved integer;
                BEGIN
                  PERFORM pg_advisory_xact_lock({lock});
                  SELECT r.day INTO was FROM facility_due_reference r FOR UPDATE;
                  IF was = target THEN
                    RETURN 0;
                  END IF;
                  SELECT count(*) INTO moved FROM
                """ + Moved + """
                 m;
                """ + Deltas(Rows(1, Moved, "target") + " UNION ALL " + Rows(-1, Moved, "was")) + """
                  UPDATE facility_due_reference SET day = target;
                  RETURN moved;
                END $fn$;
                """).Replace("{lock}", LockKey, StringComparison.Ordinal));

            // The cells there are, re-bucketed in place (the sums of a bucket are the sums of its days' rows).
            migrationBuilder.Sql("""
                CREATE TEMP TABLE facility_cells_bucketed ON COMMIT DROP AS
                  SELECT c.z, c.cx, c.cy, c.status, facility_due_bucket(c.due_day, r.day) AS due_day,
                         sum(c.n)::integer AS n, sum(c.sum_lon) AS sum_lon, sum(c.sum_lat) AS sum_lat, sum(c.sum_id)::bigint AS sum_id
                  FROM facility_cluster_cells c, facility_due_reference r
                  GROUP BY 1, 2, 3, 4, 5;
                TRUNCATE facility_cluster_cells;
                INSERT INTO facility_cluster_cells (z, cx, cy, status, due_day, n, sum_lon, sum_lat, sum_id)
                SELECT * FROM facility_cells_bucketed ORDER BY 1, 2, 3, 4, 5;
                DROP TABLE facility_cells_bucketed;
                ANALYZE facility_cluster_cells;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to a row per due day: the cells again from facility_state, and the trigger as FacilityCellsToStreetZoom left it.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION facility_due_bucket(due_day integer, ref integer) RETURNS integer
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$ SELECT due_day $fn$;
                TRUNCATE facility_cluster_cells;
                INSERT INTO facility_cluster_cells (z, cx, cy, status, due_day, n, sum_lon, sum_lat, sum_id)
                SELECT zz.z, floor(t.mx * (2.0 ^ zz.z) * zz.grid)::integer, floor(t.my * (2.0 ^ zz.z) * zz.grid)::integer, t.status,
                       floor(extract(epoch FROM t.due_at) / 86400)::integer,
                       count(*)::integer, sum(ST_X(t.pt)::numeric), sum(ST_Y(t.pt)::numeric), sum(t.facility_id)::bigint
                FROM facility_state t CROSS JOIN (SELECT z, CASE WHEN z <= 12 THEN 8 ELSE 16 END AS grid FROM generate_series(0, 15) z) zz
                WHERE t.live AND t.pt IS NOT NULL
                GROUP BY 1, 2, 3, 4, 5;
                DROP FUNCTION facility_due_reference_move(integer);
                DROP TABLE facility_due_reference;
                """);
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION facility_state_cells() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                  IF TG_OP = 'INSERT' THEN
                """ + Deltas(Rows(1, "new_rows", "0")) + """
                  ELSIF TG_OP = 'DELETE' THEN
                """ + Deltas(Rows(-1, "old_rows", "0")) + """
                  ELSE
                """ + Deltas(Rows(1, "new_rows", "0") + " UNION ALL " + Rows(-1, "old_rows", "0")) + """
                  END IF;
                  RETURN NULL;
                END $fn$;
                """);
        }
    }
}
