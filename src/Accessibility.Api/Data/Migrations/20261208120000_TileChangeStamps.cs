using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// Change stamps of the vector tiles (Features/Tiles/TileStamps): statement-level triggers on every table a tile
    /// layer reads add 1 to a counter per layer and per grid cell of 1/8° (about 14 km) that the changed rows' bounding
    /// boxes touch, old and new rows (a moved facility changes the tiles it left), and tell the service by
    /// <c>NOTIFY tile_changes</c> with the cells and their new counter values. A TRUNCATE, or a change of the
    /// inspection intervals, touches the layer's "everywhere" cell (1,000,000, 1,000,000) that every tile includes.
    /// A cell's stamp is the sum of its counters, which only grow; a tile's stamp is the sum over the cells its
    /// (buffered) envelope covers, so it changes with every committed write that can change the tile. A grid, not
    /// the counties: a road or a polygon crosses county lines and a facility may lie outside its county's boundary,
    /// while a cell follows the geometry alone. Counters are split into 64 slots by backend, as
    /// <c>coverage_changes</c>, so that concurrent writers in one city rarely wait on one row. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261208120000_TileChangeStamps")]
    public partial class TileChangeStamps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE tile_changes (
                  layer varchar(16) NOT NULL,
                  cx integer NOT NULL,
                  cy integer NOT NULL,
                  slot smallint NOT NULL,
                  changes bigint NOT NULL,
                  CONSTRAINT pk_tile_changes PRIMARY KEY (layer, cx, cy, slot));

                -- Adds 1 to the counters of every cell of the given cell boxes (x0..x1 × y0..y1) in this backend's slot and
                -- notifies 'layer slot cx:cy:changes …', or 'layer slot *' when that would not fit a notification.
                CREATE FUNCTION tile_touch(p_layer text, x0 int[], y0 int[], x1 int[], y1 int[]) RETURNS void
                LANGUAGE plpgsql AS $$
                DECLARE
                  my_slot smallint := (pg_backend_pid() % 64)::smallint;
                  cells text;
                BEGIN
                  IF x0 IS NULL OR cardinality(x0) = 0 THEN
                    RETURN;
                  END IF;
                  WITH boxes AS (SELECT * FROM unnest(x0, y0, x1, y1) AS b(x0, y0, x1, y1)),
                  touched AS (SELECT DISTINCT x, y FROM boxes, generate_series(boxes.x0, boxes.x1) x, generate_series(boxes.y0, boxes.y1) y),
                  counted AS (
                    INSERT INTO tile_changes AS t (layer, cx, cy, slot, changes)
                    SELECT p_layer, x, y, my_slot, 1 FROM touched ORDER BY x, y
                    ON CONFLICT (layer, cx, cy, slot) DO UPDATE SET changes = t.changes + 1
                    RETURNING t.cx, t.cy, t.changes)
                  SELECT string_agg(cx || ':' || cy || ':' || changes, ' ') INTO cells FROM counted;
                  PERFORM pg_notify('tile_changes', p_layer || ' ' || my_slot || ' ' || CASE WHEN length(cells) <= 7800 THEN cells ELSE '*' END);
                END
                $$;

                -- Trigger: TG_ARGV[0] the layer; TG_ARGV[1] a query over the transition tables giving the changed geometries
                -- as g (none: the whole layer, the "everywhere" cell). Dynamic SQL sees the transition tables.
                CREATE FUNCTION tile_changed() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_NARGS < 2 OR TG_OP = 'TRUNCATE' THEN
                    PERFORM tile_touch(TG_ARGV[0], ARRAY[1000000], ARRAY[1000000], ARRAY[1000000], ARRAY[1000000]);
                  ELSE
                    EXECUTE format(
                      'SELECT tile_touch(%L, array_agg(x0), array_agg(y0), array_agg(x1), array_agg(y1)) FROM ('
                      || 'SELECT DISTINCT floor(ST_XMin(g) * 8)::int AS x0, floor(ST_YMin(g) * 8)::int AS y0,'
                      || ' floor(ST_XMax(g) * 8)::int AS x1, floor(ST_YMax(g) * 8)::int AS y1'
                      || ' FROM (%s) s WHERE g IS NOT NULL AND NOT ST_IsEmpty(g)) b', TG_ARGV[0], TG_ARGV[1]);
                  END IF;
                  RETURN NULL;
                END
                $$;
                """);

            Triggers(migrationBuilder, "facilities", "facilities", "geometry");
            Triggers(migrationBuilder, "road_segments", "roads", "geometry");
            Triggers(migrationBuilder, "defects", "defects", "location");
            // A duplicate counts on its primary: the primary's cells change with it.
            Triggers(migrationBuilder, "reports", "reports", "location",
                "SELECT p.location AS g FROM {rows} c JOIN reports p ON p.id = c.duplicate_of_id");
            // The inspection state of a facility follows its inspections.
            migrationBuilder.Sql("""
                CREATE TRIGGER tile_changed_insert AFTER INSERT ON inspections REFERENCING NEW TABLE AS changed
                  FOR EACH STATEMENT EXECUTE FUNCTION tile_changed('facilities', 'SELECT f.geometry AS g FROM facilities f WHERE f.id IN (SELECT facility_id FROM changed)');
                CREATE TRIGGER tile_changed_update AFTER UPDATE ON inspections REFERENCING OLD TABLE AS gone NEW TABLE AS changed
                  FOR EACH STATEMENT EXECUTE FUNCTION tile_changed('facilities', 'SELECT f.geometry AS g FROM facilities f WHERE f.id IN (SELECT facility_id FROM changed UNION SELECT facility_id FROM gone)');
                CREATE TRIGGER tile_changed_delete AFTER DELETE ON inspections REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION tile_changed('facilities', 'SELECT f.geometry AS g FROM facilities f WHERE f.id IN (SELECT facility_id FROM gone)');
                CREATE TRIGGER tile_changed_truncate AFTER TRUNCATE ON inspections
                  FOR EACH STATEMENT EXECUTE FUNCTION tile_changed('facilities');
                CREATE TRIGGER tile_changed_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON facility_kind_intervals
                  FOR EACH STATEMENT EXECUTE FUNCTION tile_changed('facilities');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in new[] { "facilities", "road_segments", "defects", "reports", "inspections" })
            {
                migrationBuilder.Sql($"""
                    DROP TRIGGER IF EXISTS tile_changed_insert ON {table};
                    DROP TRIGGER IF EXISTS tile_changed_update ON {table};
                    DROP TRIGGER IF EXISTS tile_changed_delete ON {table};
                    DROP TRIGGER IF EXISTS tile_changed_truncate ON {table};
                    """);
            }

            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS tile_changed_write ON facility_kind_intervals;
                DROP FUNCTION IF EXISTS tile_changed();
                DROP FUNCTION IF EXISTS tile_touch(text, int[], int[], int[], int[]);
                DROP TABLE IF EXISTS tile_changes;
                """);
        }

        /// <summary>
        /// Statement-level triggers of a table whose rows are drawn on <paramref name="layer"/> at <paramref name="column"/>:
        /// the new rows of an INSERT, the old and the new of an UPDATE, the old of a DELETE; <paramref name="extra"/>, a
        /// query over <c>{rows}</c>, adds geometries the rows change elsewhere.
        /// </summary>
        private static void Triggers(MigrationBuilder migrationBuilder, string table, string layer, string column, string extra = null)
        {
            string Of(params string[] rows) => string.Join(" UNION ALL ", rows.SelectMany(r =>
                new[] { $"SELECT {column} AS g FROM {r}" }.Concat(extra is null ? [] : [extra.Replace("{rows}", r, StringComparison.Ordinal)])))
                .Replace("'", "''", StringComparison.Ordinal);

            migrationBuilder.Sql($"""
                CREATE TRIGGER tile_changed_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS changed
                  FOR EACH STATEMENT EXECUTE FUNCTION tile_changed('{layer}', '{Of("changed")}');
                CREATE TRIGGER tile_changed_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS gone NEW TABLE AS changed
                  FOR EACH STATEMENT EXECUTE FUNCTION tile_changed('{layer}', '{Of("gone", "changed")}');
                CREATE TRIGGER tile_changed_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone
                  FOR EACH STATEMENT EXECUTE FUNCTION tile_changed('{layer}', '{Of("gone")}');
                CREATE TRIGGER tile_changed_truncate AFTER TRUNCATE ON {table}
                  FOR EACH STATEMENT EXECUTE FUNCTION tile_changed('{layer}');
                """);
        }
    }
}
