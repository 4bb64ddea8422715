using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Tiles;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Tiles;

/// <summary>
/// Tiles answered from the change stamps in memory: 304 and repeats without PostgreSQL (the service's own counters
/// of rendered tiles say so), a new tile and ETag after every kind of write in the tile's area, and none after a write
/// in another county. A write is known to the service when its NOTIFY arrives; the tests wait for that (the stamps in
/// memory equal to the database's), not for a time.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class TileCacheTests(RegistryFixture registry) : IAsyncLifetime
{
    private const int Zoom = 14;

    private TileStamps Stamps => registry.Services.GetRequiredService<TileStamps>();

    private TileCache Cache => registry.Services.GetRequiredService<TileCache>();

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await WaitUntilAsync(() => Task.FromResult(Stamps.IsLive), "the stamps are loaded");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static (int X, int Y) TileOf((double Lon, double Lat) p, int z)
    {
        var n = 1 << z;
        var rad = p.Lat * Math.PI / 180;
        return ((int)Math.Floor((p.Lon + 180) / 360 * n), (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    private static string PathOf(string layer, (double Lon, double Lat) at)
    {
        var (x, y) = TileOf(at, Zoom);
        return string.Create(CultureInfo.InvariantCulture, $"/tiles/{layer}/{Zoom}/{x}/{y}.mvt");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 500; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("Waited 10 s for " + what + ".");
    }

    /// <summary>Waits until the service's stamp of the tile of <paramref name="layer"/> at <paramref name="at"/> is the database's.</summary>
    private Task CaughtUpAsync(string layer, (double Lon, double Lat) at)
    {
        var (x, y) = TileOf(at, Zoom);
        var cells = TileCells.Of(Zoom, x, y);
        return WaitUntilAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(registry.ConnectionString);
            await connection.OpenAsync();
            var stored = await TileStampsSql.StampAsync(connection, layer, cells, CancellationToken.None);
            return Stamps.TryStamp(layer, cells, out var known) && known == stored;
        }, "the service to know the writes to " + layer);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(EntityTagHeaderValue ETag, List<TileFeature> Features)> GetAsync(HttpClient client, string layer, (double Lon, double Lat) at, EntityTagHeaderValue? previous = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(PathOf(layer, at)));
        if (previous is not null)
        {
            request.Headers.IfNoneMatch.Add(previous);
        }

        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (x, y) = TileOf(at, Zoom);
        var layers = Mvt.Read(await response.Content.ReadAsByteArrayAsync(), Zoom, x, y);
        return (response.Headers.ETag!, layers.TryGetValue(layer, out var features) ? features : []);
    }

    private const string ToiletAtYongji = """
        INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
        VALUES ('accessible_toilet', '西街公厕', ST_SetSRID(ST_MakePoint(110.4470, 34.8670), 4490), '{}', 'operational', '140881', 'test', 'T1', now(), now())
        """;

    [Fact]
    public async Task An_unchanged_tile_answers_304_from_memory_and_its_repeat_is_served_without_postgresql()
    {
        await ExecuteAsync(ToiletAtYongji);
        await CaughtUpAsync("facilities", Yongji);
        using var client = registry.CreateClient();

        var renders = Cache.Renders;
        var first = await client.GetAsync(Url(PathOf("facilities", Yongji)));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await first.Content.ReadAsByteArrayAsync();
        Assert.NotEmpty(body);
        Assert.Equal(renders + 1, Cache.Renders);
        Assert.Equal("public, max-age=60", first.Headers.CacheControl?.ToString());

        var notModified = Cache.NotModifiedFromMemory;
        using (var again = new HttpRequestMessage(HttpMethod.Get, Url(PathOf("facilities", Yongji))))
        {
            again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
            var response = await client.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(first.Headers.ETag, response.Headers.ETag);
        }

        Assert.Equal(notModified + 1, Cache.NotModifiedFromMemory);

        var hits = Cache.Hits;
        var repeat = await client.GetAsync(Url(PathOf("facilities", Yongji)));
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(body, await repeat.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, repeat.Headers.ETag);
        Assert.Equal(hits + 1, Cache.Hits);
        Assert.Equal(renders + 1, Cache.Renders); // neither the 304 nor the repeat asked PostgreSQL for the tile
    }

    [Fact]
    public async Task A_cold_tile_asked_for_by_many_at_once_is_rendered_once_and_the_same_for_all()
    {
        await ExecuteAsync(ToiletAtYongji);
        await CaughtUpAsync("facilities", Yongji);
        using var client = registry.CreateClient();

        var renders = Cache.Renders;
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.GetAsync(Url(PathOf("facilities", Yongji)))));
        var bodies = new List<byte[]>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(responses[0].Headers.ETag, response.Headers.ETag);
            bodies.Add(await response.Content.ReadAsByteArrayAsync());
        }

        Assert.NotEmpty(bodies[0]);
        Assert.All(bodies, b => Assert.Equal(bodies[0], b));
        Assert.Equal(renders + 1, Cache.Renders); // the others waited for that render or found it kept

        // and a write still gives the next request a new render with the new facility
        await ExecuteAsync(ToiletAtYongji.Replace("'T1'", "'T2'", StringComparison.Ordinal));
        await CaughtUpAsync("facilities", Yongji);
        var (_, after) = await GetAsync(client, "facilities", Yongji);
        Assert.Equal(renders + 2, Cache.Renders);
        Assert.Equal(2, after.Sum(f => f.Count));
    }

    [Fact]
    public async Task Every_write_in_the_tiles_area_gives_the_next_tile_new_content_and_a_new_etag()
    {
        using var client = registry.CreateClient();
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var near = (Lon: Yongji.Lon + 0.001, Lat: Yongji.Lat + 0.001);

        // facility created
        var (etag, features) = await GetAsync(client, "facilities", Yongji);
        Assert.Empty(features);
        var created = await (await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)))).ReadObjectAsync();
        var id = (long)created["id"]!;
        await CaughtUpAsync("facilities", Yongji);
        (etag, features) = await Changed("facilities", etag);
        Assert.Equal("北门缘石坡道", Assert.Single(features)["name"]);

        // facility moved (within the tile)
        var moved = await inspector.PutAsync("/api/v1/facilities/" + id, CurbRamp(near), (long)created["properties"]!["version"]!);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        await CaughtUpAsync("facilities", Yongji);
        var before = Assert.Single(features).Geometry.Coordinate;
        (etag, features) = await Changed("facilities", etag);
        Assert.NotEqual(before, Assert.Single(features).Geometry.Coordinate);

        // facility inspected: never → on_time
        Assert.Equal("never", Assert.Single(features)["inspectionState"]);
        await ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $$"""
            INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result, facility_status, answers, photo_ids, source, created_at)
            VALUES (gen_random_uuid(), 'test', {{id}}, '140881', '测试检查员', now(), 'pass', 'operational', '[]'::jsonb, '{}', 'test', now())
            """));
        await CaughtUpAsync("facilities", Yongji);
        (etag, features) = await Changed("facilities", etag);
        Assert.Equal("on_time", Assert.Single(features)["inspectionState"]);

        // a defect of it
        var (defectTag, defects) = await GetAsync(client, "defects", Yongji);
        Assert.Empty(defects);
        await ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO defects (facility_id, inspection_id, district_code, item, severity, status, due_at, location, created_at, updated_at)
            SELECT f.id, (SELECT max(id) FROM inspections), '140881', 'slope', 'critical', 'open', now() + interval '30 days', f.geometry, now(), now()
            FROM facilities f WHERE f.id = {id}
            """));
        await CaughtUpAsync("defects", Yongji);
        (_, defects) = await Changed("defects", defectTag);
        Assert.Equal("critical", Assert.Single(defects)["severity"]);

        // facility deleted
        Assert.Equal(HttpStatusCode.NoContent, (await inspector.DeleteAsync(Url("/api/v1/facilities/" + id))).StatusCode);
        await CaughtUpAsync("facilities", Yongji);
        (_, features) = await Changed("facilities", etag);
        Assert.Empty(features);

        // a public report
        var (reportTag, reports) = await GetAsync(client, "reports", Yongji);
        Assert.Empty(reports);
        await ExecuteAsync("""
            INSERT INTO reports (service_code, description, attributes, location, district_code, status, me_too_count, source, requested_at, updated_at)
            VALUES ('curb_ramp', '坡道被占', '{}', ST_SetSRID(ST_MakePoint(110.4472, 34.8671), 4490), '140881', 'new', 0, 'test', now(), now())
            """);
        await CaughtUpAsync("reports", Yongji);
        (_, reports) = await Changed("reports", reportTag);
        Assert.Equal("curb_ramp", Assert.Single(reports)["serviceCode"]);

        // a road
        var (roadTag, roads) = await GetAsync(client, "roads", Yongji);
        Assert.Empty(roads);
        await ExecuteAsync("""
            INSERT INTO road_segments (name, road_class, geometry, sidewalk_width_m, curb_ramp_start, curb_ramp_end, tactile_paving, attributes, status, district_code, source, created_at, updated_at)
            VALUES ('舜都大道', 'main', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.446, 34.866), ST_MakePoint(110.449, 34.866)), 4490),
                    2.5, true, true, 'continuous', '{}', 'operational', '140881', 'test', now(), now())
            """);
        await CaughtUpAsync("roads", Yongji);
        (_, roads) = await Changed("roads", roadTag);
        Assert.Equal("舜都大道", Assert.Single(roads)["name"]);

        async Task<(EntityTagHeaderValue, List<TileFeature>)> Changed(string layer, EntityTagHeaderValue old)
        {
            var (tag, now) = await GetAsync(client, layer, Yongji, old); // 200, not 304
            Assert.NotEqual(old, tag);
            return (tag, now);
        }
    }

    [Fact]
    public async Task A_write_in_another_county_leaves_the_tiles_etag_unchanged()
    {
        await ExecuteAsync(ToiletAtYongji);
        await CaughtUpAsync("facilities", Yongji);
        using var client = registry.CreateClient();
        var (etag, _) = await GetAsync(client, "facilities", Yongji);
        var (yanshiTag, _) = await GetAsync(client, "facilities", Yanshi);

        await ExecuteAsync("""
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
            VALUES ('ramp', '偃师坡道', ST_SetSRID(ST_MakePoint(112.7900, 34.7270), 4490), '{}', 'operational', '410307', 'test', 'Y1', now(), now())
            """);
        await CaughtUpAsync("facilities", Yanshi);
        var (changed, there) = await GetAsync(client, "facilities", Yanshi, yanshiTag);
        Assert.NotEqual(yanshiTag, changed);
        Assert.Equal("偃师坡道", Assert.Single(there)["name"]);

        var fromMemory = Cache.NotModifiedFromMemory;
        using var again = new HttpRequestMessage(HttpMethod.Get, Url(PathOf("facilities", Yongji)));
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
        Assert.Equal(fromMemory + 1, Cache.NotModifiedFromMemory);
    }
}
