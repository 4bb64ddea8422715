using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Facilities;

namespace Accessibility.Api.Tests.Grids;

/// <summary>
/// Community grids drawn, changed, removed and imported through <c>/api/v1/grids</c>: every boundary judged by the one
/// boundary check (valid, inside its township or county, no overlap), facilities placed again in the same transaction,
/// every write audited, and only administrators drawing.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class GridApiTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Township = "140881001";

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Inv(FormattableString s) => FormattableString.Invariant(s);

    private static string Box(double west, double south, double east, double north) => Inv(
        $$"""{"type":"Polygon","coordinates":[[[{{west}},{{south}}],[{{east}},{{south}}],[{{east}},{{north}}],[{{west}},{{north}}],[{{west}},{{south}}]]]}""");

    private static StringContent Grid(string? code, string name, string geometry, string township = Township) => FacilityApi.Json(
        $$"""{"townshipCode":"{{township}}",{{(code is null ? "" : $"\"code\":\"{code}\",")}}"name":"{{name}}","patrolIntervalDays":14,"geometry":{{geometry}}}""");

    private async Task<long> CreateRampAsync(HttpClient admin, (double Lon, double Lat) at)
    {
        using var created = await admin.PostAsync(FacilityApi.Url("/api/v1/facilities"), FacilityApi.Json(FacilityApi.CurbRamp(at)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (long)(await created.ReadObjectAsync())["id"]!;
    }

    private Task<string?> GridOfAsync(long facility) => registry.ScalarAsync<string>("SELECT grid_code FROM facilities WHERE id = $1", facility);

    [Fact]
    public async Task A_drawn_grid_places_the_facilities_inside_it_and_is_audited()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var ramp = await CreateRampAsync(admin, FacilityApi.Yongji);
        Assert.Null(await GridOfAsync(ramp));

        using var created = await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "城西第一网格", Box(110.440, 34.860, 110.455, 34.875)));
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        var feature = JsonNode.Parse(body)!.AsObject();
        Assert.Equal("140881001001", (string)feature["id"]!); // the township's first free code
        Assert.Equal(1, (long)feature["movedRecords"]!);
        Assert.Equal(14, (int)feature["properties"]!["patrolIntervalDays"]!);
        Assert.Equal("/api/v1/grids/140881001001", created.Headers.Location?.OriginalString);
        Assert.Equal("140881001001", await GridOfAsync(ramp));

        // The public list: a FeatureCollection with the facility count.
        using var anonymous = registry.CreateClient();
        var list = JsonNode.Parse(await anonymous.GetStringAsync(FacilityApi.Url("/api/v1/grids?county=140881")))!;
        Assert.Equal("FeatureCollection", (string)list["type"]!);
        var only = Assert.Single(list["features"]!.AsArray())!;
        Assert.Equal(1, (long)only["properties"]!["facilityCount"]!);
        Assert.Equal("城西街道", (string)only["properties"]!["townshipName"]!);

        Assert.Equal(1L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'community-grid' AND entity_id = '140881001001' AND action = 'create' AND after -> 'boundary' ->> 'areaM2' IS NOT NULL AND actor IS NOT NULL"));
    }

    [Fact]
    public async Task An_overlapping_grid_is_refused_with_the_overlap_area()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid("140881001001", "甲", Box(110.440, 34.860, 110.455, 34.875)))).StatusCode);
        using var overlapping = await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid("140881001002", "乙", Box(110.450, 34.860, 110.465, 34.875)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, overlapping.StatusCode);
        Assert.Equal("application/problem+json", overlapping.Content.Headers.ContentType?.MediaType);
        var body = await overlapping.Content.ReadAsStringAsync();
        Assert.Contains("\"geometry\"", body, StringComparison.Ordinal);
        Assert.Contains("overlaps 140881001001", body, StringComparison.Ordinal);
        Assert.Matches("by [0-9,]+ m²", body);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM community_grids"));

        // Touching along an edge is no overlap.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid("140881001002", "乙", Box(110.455, 34.860, 110.465, 34.875)))).StatusCode);
    }

    [Fact]
    public async Task A_grid_outside_its_county_and_a_self_intersecting_ring_are_refused_with_the_reason()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        // In Yanshi (Henan), for a township of Yongji: the township has no boundary, so its county is the parent.
        using var outside = await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "外", Box(112.78, 34.72, 112.80, 34.74)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
        var body = await outside.Content.ReadAsStringAsync();
        Assert.Contains("lies outside its parent 140881 永济市", body, StringComparison.Ordinal);

        const string bowtie = """{"type":"Polygon","coordinates":[[[110.44,34.86],[110.45,34.87],[110.45,34.86],[110.44,34.87],[110.44,34.86]]]}""";
        using var invalid = await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "蝶", bowtie));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        body = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("Self-intersection at 110.445 34.865", body, StringComparison.Ordinal);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM community_grids"));

        // In the USA: outside China.
        using var usa = await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "美", Box(-122.15, 47.65, -122.10, 47.70)));
        Assert.Contains("outside China", await usa.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moving_and_removing_a_grid_places_its_facilities_again()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var west = await CreateRampAsync(admin, FacilityApi.Yongji);
        var east = await CreateRampAsync(admin, FacilityApi.YongjiEast);
        using var created = await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "城西第一网格", Box(110.440, 34.860, 110.455, 34.875)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var etag = created.Headers.ETag!.Tag;

        // Drawn over the east point instead: the west ramp leaves, the east one enters.
        using var move = new HttpRequestMessage(HttpMethod.Put, "/api/v1/grids/140881001001")
        {
            Content = FacilityApi.Json($$"""{"geometry":{{Box(110.465, 34.865, 110.475, 34.875)}}}"""),
        };
        move.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        using var moved = await admin.SendAsync(move);
        var body = await moved.Content.ReadAsStringAsync();
        Assert.True(moved.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(2, (long)JsonNode.Parse(body)!["movedRecords"]!);
        Assert.Null(await GridOfAsync(west));
        Assert.Equal("140881001001", await GridOfAsync(east));
        Assert.Equal("城西第一网格", (string)JsonNode.Parse(body)!["properties"]!["name"]!);

        // The old version is stale now.
        using var stale = new HttpRequestMessage(HttpMethod.Put, "/api/v1/grids/140881001001") { Content = FacilityApi.Json("""{"name":"新名"}""") };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.SendAsync(stale)).StatusCode);

        using var deleted = await admin.DeleteAsync(FacilityApi.Url("/api/v1/grids/140881001001"));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Null(await GridOfAsync(east));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(FacilityApi.Url("/api/v1/grids/140881001001"))).StatusCode);
        Assert.Equal(["create", "update", "delete"], await AuditActionsAsync("140881001001"));
    }

    private async Task<string[]> AuditActionsAsync(string code)
    {
        var joined = await registry.ScalarAsync<string>(
            "SELECT string_agg(action, ',' ORDER BY id) FROM audit_entries WHERE entity_type = 'community-grid' AND entity_id = $1", code);
        return joined?.Split(',') ?? [];
    }

    [Fact]
    public async Task A_mixed_file_keeps_the_good_grids_and_lists_the_bad_ones_with_reasons()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var ramp = await CreateRampAsync(admin, FacilityApi.Yongji);
        var file = Inv($$"""
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"wgdm":"140881001001","wgmc":"好网格"},"geometry":{{Box(110.440, 34.860, 110.455, 34.875)}}},
              {"type":"Feature","properties":{"wgdm":"140881001002","wgmc":"重叠"},"geometry":{{Box(110.450, 34.860, 110.452, 34.862)}}},
              {"type":"Feature","properties":{"wgdm":"140881001003","wgmc":"洛阳"},"geometry":{{Box(112.78, 34.72, 112.80, 34.74)}}},
              {"type":"Feature","properties":{"wgdm":"140881001004"},"geometry":{{Box(110.465, 34.865, 110.475, 34.875)}}},
              {"type":"Feature","properties":{"wgdm":"140881001005","wgmc":"也好"},"geometry":{{Box(110.465, 34.865, 110.475, 34.875)}}}
            ]}
            """);
        using var response = await admin.PostAsync(FacilityApi.Url("/api/v1/grids/import?codeProperty=wgdm&nameProperty=wgmc"),
            new StringContent(file, Encoding.UTF8, "application/geo+json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var result = JsonNode.Parse(body)!;
        Assert.Equal(["140881001001", "140881001005"], result["accepted"]!.AsArray().Select(n => (string)n!));
        var refused = result["refused"]!.AsArray();
        Assert.Equal([1, 2, 3], refused.Select(r => (int)r!["index"]!));
        Assert.Contains("overlaps 140881001001", refused[0]!["reasons"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("outside its parent", refused[1]!["reasons"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("wgmc", refused[2]!["reasons"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("140881001001", await GridOfAsync(ramp));
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'community-grid' AND action = 'import'"));

        // A file where nothing is good is a 422 naming every feature.
        using var none = await admin.PostAsync(FacilityApi.Url("/api/v1/grids/import?codeProperty=wgdm&nameProperty=wgmc"),
            new StringContent(Inv($$"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"wgdm":"140881001009","wgmc":"美"},"geometry":{{Box(-122.15, 47.65, -122.10, 47.70)}}}]}"""), Encoding.UTF8, "application/geo+json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, none.StatusCode);
        Assert.Contains("features[0]", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zipped_shapefile_is_imported_through_the_import_readers()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var directory = Directory.CreateTempSubdirectory("grids-shp-");
        try
        {
            var factory = new NetTopologySuite.Geometries.GeometryFactory(new NetTopologySuite.Geometries.PrecisionModel(), 4490);
            NetTopologySuite.Geometries.Polygon Square(double w, double s, double e, double n) => factory.CreatePolygon(
                [new(w, s), new(w, n), new(e, n), new(e, s), new(w, s)]);
            var features = new[]
            {
                new NetTopologySuite.Features.Feature(Square(110.440, 34.860, 110.455, 34.875), new NetTopologySuite.Features.AttributesTable { { "code", "140881001001" }, { "name", "城西一" } }),
                new NetTopologySuite.Features.Feature(Square(112.78, 34.72, 112.80, 34.74), new NetTopologySuite.Features.AttributesTable { { "code", "140881001002" }, { "name", "洛阳" } }),
            };
            var shp = Path.Combine(directory.FullName, "grids.shp");
            NetTopologySuite.IO.Esri.Shapefile.WriteAllFeatures(features, shp, encoding: Encoding.UTF8);
            using var zipped = new MemoryStream();
            using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var part in Directory.GetFiles(directory.FullName))
                {
                    zip.CreateEntryFromFile(part, Path.GetFileName(part));
                }
            }

            var content = new ByteArrayContent(zipped.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            using var response = await admin.PostAsync(FacilityApi.Url("/api/v1/grids/import"), content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var result = JsonNode.Parse(body)!;
            Assert.Equal(["140881001001"], result["accepted"]!.AsArray().Select(n => (string)n!));
            Assert.Equal("城西一", await registry.ScalarAsync<string>("SELECT name FROM community_grids WHERE code = '140881001001'"));
            Assert.Contains("outside its parent", result["refused"]!.ToJsonString(), StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Inspectors_planners_and_anonymous_callers_cannot_draw_grids()
    {
        var grid = Box(110.440, 34.860, 110.455, 34.875);
        foreach (var role in new[] { Roles.Inspector, Roles.Planner })
        {
            using var client = await registry.CreateUserClientAsync(role, "140881");
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "x", grid))).StatusCode);
        }

        using var anonymous = registry.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "x", grid))).StatusCode);
        // Another county's administrator: outside its districts.
        using var luoyang = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        Assert.Equal(HttpStatusCode.Forbidden, (await luoyang.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "x", grid))).StatusCode);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM community_grids"));
    }

    [Fact]
    public async Task Unknown_and_bad_parameters_are_400_naming_them()
    {
        using var client = registry.CreateClient();
        using var unknown = await client.GetAsync(FacilityApi.Url("/api/v1/grids?county=140881&colour=red"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("colour", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var bad = await client.GetAsync(FacilityApi.Url("/api/v1/grids?county=abc"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"county\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_township_boundary_places_township_codes_again_and_must_keep_its_grids_inside()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var west = await CreateRampAsync(admin, FacilityApi.Yongji);
        var east = await CreateRampAsync(admin, FacilityApi.YongjiEast);
        Assert.Null(await registry.ScalarAsync<string>("SELECT township_code FROM facilities WHERE id = $1", west));

        static StringContent Boundaries(string code, string geometry) => new(
            $$"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"{{code}}"},"geometry":{{geometry}}}]}""", Encoding.UTF8, "application/geo+json");

        // 城西街道 drawn around the west ramp: it is placed in the township, the east one is not.
        using var drawn = await admin.PostAsync(FacilityApi.Url("/api/v1/districts/boundaries"), Boundaries(Township, Box(110.43, 34.85, 110.46, 34.88)));
        Assert.Equal(HttpStatusCode.OK, drawn.StatusCode);
        Assert.Equal(Township, await registry.ScalarAsync<string>("SELECT township_code FROM facilities WHERE id = $1", west));
        Assert.Null(await registry.ScalarAsync<string>("SELECT township_code FROM facilities WHERE id = $1", east));

        // Now a grid of the township must lie inside the township, not merely the county.
        using var outsideTownship = await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "东", Box(110.465, 34.865, 110.475, 34.875)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outsideTownship.StatusCode);
        Assert.Contains("lies outside its parent 140881001 城西街道", await outsideTownship.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync(FacilityApi.Url("/api/v1/grids"), Grid(null, "西", Box(110.44, 34.86, 110.45, 34.87)))).StatusCode);

        // Moving the township away from its grid is refused; moving it over the east ramp places both again.
        using var away = await admin.PostAsync(FacilityApi.Url("/api/v1/districts/boundaries"), Boundaries(Township, Box(110.46, 34.86, 110.48, 34.88)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, away.StatusCode);
        Assert.Contains("140881001001 西 would lie outside the new boundary", await away.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var wider = await admin.PostAsync(FacilityApi.Url("/api/v1/districts/boundaries"), Boundaries(Township, Box(110.43, 34.85, 110.48, 34.88)));
        Assert.Equal(HttpStatusCode.OK, wider.StatusCode);
        Assert.Equal(Township, await registry.ScalarAsync<string>("SELECT township_code FROM facilities WHERE id = $1", east));
    }
}
