using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// Issue 16, every facility tile fast at 1 M facilities (bench/README.md, "Every zoom from kept cells"):
    /// <list type="bullet">
    /// <item><c>facility_cluster_cells</c> is kept for zooms 13–15 as well (16 cells per tile side there, as the tiles
    /// cluster; TileSql.SummaryMaxZoom = 15), so no clustered tile groups raw rows per request: a street tile of a dense
    /// city held thousands of facilities at 1 M. The trigger function is replaced (zooms 0–15, the grid per zoom) and the
    /// three new zooms are filled from <c>facility_state</c>.</item>
    /// <item><c>facility_state.last_result</c>: the result of the facility's last inspection (by time, then id), kept by
    /// the same trigger as its time, so the facility list reads its inspection properties with one join instead of a
    /// sub-query and a lateral lookup per row.</item>
    /// </list>
    /// No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261209130000_FacilityCellsToStreetZoom")]
    public partial class FacilityCellsToStreetZoom : Migration
    {
        // As in FacilityTileState, with zooms 0–15 and the grid per zoom (TileSql.GridAt).
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
            + "floor(extract(epoch FROM t.due_at) / 86400)::integer AS due_day FROM {table} t WHERE t.live AND t.pt IS NOT NULL";

        private static string Deltas(string rows) => "\n" + CellDeltas.Replace("{rows}", rows, StringComparison.Ordinal) + "\n";

        private static string Rows(int d, string table) => RowsOf
            .Replace("{d}", d.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{table}", table, StringComparison.Ordinal);

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION facility_state_cells() RETURNS trigger LANGUAGE plpgsql AS $fn$
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

                INSERT INTO facility_cluster_cells (z, cx, cy, status, due_day, n, sum_lon, sum_lat, sum_id)
                SELECT zz.z, floor(t.mx * (2.0 ^ zz.z) * 16)::integer, floor(t.my * (2.0 ^ zz.z) * 16)::integer, t.status,
                       floor(extract(epoch FROM t.due_at) / 86400)::integer,
                       count(*)::integer, sum(ST_X(t.pt)::numeric), sum(ST_Y(t.pt)::numeric), sum(t.facility_id)::bigint
                FROM facility_state t CROSS JOIN generate_series(13, 15) zz(z)
                WHERE t.live AND t.pt IS NOT NULL
                GROUP BY 1, 2, 3, 4, 5;
                ANALYZE facility_cluster_cells;
                """);

            // The last inspection's result beside its time: the latest by time, then id (InspectionSql.LastInspectionResult).
            migrationBuilder.Sql("""
                ALTER TABLE facility_state ADD COLUMN last_result text NULL;
                CREATE OR REPLACE FUNCTION facility_state_inspected(ids bigint[]) RETURNS void LANGUAGE sql AS $fn$
                  UPDATE facility_state s
                  SET last_inspected_at = l.last, last_result = l.result,
                      due_at = l.last + make_interval(months => COALESCE((SELECT k.months FROM facility_kind_intervals k WHERE k.kind = s.kind), 12))
                  FROM (SELECT a.id, i.inspected_at AS last, i.result
                        FROM unnest(ids) a(id)
                        LEFT JOIN LATERAL (SELECT i.inspected_at, i.result FROM inspections i WHERE i.facility_id = a.id
                                           ORDER BY i.inspected_at DESC, i.id DESC LIMIT 1) i ON true) l
                  WHERE s.facility_id = l.id AND (s.last_inspected_at IS DISTINCT FROM l.last OR s.last_result IS DISTINCT FROM l.result);
                $fn$;
                CREATE OR REPLACE FUNCTION facility_state_inspections() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                  IF TG_OP = 'TRUNCATE' THEN
                    UPDATE facility_state SET last_inspected_at = NULL, last_result = NULL, due_at = NULL WHERE last_inspected_at IS NOT NULL;
                  ELSIF TG_OP = 'INSERT' THEN
                    PERFORM facility_state_inspected(ARRAY(SELECT DISTINCT facility_id FROM new_rows));
                  ELSIF TG_OP = 'DELETE' THEN
                    PERFORM facility_state_inspected(ARRAY(SELECT DISTINCT facility_id FROM old_rows));
                  ELSE
                    PERFORM facility_state_inspected(ARRAY(SELECT facility_id FROM new_rows UNION SELECT facility_id FROM old_rows));
                  END IF;
                  RETURN NULL;
                END $fn$;
                -- Only the new column changes, so the cells' trigger (deltas summing to nothing, a long pass at 1 M) is left out.
                ALTER TABLE facility_state DISABLE TRIGGER facility_state_cells_update;
                UPDATE facility_state s SET last_result = l.result
                FROM (SELECT DISTINCT ON (i.facility_id) i.facility_id, i.result FROM inspections i
                      ORDER BY i.facility_id, i.inspected_at DESC, i.id DESC) l
                WHERE s.facility_id = l.facility_id;
                ALTER TABLE facility_state ENABLE TRIGGER facility_state_cells_update;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DELETE FROM facility_cluster_cells WHERE z > 12; ALTER TABLE facility_state DROP COLUMN IF EXISTS last_result;");
        }
    }
}
