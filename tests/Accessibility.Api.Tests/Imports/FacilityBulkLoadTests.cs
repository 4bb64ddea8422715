using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Cli;
using Accessibility.Api.Features.Imports;
using Microsoft.Extensions.Configuration;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Imports;

/// <summary>
/// A large first import of a source is a bulk load (indexes and foreign keys of facilities rebuilt once, change stamps
/// set-based): its result is the row-by-row import's, and a failure leaves the registry as it was. "Large" is lowered to
/// a few rows here through <see cref="FacilityImporter.BulkLoadRowsKey"/>.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class FacilityBulkLoadTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Mapping = """
        { "format": "geojson", "crs": "WGS84", "externalId": "fid", "name": "title", "kind": "type", "attributesJson": "attrs" }
        """;

    // Index definitions, foreign keys and triggers' states of facilities and of the tiles' facility_state: what a bulk load
    // takes down and puts back.
    private const string ShapeSql = """
        SELECT string_agg(x, E'\n' ORDER BY x) FROM (
          SELECT pg_get_indexdef(indexrelid) AS x FROM pg_index WHERE indrelid IN ('facilities'::regclass, 'facility_state'::regclass)
          UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN ('facilities'::regclass, 'facility_state'::regclass)
          UNION ALL SELECT tgname || ' ' || tgenabled::text FROM pg_trigger
                    WHERE tgrelid IN ('facilities'::regclass, 'facility_state'::regclass) AND NOT tgisinternal) s
        """;

    // The tiles' cluster cells (every zoom), without the id sums (the two imports' facilities have different ids).
    private const string CellsSql = """
        SELECT coalesce(string_agg(concat_ws('|', z, cx, cy, status, due_day) || '=' || concat_ws('|', n, sum_lon, sum_lat), ',' ORDER BY z, cx, cy, status, due_day), '')
        FROM facility_cluster_cells
        """;

    // Every coverage change counter, so that the stamps an import adds can be compared.
    // The districts' stamps; the key '' (every district at once) is left out: the command's own start-up bumps it (it
    // brings the kinds' inspection intervals up to date), whatever the import does.
    private const string StampsSql = "SELECT coalesce(string_agg(district_key || '=' || total, ',' ORDER BY district_key), '') FROM (SELECT district_key, sum(changes) AS total FROM coverage_changes WHERE district_key <> '' GROUP BY 1) s";

    private readonly string folder = Directory.CreateTempSubdirectory("bulk-load-").FullName;

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(int Exit, string Out, string Error)> CliAsync(int bulkLoadRows, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RegistryCli.RunAsync(["import-facilities", .. args], new CliContext(output, error, TextReader.Null, builder =>
        {
            registry.ConfigureHost(builder);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [FacilityImporter.BulkLoadRowsKey] = bulkLoadRows.ToString(CultureInfo.InvariantCulture) });
        }));
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    // Two toilets (whose stamps reach the neighbouring counties) and two ramps in Yongji, one of them inside a community grid.
    private static string File4(string name = "坡道") => new JsonObject
    {
        ["type"] = "FeatureCollection",
        ["features"] = new JsonArray(
            Feature("t1", "厕所一", "accessible_toilet", Yongji, new JsonObject { ["door_width_mm"] = 850 }),
            Feature("t2", "厕所二", "accessible_toilet", YongjiEast, new JsonObject { ["door_width_mm"] = 900, ["grab_bars"] = true }),
            Feature("r1", name, "curb_ramp", (Yongji.Lon + 0.001, Yongji.Lat), new JsonObject { ["curb_ramp_type"] = "full_width" }),
            Feature("r2", "坡道二", "curb_ramp", (110.4000, 34.8500), new JsonObject { ["curb_ramp_type"] = "three_sided" })),
    }.ToJsonString();

    private static JsonObject Feature(string id, string name, string kind, (double Lon, double Lat) at, JsonObject attributes) => new()
    {
        ["type"] = "Feature",
        ["geometry"] = Point(at),
        ["properties"] = new JsonObject { ["fid"] = id, ["title"] = name, ["type"] = kind, ["attrs"] = attributes },
    };

    private Task AddGridAroundYongjiAsync() => registry.ScalarAsync<int>(
        """
        INSERT INTO community_grids (code, name, township_code, county_code, boundary, source)
        VALUES ('140881001001', '测试网格', '140881001', '140881', ST_Multi(ST_MakeEnvelope(110.44, 34.86, 110.455, 34.875, 4490)), 'test')
        RETURNING 1
        """);

    // What a user sees of a source's facilities: every field but the id and the times.
    private Task<string?> FacilitiesOfAsync(string source) => registry.ScalarAsync<string>(
        """
        SELECT string_agg(concat_ws('|', external_id, kind, name, status, attributes::text, ST_AsText(geometry), district_code, township_code, grid_code,
                                    valid_from IS NOT NULL, recorded_at IS NOT NULL), E'\n' ORDER BY external_id)
        FROM facilities WHERE source = $1
        """, source);

    // The tiles' kept state of a source's facilities.
    private Task<string?> StateOfAsync(string source) => registry.ScalarAsync<string>(
        """
        SELECT string_agg(concat_ws('|', f.external_id, s.live, s.kind, s.status, ST_AsText(s.pt), s.mx, s.my, s.due_at), E'\n' ORDER BY f.external_id)
        FROM facility_state s JOIN facilities f ON f.id = s.facility_id WHERE f.source = $1
        """, source);

    private async Task<Dictionary<string, decimal[]>> CellsAsync() => ((await registry.ScalarAsync<string>(CellsSql)) ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split('='))
        .ToDictionary(c => c[0], c => c[1].Split('|').Select(v => decimal.Parse(v, CultureInfo.InvariantCulture)).ToArray());

    // What an import added to the cells: key and the added count and coordinate sums.
    private static string[] CellsAdded(Dictionary<string, decimal[]> before, Dictionary<string, decimal[]> after) =>
        after.Select(a => (a.Key, Added: a.Value.Select((v, i) => v - (before.TryGetValue(a.Key, out var b) ? b[i] : 0)).ToArray()))
            .Where(a => a.Added.Any(v => v != 0))
            .Select(a => a.Key + "+" + string.Join("|", a.Added.Select(v => v.ToString(CultureInfo.InvariantCulture))))
            .Order(StringComparer.Ordinal).ToArray();

    private async Task<Dictionary<string, long>> StampsAsync()
    {
        var text = await registry.ScalarAsync<string>(StampsSql) ?? "";
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    private static string[] Stamped(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.Where(a => a.Value != before.GetValueOrDefault(a.Key)).Select(a => a.Key + "+" + (a.Value - before.GetValueOrDefault(a.Key))).Order(StringComparer.Ordinal).ToArray();

    private Task<long> IndexOidSumAsync() => registry.ScalarAsync<long>("SELECT sum(indexrelid::oid::bigint)::bigint FROM pg_index WHERE indrelid = 'facilities'::regclass");

    [Fact]
    public async Task A_bulk_load_writes_what_the_row_by_row_import_writes_with_placement_grid_stamps_and_audit()
    {
        await AddGridAroundYongjiAsync();
        var mapping = Write("mapping.json", Mapping);
        var file = Write("four.geojson", File4());
        var shape = await registry.ScalarAsync<string>(ShapeSql);

        // Row by row: four rows are fewer than the bulk load's least.
        var stamps = await StampsAsync();
        var cells = await CellsAsync();
        var (exit, output, error) = await CliAsync(1000, "--file", file, "--mapping", mapping, "--source", "rows");
        Assert.True(exit == 0, error);
        Assert.Contains("4 new", output, StringComparison.Ordinal);
        var rowStamps = Stamped(stamps, await StampsAsync());
        var rowCells = CellsAdded(cells, await CellsAsync());
        Assert.Equal(16 * 4, rowCells.Sum(c => int.Parse(c.Split('+')[1].Split('|')[0], CultureInfo.InvariantCulture))); // 4 facilities at each of zooms 0-15

        // Bulk load: four rows, at least the least (2) and at least the four facilities already there.
        var indexes = await IndexOidSumAsync();
        stamps = await StampsAsync();
        cells = await CellsAsync();
        (exit, output, error) = await CliAsync(2, "--file", file, "--mapping", mapping, "--source", "bulk");
        Assert.True(exit == 0, error);
        Assert.Contains("4 new", output, StringComparison.Ordinal);
        Assert.NotEqual(indexes, await IndexOidSumAsync()); // the indexes were built again…
        Assert.Equal(shape, await registry.ScalarAsync<string>(ShapeSql)); // …as they were, with the foreign keys and the trigger on

        var rows = await FacilitiesOfAsync("rows");
        Assert.Equal(rows, await FacilitiesOfAsync("bulk"));
        // Placed in county and grid (the test database holds no township boundaries, so no township), with both times.
        Assert.Contains("|140881|140881001001|t|t", rows, StringComparison.Ordinal);
        Assert.Equal(rowStamps, Stamped(stamps, await StampsAsync()));
        Assert.Contains("140881+1", rowStamps);
        // The tiles' kept state and cluster cells, written set-based by the bulk load, are what the triggers write row by row.
        Assert.Equal(4, (await StateOfAsync("bulk"))?.Split('\n').Length);
        Assert.Equal(await StateOfAsync("rows"), await StateOfAsync("bulk"));
        Assert.Equal(rowCells, CellsAdded(cells, await CellsAsync()));
        Assert.True(rowStamps.Length > 1, "a toilet's change reaches the counties within 0.1°: " + string.Join(", ", rowStamps));
        Assert.Equal("bulk|4|4|0", await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', after->>'source', after->>'rows', after->>'inserted', after->>'updated') FROM audit_entries WHERE action = 'import' AND entity_type = 'facility-import' AND entity_id = 'bulk'"));

        // A re-import of the source updates through the unique key the bulk load built again.
        (exit, output, error) = await CliAsync(2, "--file", Write("again.geojson", File4("坡道（改）")), "--mapping", mapping, "--source", "bulk");
        Assert.True(exit == 0, error);
        Assert.Contains("0 new, 4 updated", output, StringComparison.Ordinal);
        // The replaced version is kept in the history (docs/history.md: up to two rows a change, the old belief and the new
        // belief about the past), and the registry holds the new name.
        Assert.NotEqual(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities_history WHERE source = 'bulk' AND external_id = 'r1' AND name = '坡道'"));
        Assert.Equal("坡道（改）", await registry.ScalarAsync<string>("SELECT name FROM facilities WHERE source = 'bulk' AND external_id = 'r1'"));
    }

    [Fact]
    public async Task A_bulk_load_keeps_the_toilet_reach_of_its_demand_points_and_of_those_already_there()
    {
        // A bus stop already registered, about 180 m from the toilet the load brings; a building far from every toilet.
        await registry.ScalarAsync<int>(
            """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
            VALUES ('bus_stop', '站', ST_SetSRID(ST_MakePoint(110.4490, 34.8670), 4490), '{}', 'operational', '140881', 'test', 's0', now(), now()),
                   ('public_building', '楼', ST_SetSRID(ST_MakePoint(110.4000, 34.8500), 4490), '{}', 'operational', '140881', 'test', 'b0', now(), now())
            RETURNING 1
            """);
        var file = Write("reach.geojson", new JsonObject
        {
            ["type"] = "FeatureCollection",
            ["features"] = new JsonArray(
                Feature("t1", "厕所", "accessible_toilet", Yongji, new JsonObject { ["door_width_mm"] = 850 }),
                Feature("s1", "车站", "bus_stop", (Yongji.Lon + 0.001, Yongji.Lat), new JsonObject()),
                Feature("b1", "楼二", "public_building", (110.4700, 34.9000), new JsonObject { ["subtype"] = "government" })),
        }.ToJsonString());
        var (exit, output, error) = await CliAsync(2, "--file", file, "--mapping", Write("mapping.json", Mapping), "--source", "bulk");
        Assert.True(exit == 0, error);
        Assert.Contains("3 new", output, StringComparison.Ordinal);

        Assert.Equal(0, await registry.ScalarAsync<long>(Coverage.ToiletReachKeptTests.MismatchSql));
        Assert.Equal(4, await registry.ScalarAsync<long>("SELECT count(*) FROM facility_toilet_reach"));
        Assert.Equal("s0,s1", await registry.ScalarAsync<string>(
            "SELECT string_agg(f.external_id, ',' ORDER BY f.external_id) FROM facility_toilet_reach k JOIN facilities f ON f.id = k.facility_id WHERE k.covered"));
    }

    [Fact]
    public async Task A_bulk_load_that_fails_leaves_facilities_their_indexes_and_the_stamps_as_they_were()
    {
        var mapping = Write("mapping.json", Mapping);
        var (exit, _, error) = await CliAsync(1000, "--file", Write("first.geojson", File4()), "--mapping", mapping, "--source", "earlier");
        Assert.True(exit == 0, error);
        var shape = await registry.ScalarAsync<string>(ShapeSql);
        var indexes = await IndexOidSumAsync();
        var stamps = await registry.ScalarAsync<string>(StampsSql);
        var facilities = await FacilitiesOfAsync("earlier");
        // A fault in the write phase, after the indexes are down: a row the database refuses (no validation of the import sees it).
        await registry.ScalarAsync<int>(
            """
            CREATE FUNCTION test_refuse_ramp() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.name = '拒收' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER test_refuse_ramp BEFORE INSERT ON facilities FOR EACH ROW EXECUTE FUNCTION test_refuse_ramp();
            SELECT 1
            """);
        try
        {
            var failure = await Assert.ThrowsAsync<PostgresException>(() => CliAsync(2, "--file", Write("bad.geojson", File4("拒收")), "--mapping", mapping, "--source", "bulk"));
            Assert.Contains("refused by the test", failure.MessageText, StringComparison.Ordinal);
        }
        finally
        {
            await registry.ScalarAsync<int>("DROP TRIGGER test_refuse_ramp ON facilities; DROP FUNCTION test_refuse_ramp(); SELECT 1");
        }

        Assert.Equal(shape, await registry.ScalarAsync<string>(ShapeSql));
        Assert.Equal(indexes, await IndexOidSumAsync()); // the very same indexes, never dropped for good
        Assert.Equal(stamps, await registry.ScalarAsync<string>(StampsSql));
        Assert.Equal(facilities, await FacilitiesOfAsync("earlier"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'bulk'"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_id = 'bulk'"));
    }

    [Fact]
    public async Task A_bulk_load_begun_and_not_ended_cannot_commit()
    {
        var shape = await registry.ScalarAsync<string>(ShapeSql);
        await using (var connection = new NpgsqlConnection(registry.RuntimeConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var begin = new NpgsqlCommand("SELECT registry_facilities_bulk_begin()", connection, transaction))
            {
                await begin.ExecuteNonQueryAsync();
            }

            var refused = await Assert.ThrowsAsync<PostgresException>(() => transaction.CommitAsync());
            Assert.Equal("55000", refused.SqlState);
        }

        Assert.Equal(shape, await registry.ScalarAsync<string>(ShapeSql));
    }
}
