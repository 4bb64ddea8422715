using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Tiles;

/// <summary>
/// The facility tiles read from what is kept ready (facility_state, facility_cluster_cells: migration FacilityTileState)
/// give the same clusters, counts and breakdowns as the per-request clustering they replace, at every zoom, and follow
/// every write in the writing transaction. The expected tiles are made here by that former statement, run on the raw
/// facilities and inspections (<see cref="PerRequestClusters"/>), never from the kept tables.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class TileSummaryTests(RegistryFixture registry) : IAsyncLifetime
{
    // Three clumps over two counties' worth of Shanxi, a line facility among them, so that cells of one, many and
    // ring cells occur at every zoom.
    private static readonly (double Lon, double Lat, double Spread)[] Clumps = [(112.55, 37.87, 0.004), (112.70, 37.80, 0.02), (111.30, 36.10, 0.001)];

    private const string Fixture = """
        UPDATE facility_kind_intervals SET months = 6 WHERE kind = 'ramp';
        INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at, deleted_at)
        SELECT (ARRAY['accessible_toilet', 'ramp', 'curb_ramp'])[1 + i % 3], 'fixture ' || i,
               CASE WHEN i % 97 = 0
                 THEN ST_SetSRID(ST_MakeLine(ST_MakePoint(c.lon + 0.3 * c.spread * sin(i), c.lat), ST_MakePoint(c.lon + 0.3 * c.spread * sin(i) + 0.002, c.lat + 0.001)), 4490)
                 ELSE ST_SetSRID(ST_MakePoint(c.lon + c.spread * sin(i * 1.7), c.lat + c.spread * cos(i * 2.3)), 4490) END,
               '{}', (ARRAY['operational', 'operational', 'defective_usable', 'unusable'])[1 + i % 4], '140881', 'test', 'S' || i,
               now(), now(), CASE WHEN i % 23 = 0 THEN now() END
        FROM generate_series(1, 360) i
        JOIN (VALUES (0, @lon0, @lat0, @s0), (1, @lon1, @lat1, @s1), (2, @lon2, @lat2, @s2)) c(k, lon, lat, spread) ON c.k = i % 3;
        -- Inspections so that every state occurs: overdue, due within 30 days, on time, never, and due early and late on
        -- the day of now() and of now() + 30 days (the due days the tiles judge one by one: early and late, so that no
        -- facility changes state while the test runs, unless it runs at midnight UTC); some facilities twice (the last counts).
        INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                 facility_status, answers, photo_ids, source, created_at)
        SELECT gen_random_uuid(), 'test', f.id, f.district_code, '测试检查员',
               CASE f.id % 8 WHEN 0 THEN now() - interval '13 months'
                             WHEN 1 THEN now() - interval '11 months' - interval '20 days'
                             WHEN 2 THEN now() - interval '2 months'
                             ELSE (date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
                                  + CASE WHEN f.id % 8 IN (5, 6) THEN interval '30 days' ELSE interval '0 days' END
                                  + CASE WHEN f.id % 2 = 0 THEN interval '1 minute' ELSE interval '23 hours 59 minutes' END
                                  - make_interval(months => COALESCE((SELECT k.months FROM facility_kind_intervals k WHERE k.kind = f.kind), 12)) END,
               'pass', f.status, '[]'::jsonb, '{}', 'test', now()
        FROM facilities f WHERE f.id % 5 <> 0;
        INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                 facility_status, answers, photo_ids, source, created_at)
        SELECT gen_random_uuid(), 'test', f.id, f.district_code, '测试检查员', now() - interval '3 years', 'fail', f.status, '[]'::jsonb, '{}', 'test', now()
        FROM facilities f WHERE f.id % 7 = 0;
        """;

    /// <summary>
    /// The facility cluster statement as the tiles ran it per request before issue 16 (TileSql.FacilityClusters with
    /// the correlated inspection state of InspectionSql), from the raw tables only; <c>{filter}</c> as the tiles'.
    /// </summary>
    private const string PerRequestClusters = """
        WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS env),
        bb AS (SELECT env, ST_Transform(ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) / @grid), 4490) AS box FROM b)
        , src AS (
          SELECT f.id, f.kind, f.name, f.status, f.district_code, f.township_code,
                 (SELECT CASE WHEN s.due IS NULL THEN 'never' WHEN s.due < now() THEN 'overdue'
                              WHEN s.due < now() + interval '30 days' THEN 'due_soon' ELSE 'on_time' END
                  FROM (SELECT ((SELECT max(i.inspected_at) FROM inspections i WHERE i.facility_id = f.id)
                        + make_interval(months => COALESCE((SELECT k.months FROM facility_kind_intervals k WHERE k.kind = f.kind), 12))) AS due) s) AS inspection_state,
                 ST_PointOnSurface(f.geometry) AS pt
          FROM facilities f, bb
          WHERE f.deleted_at IS NULL AND f.geometry && bb.box {filter})
        , cells AS (
          SELECT src.*,
                 floor((ST_X(src.pt) + 180.0) / 360.0 * (2.0 ^ @z) * @grid) AS cx,
                 floor((1 - ln(tan(radians(ST_Y(src.pt))) + 1 / cos(radians(ST_Y(src.pt)))) / pi()) / 2 * (2.0 ^ @z) * @grid) AS cy
          FROM src)
        , mvt AS (
          SELECT count(*) AS count,
                 CASE WHEN count(*) = 1 THEN min(cells.id) END AS id,
                 CASE WHEN count(*) = 1 THEN min(cells.kind) END AS kind,
                 CASE WHEN count(*) = 1 THEN min(cells.name) END AS name,
                 CASE WHEN count(*) = 1 THEN min(cells.status) END AS status,
                 CASE WHEN count(*) = 1 THEN min(cells.district_code) END AS "districtCode",
                 CASE WHEN count(*) = 1 THEN min(cells.township_code) END AS "townshipCode",
                 CASE WHEN count(*) = 1 THEN min(cells.inspection_state) END AS "inspectionState",
                 CASE WHEN count(*) > 1 THEN (SELECT json_object_agg(v, n ORDER BY v)::text FROM (SELECT v, count(*) AS n FROM unnest(array_agg(cells.status)) v GROUP BY v) s) END AS statuses,
                 CASE WHEN count(*) > 1 THEN (SELECT json_object_agg(v, n ORDER BY v)::text FROM (SELECT v, count(*) AS n FROM unnest(array_agg(cells.inspection_state)) v GROUP BY v) s) END AS "inspectionStates",
                 ST_AsMVTGeom(ST_Transform(ST_Centroid(ST_Collect(cells.pt)), 3857), (SELECT env FROM b), 4096, 640, false) AS geom
          FROM cells
          GROUP BY cells.cx, cells.cy)
        SELECT ST_AsMVT(mvt, 'facilities', 4096, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
        """;

    // The catalog's interval of ramps, put back when done (the fixture changes it).
    private int rampMonths;

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await using (var connection = new NpgsqlConnection(registry.ConnectionString))
        {
            await connection.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT months FROM facility_kind_intervals WHERE kind = 'ramp'", connection);
            rampMonths = (int)(await read.ExecuteScalarAsync())!;
        }

        await ExecuteAsync(Fixture, command =>
        {
            for (var k = 0; k < Clumps.Length; k++)
            {
                command.Parameters.AddWithValue("lon" + k, Clumps[k].Lon);
                command.Parameters.AddWithValue("lat" + k, Clumps[k].Lat);
                command.Parameters.AddWithValue("s" + k, Clumps[k].Spread);
            }
        });
    }

    public async Task DisposeAsync() =>
        await ExecuteAsync("UPDATE facility_kind_intervals SET months = @months WHERE kind = 'ramp'", c => c.Parameters.AddWithValue("months", rampMonths));

    /// <summary>
    /// Waits until the service knows every write to the tile's area (its change stamps arrive by NOTIFY within
    /// milliseconds: a tile read sooner may still be served from the service's tile cache, docs/map-layers.md).
    /// </summary>
    private async Task CaughtUpAsync(int z, int x, int y)
    {
        var stamps = registry.Services.GetRequiredService<Accessibility.Api.Features.Tiles.TileStamps>();
        var cells = Accessibility.Api.Features.Tiles.TileCells.Of(z, x, y);
        for (var i = 0; i < 500; i++)
        {
            await using var connection = new NpgsqlConnection(registry.ConnectionString);
            await connection.OpenAsync();
            var stored = await Accessibility.Api.Features.Tiles.TileStampsSql.StampAsync(connection, "facilities", cells, CancellationToken.None);
            if (stamps.TryStamp("facilities", cells, out var known) && known == stored)
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("Waited 10 s for the service to know the writes to the facilities layer.");
    }

    private async Task ExecuteAsync(string sql, Action<NpgsqlCommand>? parameters = null)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        parameters?.Invoke(command);
        await command.ExecuteNonQueryAsync();
    }

    private static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var rad = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n);
        return (x, y);
    }

    /// <summary>The tiles at <paramref name="z"/> holding a fixture facility: each clump's centre tile and its neighbours.</summary>
    private static IEnumerable<(int X, int Y)> TilesAt(int z) => Clumps
        .SelectMany(c => from dx in new[] { -1, 0, 1 } from dy in new[] { -1, 0, 1 } select (TileOf(c.Lon, c.Lat, z).X + dx, TileOf(c.Lon, c.Lat, z).Y + dy))
        .Where(t => t.Item1 >= 0 && t.Item2 >= 0 && t.Item1 < 1 << z && t.Item2 < 1 << z)
        .Distinct();

    private static int Grid(int z) => z <= 12 ? 8 : 16;

    private async Task<byte[]> ExpectedAsync(int z, int x, int y, string? kind = null)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(PerRequestClusters.Replace("{filter}", kind is null ? "" : "AND f.kind = @kind", StringComparison.Ordinal), connection);
        command.Parameters.AddWithValue("z", z);
        command.Parameters.AddWithValue("x", x);
        command.Parameters.AddWithValue("y", y);
        command.Parameters.AddWithValue("grid", Grid(z));
        if (kind is not null)
        {
            command.Parameters.AddWithValue("kind", kind);
        }

        return await command.ExecuteScalarAsync() as byte[] ?? [];
    }

    /// <summary>A tile's features whose point lies in the tile proper, as a client counts them, in a comparable form.</summary>
    private static List<(string Key, Point At)> Comparable(byte[] tile, int z, int x, int y)
    {
        if (tile.Length == 0)
        {
            return [];
        }

        var layers = Mvt.Read(tile, z, x, y);
        if (!layers.TryGetValue("facilities", out var features))
        {
            return [];
        }

        return features
            .Where(f => TileOf(((Point)f.Geometry).X, ((Point)f.Geometry).Y, z) == (x, y))
            .Select(f => (Key: string.Join("|", f.Count, f.Id, f["kind"], f["name"], f["status"], f["districtCode"], f["inspectionState"], f["statuses"], f["inspectionStates"]),
                At: (Point)f.Geometry))
            .OrderBy(f => f.Key, StringComparer.Ordinal).ThenBy(f => f.At.X).ThenBy(f => f.At.Y)
            .ToList();
    }

    /// <summary>Asserts that every tile of the fixture at every clustered zoom is the per-request statement's.</summary>
    private async Task AssertSameAsPerRequestAsync(HttpClient client, IEnumerable<int> zooms, string? kind = null)
    {
        var features = 0;
        foreach (var z in zooms)
        {
            // one unit of the tile's 4096 grid in degrees of longitude: a mean of points may round to the next unit
            var unit = 360.0 / (1L << z) / 4096;
            // The former statement finds nothing in a tile at the world's east or west edge: its ring, expanded past
            // ±180°, wraps around to the other side of the world (zooms 1 and 2 here). Those tiles are checked by
            // their totals (Every_live_facility_is_in_the_tiles_at_the_world_s_edge).
            foreach (var (x, y) in TilesAt(z).Where(t => z == 0 || (t.X > 0 && t.X < (1 << z) - 1)))
            {
                var path = string.Create(CultureInfo.InvariantCulture, $"/tiles/facilities/{z}/{x}/{y}.mvt") + (kind is null ? "" : "?kind=" + kind);
                await CaughtUpAsync(z, x, y);
                var actual = Comparable(await client.GetByteArrayAsync(Url(path)), z, x, y);
                var expected = Comparable(await ExpectedAsync(z, x, y, kind), z, x, y);
                Assert.True(expected.Select(e => e.Key).SequenceEqual(actual.Select(a => a.Key)),
                    $"{path}:\nexpected {string.Join("; ", expected.Select(e => e.Key))}\nactual   {string.Join("; ", actual.Select(a => a.Key))}");
                foreach (var (e, a) in expected.Zip(actual))
                {
                    Assert.True(Math.Abs(e.At.X - a.At.X) <= 1.01 * unit && Math.Abs(e.At.Y - a.At.Y) <= 1.01 * unit,
                        $"{path}: {e.Key} at {e.At} and {a.At}");
                }

                features += expected.Count;
            }
        }

        Assert.True(features > 0, "the fixture's tiles hold facilities");
    }

    [Fact]
    public async Task Every_zoom_has_the_same_clusters_counts_and_breakdowns_as_per_request_clustering()
    {
        using var client = registry.CreateClient();
        await AssertSameAsPerRequestAsync(client, Enumerable.Range(0, 16));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Every_live_facility_is_in_the_tiles_at_the_world_s_edge(int z)
    {
        using var client = registry.CreateClient();
        long total = 0;
        foreach (var (x, y) in TilesAt(z))
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"/tiles/facilities/{z}/{x}/{y}.mvt");
            var tile = await client.GetByteArrayAsync(Url(path));
            if (tile.Length > 0 && Mvt.Read(tile, z, x, y).TryGetValue("facilities", out var features))
            {
                total += features.Where(f => TileOf(((Point)f.Geometry).X, ((Point)f.Geometry).Y, z) == (x, y)).Sum(f => f.Count);
            }
        }

        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var live = new NpgsqlCommand("SELECT count(*) FROM facilities WHERE deleted_at IS NULL", connection);
        Assert.Equal((long)(await live.ExecuteScalarAsync())!, total);
    }

    /// <summary>
    /// The cells keep due days bucketed against a reference day R that a daily job moves (migration FacilityDueBuckets):
    /// whether R is today, a day behind (the job not yet run after midnight), far behind (the service stopped for weeks)
    /// or ahead (a clock set back), every tile is the per-request statement's; moving R re-buckets the cells exactly.
    /// </summary>
    [Fact]
    public async Task Every_zoom_is_the_same_whatever_the_reference_day_of_the_due_buckets()
    {
        using var client = registry.CreateClient();
        const string Today = "floor(extract(epoch FROM now()) / 86400)::integer";
        try
        {
            foreach (var days in new[] { -40, -1, 5, 0 })
            {
                // R moved, then a no-op write to the intervals so that every facility tile is rendered anew (the move
                // itself changes no tile, so it changes no stamp)
                await ExecuteAsync($"SELECT facility_due_reference_move({Today} + {days}); UPDATE facility_kind_intervals SET months = months WHERE kind = 'ramp'");
                Assert.Equal(days, await registry.ScalarAsync<int>($"SELECT day - {Today} FROM facility_due_reference"));
                await AssertSameAsPerRequestAsync(client, [3, 6, 10, 13, 15]);
            }
        }
        finally
        {
            await ExecuteAsync($"SELECT facility_due_reference_move({Today})");
        }
    }

    [Fact]
    public async Task A_filtered_tile_has_the_same_clusters_as_per_request_clustering()
    {
        using var client = registry.CreateClient();
        await AssertSameAsPerRequestAsync(client, [3, 8, 11, 13, 15], kind: "ramp");
    }

    [Fact]
    public async Task Every_write_changes_the_next_tile()
    {
        using var client = registry.CreateClient();
        const int z = 8; // read from the kept cells
        const int street = 14; // read from the kept cells of the street zooms (16 per tile side)
        var (x, y) = TileOf(Clumps[0].Lon, Clumps[0].Lat, z);
        var (sx, sy) = TileOf(Clumps[0].Lon, Clumps[0].Lat, street);

        async Task<(long Count, Dictionary<string, long> States)> TotalsAsync(int zz, int tx, int ty)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"/tiles/facilities/{zz}/{tx}/{ty}.mvt");
            await CaughtUpAsync(zz, tx, ty);
            var tile = await client.GetByteArrayAsync(Url(path));
            var features = Mvt.Read(tile, zz, tx, ty)["facilities"].Where(f => TileOf(((Point)f.Geometry).X, ((Point)f.Geometry).Y, zz) == (tx, ty)).ToList();
            var states = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var f in features)
            {
                var breakdown = f.Count > 1
                    ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>((string)f["inspectionStates"]!)!
                    : new Dictionary<string, long> { [(string)f["inspectionState"]!] = 1 };
                foreach (var (state, n) in breakdown)
                {
                    states[state] = states.GetValueOrDefault(state) + n;
                }
            }

            return (features.Sum(f => f.Count), states);
        }

        var before = await TotalsAsync(z, x, y);
        var streetBefore = await TotalsAsync(street, sx, sy);

        // a new facility at the clump's centre
        await ExecuteAsync("""
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
            VALUES ('ramp', '新坡道', ST_SetSRID(ST_MakePoint(@lon, @lat), 4490), '{}', 'operational', '140881', 'test', 'NEW', now(), now())
            """, c => { c.Parameters.AddWithValue("lon", Clumps[0].Lon); c.Parameters.AddWithValue("lat", Clumps[0].Lat); });
        var added = await TotalsAsync(z, x, y);
        Assert.Equal(before.Count + 1, added.Count);
        Assert.Equal(before.States.GetValueOrDefault("never") + 1, added.States["never"]);
        Assert.Equal(streetBefore.Count + 1, (await TotalsAsync(street, sx, sy)).Count);

        // its first inspection: never → on time
        await ExecuteAsync("""
            INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                     facility_status, answers, photo_ids, source, created_at)
            SELECT gen_random_uuid(), 'test', f.id, f.district_code, '测试检查员', now(), 'pass', f.status, '[]'::jsonb, '{}', 'test', now()
            FROM facilities f WHERE f.external_id = 'NEW'
            """);
        var inspected = await TotalsAsync(z, x, y);
        Assert.Equal(added.States["never"] - 1, inspected.States.GetValueOrDefault("never"));
        Assert.Equal(added.States.GetValueOrDefault("on_time") + 1, inspected.States["on_time"]);

        // ramps are now due every month: the new ramp, inspected today, stays on time; those inspected two months ago are overdue
        await ExecuteAsync("UPDATE facility_kind_intervals SET months = 1 WHERE kind = 'ramp'");
        var interval = await TotalsAsync(z, x, y);
        Assert.True(interval.States["overdue"] > inspected.States.GetValueOrDefault("overdue"));
        Assert.Equal(inspected.Count, interval.Count);

        // its deletion (soft, as the registry deletes) and a hard one
        await ExecuteAsync("UPDATE facilities SET deleted_at = now() WHERE external_id = 'NEW'");
        Assert.Equal(before.Count, (await TotalsAsync(z, x, y)).Count);
        Assert.Equal(streetBefore.Count, (await TotalsAsync(street, sx, sy)).Count);
        await ExecuteAsync("DELETE FROM inspections WHERE facility_id = (SELECT id FROM facilities WHERE external_id = 'S3'); DELETE FROM facilities WHERE external_id = 'S3'");
        Assert.Equal(before.Count - 1, (await TotalsAsync(z, x, y)).Count);

        // and after all of them, every zoom still as per-request clustering has it
        await AssertSameAsPerRequestAsync(client, Enumerable.Range(0, 16));
    }
}
