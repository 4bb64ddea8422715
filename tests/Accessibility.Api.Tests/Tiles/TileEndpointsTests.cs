using System.Net;
using System.Net.Http.Headers;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Tiles;

[Collection(RegistryCollection.Name)]
public sealed class TileEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    private const int Zoom = 14;

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
                   ('ramp', '已删坡道', ST_SetSRID(ST_MakePoint(110.4481, 34.8676), 4490), '{}', 'operational', '140881', 'test', 'R2', now(), now(), now());
            INSERT INTO road_segments (name, road_class, geometry, sidewalk_width_m, curb_ramp_start, curb_ramp_end, tactile_paving,
                                       attributes, status, district_code, source, created_at, updated_at)
            VALUES ('舜都大道', 'main', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.446, 34.866), ST_MakePoint(110.449, 34.866)), 4490),
                    2.5, true, true, 'continuous', '{}', 'operational', '140881', 'test', now(), now());
            WITH i AS (
              INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                       facility_status, answers, photo_ids, source, created_at)
              SELECT gen_random_uuid(), 'test', f.id, f.district_code, '测试检查员', now(), 'fail', f.status, '[]'::jsonb, '{}', 'test', now()
              FROM facilities f WHERE f.external_id = 'T1' RETURNING id, facility_id)
            INSERT INTO defects (facility_id, inspection_id, district_code, item, severity, status, due_at, location, created_at, updated_at, closed_at)
            SELECT i.facility_id, i.id, '140881', 'door_width', s.severity, s.status, now() + interval '30 days',
                   ST_SetSRID(ST_MakePoint(110.4470, 34.8670), 4490), now(), now(), NULL
            FROM i CROSS JOIN (VALUES ('critical', 'open'), ('minor', 'verified')) s(severity, status);
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

    private static string Path(string layer, int z = Zoom)
    {
        var (x, y) = TileOf(110.4470, 34.8670, z);
        return FormattableString.Invariant($"/tiles/{layer}/{z}/{x}/{y}.mvt");
    }

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

        var layers = MvtReader.Read(await response.Content.ReadAsByteArrayAsync());
        var features = layers["facilities"];
        Assert.Equal(2, features.Count); // the deleted ramp is not served
        var toilet = features.Single(f => (string?)f.Properties["kind"] == "accessible_toilet");
        Assert.Equal(1, toilet.Type);
        Assert.Equal("operational", toilet.Properties["status"]);
        Assert.Equal("on_time", toilet.Properties["inspectionState"]);
        Assert.Equal("西街公厕", toilet.Properties["name"]);
        var ramp = features.Single(f => (string?)f.Properties["kind"] == "ramp");
        Assert.Equal("unusable", ramp.Properties["status"]);
        Assert.Equal("never", ramp.Properties["inspectionState"]);

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
    public async Task Roads_and_open_defects_tiles()
    {
        using var client = registry.CreateClient();
        var roads = MvtReader.Read(await client.GetByteArrayAsync(Url(Path("roads"))))["roads"];
        var road = Assert.Single(roads);
        Assert.Equal(2, road.Type);
        Assert.Equal("main", road.Properties["roadClass"]);
        Assert.Equal(true, road.Properties["accessible"]);

        var defects = MvtReader.Read(await client.GetByteArrayAsync(Url(Path("defects"))))["defects"];
        var defect = Assert.Single(defects); // the verified one is closed
        Assert.Equal("critical", defect.Properties["severity"]);
        Assert.Equal(false, defect.Properties["overdue"]);
    }

    [Fact]
    public async Task Empty_tile_far_away_is_an_empty_body()
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url("/tiles/facilities/14/0/0.mvt"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(MvtReader.Read(await response.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData("/tiles/facilities/23/0/0.mvt", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/facilities/2/4/0.mvt", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/facilities/2/0/-1.mvt", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/facilities/a/0/0.mvt", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/renovations/2/0/0.mvt", HttpStatusCode.NotFound)]
    [InlineData("/tiles/households/2/0/0.mvt", HttpStatusCode.NotFound)]
    public async Task Bad_tiles_are_problems_and_household_data_have_no_layer(string path, HttpStatusCode status)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(path));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
