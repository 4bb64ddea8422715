using System.Net;
using System.Text.Json.Nodes;
using Npgsql;

namespace Accessibility.Api.Tests.Tiles;

/// <summary>
/// <c>/tiles/{layer}.json</c> (TileJSON 3.0.0): a MapLibre-style client finds the tiles from it alone (the absolute
/// template, filled in, gives a tile), the bounds hold the data, and <c>vector_layers[].fields</c> are exactly the
/// properties the real tiles carry (decoded with NTS's Mapbox reader, at a clustered and an unclustered zoom), with
/// their types.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class TileJsonTests(RegistryFixture registry) : IAsyncLifetime
{
    private const double Lon = 110.4470;
    private const double Lat = 34.8670;

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        // Two of everything a few metres apart (a cluster at zoom 10, single features at 16), every property set.
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, external_id, created_at, updated_at)
            VALUES ('accessible_toilet', '西街公厕', ST_SetSRID(ST_MakePoint(110.4470, 34.8670), 4490), '{}', 'operational', '140881', '140881001', 'test', 'T1', now(), now()),
                   ('ramp', '北门坡道', ST_SetSRID(ST_MakePoint(110.4473, 34.8671), 4490), '{}', 'unusable', '140881', '140881001', 'test', 'R1', now(), now());
            INSERT INTO road_segments (name, road_class, geometry, sidewalk_width_m, curb_ramp_start, curb_ramp_end, tactile_paving,
                                       attributes, status, district_code, source, created_at, updated_at)
            VALUES ('舜都大道', 'main', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.4465, 34.8668), ST_MakePoint(110.4478, 34.8668)), 4490),
                    2.5, true, true, 'continuous', '{}', 'operational', '140881', 'test', now(), now());
            WITH i AS (
              INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                       facility_status, answers, photo_ids, source, created_at)
              SELECT gen_random_uuid(), 'test', f.id, f.district_code, '测试检查员', now(), 'fail', f.status, '[]'::jsonb, '{}', 'test', now()
              FROM facilities f WHERE f.external_id = 'T1' RETURNING id, facility_id)
            INSERT INTO defects (facility_id, inspection_id, district_code, item, severity, status, due_at, location, created_at, updated_at)
            SELECT i.facility_id, i.id, '140881', s.item, s.severity, 'open', now() + s.due, ST_SetSRID(ST_MakePoint(s.lon, 34.8670), 4490), now(), now()
            FROM i CROSS JOIN (VALUES ('door_width', 'critical', interval '-1 day', 110.4470), ('grab_bars', 'minor', interval '30 days', 110.4472)) s(item, severity, due, lon);
            INSERT INTO reports (service_code, description, attributes, location, district_code, status, me_too_count, source, requested_at, updated_at)
            VALUES ('curb_ramp', '坡道被占', '{}', ST_SetSRID(ST_MakePoint(110.4472, 34.8671), 4490), '140881', 'new', 2, 'test', '2026-03-01T08:00:00Z', now()),
                   ('accessible_toilet', '厕所门坏了', '{}', ST_SetSRID(ST_MakePoint(110.4476, 34.8673), 4490), '140881', 'accepted', 0, 'test', now(), now());
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

    [Theory]
    [InlineData("facilities")]
    [InlineData("roads")]
    [InlineData("defects")]
    [InlineData("reports")]
    public async Task TileJSON_leads_a_client_to_the_tiles_and_names_exactly_their_fields(string layer)
    {
        using var client = registry.CreateClient();
        using var response = await client.GetAsync($"/tiles/{layer}.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("3.0.0", (string?)doc["tilejson"]);
        Assert.Equal("xyz", (string?)doc["scheme"]);
        Assert.Equal(0, (int)doc["minzoom"]!);
        Assert.Equal(22, (int)doc["maxzoom"]!);
        Assert.Contains("Accessibility Registry", (string)doc["attribution"]!, StringComparison.Ordinal);

        // The bounds are those of the data (every row seeded here is shown); the centre lies inside.
        var bounds = doc["bounds"]!.AsArray().Select(v => (double)v!).ToArray();
        var (table, column) = layer switch
        {
            "roads" => ("road_segments", "geometry"),
            "facilities" => ("facilities", "geometry"),
            _ => (layer, "location"),
        };
        var extent = (await registry.ScalarAsync<double[]>(
            $"SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] FROM (SELECT ST_Extent({column})::geometry AS e FROM {table}) x"))!;
        Assert.Equal(4, bounds.Length);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(extent[i], bounds[i], 6);
        }

        var center = doc["center"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.InRange(center[0], bounds[0], bounds[2]);
        Assert.InRange(center[1], bounds[1], bounds[3]);

        // A MapLibre-style client: the first template, absolute, with {z}/{x}/{y} filled in.
        var template = (string)doc["tiles"]!.AsArray().Single()!;
        Assert.True(Uri.TryCreate(template.Replace("{z}/{x}/{y}", "0/0/0", StringComparison.Ordinal), UriKind.Absolute, out _), template);
        Assert.StartsWith(registry.BaseAddress.ToString().TrimEnd('/'), template, StringComparison.Ordinal);
        Assert.Contains("{z}/{x}/{y}", template, StringComparison.Ordinal);

        var vectorLayer = doc["vector_layers"]!.AsArray().Single()!;
        Assert.Equal(layer, (string?)vectorLayer["id"]);
        var fields = vectorLayer["fields"]!.AsObject().ToDictionary(f => f.Key, f => (string)f.Value!, StringComparer.Ordinal);

        var seen = new SortedSet<string>(StringComparer.Ordinal);
        using var anywhere = new HttpClient();
        foreach (var z in new[] { 10, 16 })
        {
            var (x, y) = TileOf(Lon, Lat, z);
            var url = template.Replace("{z}", z.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{x}", x.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{y}", y.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            using var tile = await anywhere.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
            Assert.Equal("application/vnd.mapbox-vector-tile", tile.Content.Headers.ContentType?.MediaType);
            var layers = Mvt.Read(await tile.Content.ReadAsByteArrayAsync(), z, x, y);
            Assert.True(layers.ContainsKey(layer), $"{url}: no layer {layer} (the vector layer id is the name in the tile)");
            Assert.NotEmpty(layers[layer]);
            foreach (var feature in layers[layer])
            {
                foreach (var (name, value) in feature.Properties)
                {
                    seen.Add(name);
                    Assert.True(fields.TryGetValue(name, out var type), $"{layer}: property {name} is not in TileJSON's fields");
                    var matches = type switch
                    {
                        "String" => value is string,
                        "Number" => value is long or ulong or int or uint or double or float,
                        "Boolean" => value is bool,
                        _ => false,
                    };
                    Assert.True(matches, $"{layer}.{name}: {value} ({value?.GetType().Name}) is not a {type}");
                }
            }
        }

        Assert.Equal(fields.Keys.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task TileJSON_of_one_kind_points_at_that_kind_and_refuses_what_it_does_not_know()
    {
        using var client = registry.CreateClient();
        var ramps = JsonNode.Parse(await client.GetStringAsync("/tiles/facilities.json?kind=ramp"))!;
        var template = (string)ramps["tiles"]![0]!;
        Assert.EndsWith("/tiles/facilities/{z}/{x}/{y}.mvt?kind=ramp", template, StringComparison.Ordinal);
        var bounds = ramps["bounds"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(110.4473, bounds[0], 6);
        Assert.Equal(110.4473, bounds[2], 6);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/tiles/households.json")).StatusCode);
        foreach (var (url, field) in new[] { ("/tiles/roads.json?kind=ramp", "kind"), ("/tiles/facilities.json?kind=castle", "kind"), ("/tiles/roads.json?zoom=3", "zoom") })
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.NotNull(problem["errors"]![field]);
        }
    }

    [Fact]
    public async Task TileJSON_is_in_the_OpenAPI_document()
    {
        using var client = registry.CreateClient();
        var openApi = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        Assert.NotNull(openApi["paths"]!["/tiles/{layer}.json"]?["get"]);
    }
}
