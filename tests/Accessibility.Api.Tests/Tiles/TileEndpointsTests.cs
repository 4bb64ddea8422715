using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Tiles;

[Collection(RegistryCollection.Name)]
public sealed class TileEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    private const int Zoom = 16;

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at, deleted_at)
            VALUES ('accessible_toilet', '西街公厕', ST_SetSRID(ST_MakePoint(110.4470, 34.8670), 4490), '{}', 'operational', '140881', 'test', 'T1', now(), now(), NULL),
                   ('ramp', '北门坡道', ST_SetSRID(ST_MakePoint(110.4480, 34.8675), 4490), '{}', 'unusable', '140881', 'test', 'R1', now(), now(), NULL),
                   ('ramp', '已删坡道', ST_SetSRID(ST_MakePoint(110.4481, 34.8676), 4490), '{}', 'operational', '140881', 'test', 'R2', now(), now(), now()),
                   ('accessible_toilet', '南街公厕', ST_SetSRID(ST_MakePoint(110.4475, 34.8672), 4490), '{}', 'operational', '140881', 'test', 'T2', now(), now(), NULL),
                   ('ramp', '远郊坡道', ST_SetSRID(ST_MakePoint(110.6000, 34.7800), 4490), '{}', 'operational', '140881', 'test', 'R3', now(), now(), NULL);
            INSERT INTO road_segments (name, road_class, geometry, sidewalk_width_m, curb_ramp_start, curb_ramp_end, tactile_paving,
                                       attributes, status, district_code, source, created_at, updated_at)
            VALUES ('舜都大道', 'main', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.446, 34.866), ST_MakePoint(110.449, 34.866)), 4490),
                    2.5, true, true, 'continuous', '{}', 'operational', '140881', 'test', now(), now()),
                   ('小巷', 'branch', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.446, 34.867), ST_MakePoint(110.447, 34.868)), 4490),
                    NULL, false, false, 'none', '{}', 'operational', '140881', 'test', now(), now());
            WITH i AS (
              INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                       facility_status, answers, photo_ids, source, created_at)
              SELECT gen_random_uuid(), 'test', f.id, f.district_code, '测试检查员', now(), 'fail', f.status, '[]'::jsonb, '{}', 'test', now()
              FROM facilities f WHERE f.external_id = 'T1' RETURNING id, facility_id)
            INSERT INTO defects (facility_id, inspection_id, district_code, item, severity, status, due_at, location, created_at, updated_at, closed_at)
            SELECT i.facility_id, i.id, '140881', 'door_width', s.severity, s.status, now() + interval '30 days',
                   ST_SetSRID(ST_MakePoint(110.4470, 34.8670), 4490), now(), now(), NULL
            FROM i CROSS JOIN (VALUES ('critical', 'open'), ('minor', 'verified')) s(severity, status);
            INSERT INTO defects (facility_id, inspection_id, district_code, item, severity, status, due_at, location, created_at, updated_at, closed_at)
            SELECT f.id, d.inspection_id, '140881', 'slope', 'minor', 'assigned', now() - interval '1 day', f.geometry, now(), now(), NULL
            FROM facilities f, (SELECT inspection_id FROM defects LIMIT 1) d WHERE f.external_id = 'R1';
            INSERT INTO reports (service_code, description, attributes, location, district_code, status, me_too_count, source, requested_at, updated_at,
                                 email, phone, first_name, duplicate_of_id)
            VALUES ('curb_ramp', '坡道被占', '{}', ST_SetSRID(ST_MakePoint(110.4472, 34.8671), 4490), '140881', 'new', 2, 'test', '2026-03-01T08:00:00Z', now(),
                    'reporter@example.org', '13800000000', '王', NULL),
                   ('accessible_toilet', '厕所门坏了', '{}', ST_SetSRID(ST_MakePoint(110.4476, 34.8673), 4490), '140881', 'accepted', 0, 'test', now(), now(),
                    NULL, NULL, NULL, NULL),
                   ('ramp', '已修好', '{}', ST_SetSRID(ST_MakePoint(110.4477, 34.8673), 4490), '140881', 'closed', 0, 'test', now(), now(), NULL, NULL, NULL, NULL);
            INSERT INTO reports (service_code, description, attributes, location, district_code, status, me_too_count, source, requested_at, updated_at, duplicate_of_id)
            SELECT 'curb_ramp', '同一处', '{}', location, '140881', 'new', 0, 'test', now(), now(), id FROM reports WHERE description = '坡道被占';
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var rad = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n);
        return (x, y);
    }

    private static (string Path, int Z, int X, int Y) Tile(string layer, int z = Zoom, string query = "")
    {
        var (x, y) = TileOf(110.4470, 34.8670, z);
        return (FormattableString.Invariant($"/tiles/{layer}/{z}/{x}/{y}.mvt{query}"), z, x, y);
    }

    private static string Path(string layer, int z = Zoom) => Tile(layer, z).Path;

    private async Task<List<TileFeature>> ReadAsync(HttpClient client, string layer, int z, string query = "")
    {
        var (path, zz, x, y) = Tile(layer, z, query);
        var layers = Mvt.Read(await client.GetByteArrayAsync(Url(path)), zz, x, y);
        return layers.TryGetValue(layer, out var features) ? features : [];
    }

    /// <summary>Whether a feature's point lies in the tile proper (not in its buffer ring), as a client counts it.</summary>
    private static bool InTile(TileFeature f, int z)
    {
        var p = (Point)f.Geometry;
        var (x, y) = TileOf(p.X, p.Y, z);
        return (x, y) == TileOf(110.4470, 34.8670, z);
    }

    private static Dictionary<string, int> Breakdown(object? json) =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(Assert.IsType<string>(json))!;

    [Fact]
    public async Task Facilities_tile_holds_the_live_facilities_with_status_and_inspection_state_and_answers_304()
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(Path("facilities")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("max-age", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);

        var (_, z, x, y) = Tile("facilities");
        var features = Mvt.Read(await response.Content.ReadAsByteArrayAsync(), z, x, y)["facilities"];
        Assert.Equal(3, features.Count); // the deleted ramp is not served, the far one is not in this tile
        Assert.All(features, f => Assert.Null(f["count"]));
        var toilet = features.Single(f => (string?)f["name"] == "西街公厕");
        Assert.IsType<Point>(toilet.Geometry);
        Assert.Equal(110.4470, toilet.Geometry.Coordinate.X, 3);
        Assert.Equal(34.8670, toilet.Geometry.Coordinate.Y, 3);
        Assert.NotNull(toilet.Id);
        Assert.Equal("accessible_toilet", toilet["kind"]);
        Assert.Equal("operational", toilet["status"]);
        Assert.Equal("on_time", toilet["inspectionState"]);
        var ramp = features.Single(f => (string?)f["kind"] == "ramp");
        Assert.Equal("unusable", ramp["status"]);
        Assert.Equal("never", ramp["inspectionState"]);

        using var again = new HttpRequestMessage(HttpMethod.Get, Url(Path("facilities")));
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var other = new HttpRequestMessage(HttpMethod.Get, Url(Path("facilities")));
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"stale\""));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(other)).StatusCode);
    }

    [Fact]
    public async Task Facilities_of_one_kind()
    {
        using var client = registry.CreateClient();
        var toilets = await ReadAsync(client, "facilities", Zoom, "?kind=accessible_toilet");
        Assert.Equal(["南街公厕", "西街公厕"], toilets.Select(f => (string?)f["name"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task At_low_zoom_nearby_facilities_are_one_cluster_with_count_and_breakdowns_and_a_lone_one_stays_itself()
    {
        using var client = registry.CreateClient();
        const int low = 10;
        var response = await client.GetAsync(Url(Path("facilities", low)));
        var (_, z, x, y) = Tile("facilities", low);
        var features = Mvt.Read(await response.Content.ReadAsByteArrayAsync(), z, x, y)["facilities"];
        Assert.Equal(2, features.Count);

        // 西街公厕, 南街公厕 and 北门坡道 lie within 150 m: one cluster at their centroid, the deleted ramp left out.
        var cluster = features.Single(f => f.Count > 1);
        Assert.Equal(3, cluster.Count);
        Assert.Null(cluster.Id);
        Assert.Null(cluster["name"]);
        Assert.Equal(new Dictionary<string, int> { ["operational"] = 2, ["unusable"] = 1 }, Breakdown(cluster["statuses"]));
        Assert.Equal(new Dictionary<string, int> { ["never"] = 2, ["on_time"] = 1 }, Breakdown(cluster["inspectionStates"]));
        // a point quantized to a 4096 grid of a 39 km tile: within 10 m of the centroid
        Assert.Equal((110.4470 + 110.4480 + 110.4475) / 3, cluster.Geometry.Coordinate.X, 0.0002);
        Assert.Equal((34.8670 + 34.8675 + 34.8672) / 3, cluster.Geometry.Coordinate.Y, 0.0002);

        var lone = features.Single(f => f.Count == 1);
        Assert.Equal("远郊坡道", lone["name"]);
        Assert.NotNull(lone.Id);
        Assert.Equal("operational", lone["status"]);

        var toilets = await ReadAsync(client, "facilities", low, "?kind=accessible_toilet");
        Assert.Equal(2, Assert.Single(toilets).Count);

        // at zoom 15 the cells are 16 px (about 100 m): 西街公厕 and 南街公厕, 60 m apart, share one; 北门坡道 is in the next
        var street = await ReadAsync(client, "facilities", 15);
        Assert.Equal(2, street.Count);
        Assert.Equal(new Dictionary<string, int> { ["operational"] = 2 }, Breakdown(street.Single(f => f.Count > 1)["statuses"]));
        Assert.Equal("北门坡道", street.Single(f => f.Count == 1)["name"]);

        // at zoom 6 the whole fixture is one cell; still 304 on a repeated ETag
        var province = await client.GetAsync(Url(Path("facilities", 6)));
        var top = Mvt.Read(await province.Content.ReadAsByteArrayAsync(), 6, Tile("facilities", 6).X, Tile("facilities", 6).Y)["facilities"];
        Assert.Equal(4, Assert.Single(top).Count);
        using var again = new HttpRequestMessage(HttpMethod.Get, Url(Path("facilities", 6)));
        again.Headers.IfNoneMatch.Add(province.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(14)]
    public async Task Every_facility_is_counted_once_across_the_tiles_of_a_zoom(int z)
    {
        using var client = registry.CreateClient();
        var (cx, cy) = TileOf(110.4470, 34.8670, z);
        var (fx, fy) = TileOf(110.6000, 34.7800, z);
        long total = 0;
        for (var x = Math.Min(cx, fx) - 1; x <= Math.Max(cx, fx) + 1; x++)
        {
            for (var y = Math.Min(cy, fy) - 1; y <= Math.Max(cy, fy) + 1; y++)
            {
                var bytes = await client.GetByteArrayAsync(Url(FormattableString.Invariant($"/tiles/facilities/{z}/{x}/{y}.mvt")));
                var layers = Mvt.Read(bytes, z, x, y);
                if (layers.TryGetValue("facilities", out var features))
                {
                    total += features.Where(f => TileOf(f.Geometry.Coordinate.X, f.Geometry.Coordinate.Y, z) == (x, y)).Sum(f => f.Count);
                }
            }
        }

        Assert.Equal(4, total);
    }

    [Fact]
    public async Task Roads_and_open_defects_tiles()
    {
        using var client = registry.CreateClient();
        var roads = await ReadAsync(client, "roads", Zoom);
        Assert.Equal(2, roads.Count);
        var road = roads.Single(r => (string?)r["roadClass"] == "main");
        Assert.IsType<LineString>(road.Geometry);
        Assert.Equal(true, road["accessible"]);
        Assert.Equal(false, roads.Single(r => (string?)r["roadClass"] == "branch")["accessible"]);
        // at province scale only main roads
        Assert.Equal("舜都大道", Assert.Single(await ReadAsync(client, "roads", 8))["name"]);

        var defects = await ReadAsync(client, "defects", Zoom);
        Assert.Equal(2, defects.Count); // the verified one is closed
        var critical = defects.Single(d => (string?)d["severity"] == "critical");
        Assert.Equal(false, critical["overdue"]);
        Assert.Equal(true, defects.Single(d => (string?)d["severity"] == "minor")["overdue"]);

        var cluster = Assert.Single(await ReadAsync(client, "defects", 10));
        Assert.Equal(2, cluster.Count);
        Assert.Equal(new Dictionary<string, int> { ["critical"] = 1, ["minor"] = 1 }, Breakdown(cluster["severities"]));
        Assert.Equal(1L, Convert.ToInt64(cluster["overdueCount"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Public_reports_tile_shows_open_primaries_without_contact_data()
    {
        using var client = registry.CreateClient();
        var reports = await ReadAsync(client, "reports", Zoom);
        Assert.Equal(2, reports.Count); // the closed one and the duplicate are not drawn
        var ramp = reports.Single(r => (string?)r["serviceCode"] == "curb_ramp");
        Assert.Equal(2L, Convert.ToInt64(ramp["meToo"], CultureInfo.InvariantCulture));
        Assert.Equal(1L, Convert.ToInt64(ramp["duplicates"], CultureInfo.InvariantCulture));
        Assert.Equal("2026-03-01T08:00:00Z", ramp["requestedAt"]);
        var allowed = new[] { "serviceCode", "requestedAt", "meToo", "duplicates" };
        Assert.All(reports, r => Assert.All(r.Properties.Keys, k => Assert.Contains(k, allowed)));
        Assert.DoesNotContain("13800000000", Encoding.UTF8.GetString(await client.GetByteArrayAsync(Url(Path("reports")))), StringComparison.Ordinal);

        var cluster = Assert.Single(await ReadAsync(client, "reports", 10));
        Assert.Equal(2, cluster.Count);
        Assert.Equal(new Dictionary<string, int> { ["accessible_toilet"] = 1, ["curb_ramp"] = 1 }, Breakdown(cluster["services"]));
    }

    [Fact]
    public async Task Empty_tile_far_away_is_an_empty_body()
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url("/tiles/facilities/14/0/0.mvt"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/tiles/facilities/23/0/0.mvt", HttpStatusCode.BadRequest, "z")]
    [InlineData("/tiles/facilities/2/4/0.mvt", HttpStatusCode.BadRequest, "x")]
    [InlineData("/tiles/facilities/2/0/-1.mvt", HttpStatusCode.BadRequest, "y")]
    [InlineData("/tiles/facilities/a/0/0.mvt", HttpStatusCode.BadRequest, "z")]
    [InlineData("/tiles/facilities/2/0/0.mvt?kind=spaceship", HttpStatusCode.BadRequest, "kind")]
    [InlineData("/tiles/roads/2/0/0.mvt?kind=ramp", HttpStatusCode.BadRequest, "kind")]
    [InlineData("/tiles/renovations/2/0/0.mvt", HttpStatusCode.NotFound, null)]
    [InlineData("/tiles/households/2/0/0.mvt", HttpStatusCode.NotFound, null)]
    public async Task Bad_tiles_are_problems_and_household_data_have_no_layer(string path, HttpStatusCode status, string? field)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(path));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), field);
        }
    }
}
