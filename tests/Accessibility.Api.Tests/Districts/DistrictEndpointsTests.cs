using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Geo;

namespace Accessibility.Api.Tests.Districts;

[Collection(RegistryCollection.Name)]
public sealed class DistrictEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Yuncheng_lists_its_thirteen_counties_with_bbox_and_area()
    {
        using var client = registry.CreateClient();
        // Short (1408) and canonical (140800) forms name the same prefecture.
        foreach (var parent in new[] { "1408", "140800" })
        {
            var page = await client.GetFromJsonAsync<DistrictPage>($"/api/v1/districts?parent={parent}");
            Assert.NotNull(page);
            Assert.Equal(13, page.NumberMatched);
            var yongji = Assert.Single(page.Items, d => d.Code == "140881");
            Assert.Equal("永济市", yongji.Name);
            Assert.Equal("county", yongji.Level);
            Assert.True(yongji.HasBoundary);
            // Official area 1,221 km²; the source boundary is coarse (≈100 m steps).
            Assert.InRange(yongji.AreaKm2!.Value, 1150, 1260);
            var bbox = yongji.Bbox!;
            Assert.InRange(bbox[0], 110.1, 110.4);
            Assert.InRange(bbox[3], 34.9, 35.2);
        }
    }

    [Fact]
    public async Task Prefecture_and_Shanxi_boundaries_are_the_union_of_their_counties()
    {
        using var client = registry.CreateClient();
        var shanxi = await client.GetFromJsonAsync<DistrictDetail>("/api/v1/districts/14");
        // Official area of Shanxi: 156,700 km².
        Assert.InRange(shanxi!.District.AreaKm2!.Value, 153_000, 160_000);
        Assert.Equal(11, shanxi.Children.Count);
        Assert.All(shanxi.Children, c => Assert.True(c.HasBoundary));
        // Henan has only Luoyang loaded: a union would not be Henan, so no boundary is drawn.
        var henan = await client.GetFromJsonAsync<DistrictDetail>("/api/v1/districts/410000");
        Assert.False(henan!.District.HasBoundary);
    }

    [Fact]
    public async Task A_county_shows_its_townships_and_ancestors()
    {
        using var client = registry.CreateClient();
        var detail = await client.GetFromJsonAsync<DistrictDetail>("/api/v1/districts/140881");
        Assert.NotNull(detail);
        Assert.Equal(["140000", "140800"], detail.Ancestors.Select(a => a.Code));
        Assert.Contains(detail.Children, c => c.Code == "140881001" && c.Name == "城西街道" && c.Level == "township");
        Assert.Contains(detail.Children, c => c.Code == "140881106" && c.Name == "张营镇");
        Assert.All(detail.Children, c => Assert.False(c.HasBoundary));
    }

    [Fact]
    public async Task Renamed_and_merged_counties_are_found_under_todays_codes()
    {
        using var client = registry.CreateClient();
        var yanshi = await client.GetFromJsonAsync<DistrictDetail>("/api/v1/districts/410307");
        Assert.Equal("偃师区", yanshi!.District.Name);
        Assert.True(yanshi.District.HasBoundary);
        var xuecheng = await client.GetFromJsonAsync<DistrictDetail>("/api/v1/districts/370403");
        Assert.Equal("薛城区", xuecheng!.District.Name);
        Assert.True(xuecheng.District.HasBoundary);
    }

    [Fact]
    public async Task Boundary_is_a_GeoJSON_feature_in_CRS84()
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(new Uri("/api/v1/districts/140881/boundary", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Feature", doc.RootElement.GetProperty("type").GetString());
        var geometry = doc.RootElement.GetProperty("geometry");
        Assert.Equal("MultiPolygon", geometry.GetProperty("type").GetString());
        var first = geometry.GetProperty("coordinates")[0][0][0];
        Assert.InRange(first[0].GetDouble(), 110, 111); // longitude first (RFC 7946)
        Assert.InRange(first[1].GetDouble(), 34, 35.5);
        Assert.Equal("永济市", doc.RootElement.GetProperty("properties").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_prefectures_child_boundaries_come_in_one_collection_equal_to_each_boundary()
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(new Uri("/api/v1/districts/1408/children/boundaries", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("FeatureCollection", doc.RootElement.GetProperty("type").GetString());
        var features = doc.RootElement.GetProperty("features").EnumerateArray().ToList();
        // Yuncheng's 13 counties all have a boundary; in code order.
        var codes = features.Select(f => f.GetProperty("id").GetString()!).ToList();
        Assert.Equal(13, codes.Count);
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        var yongji = Assert.Single(features, f => f.GetProperty("id").GetString() == "140881");
        using var single = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/districts/140881/boundary", UriKind.Relative)));
        Assert.True(JsonElement.DeepEquals(single.RootElement, yongji), "the same Feature as the district's own boundary");
    }

    [Fact]
    public async Task Child_boundaries_of_a_district_without_any_unknown_or_malformed_and_with_a_parameter()
    {
        using var client = registry.CreateClient();
        // Luoyang's development zone has no boundary and no children: an empty collection, not an error.
        var empty = await client.GetAsync(new Uri("/api/v1/districts/410371/children/boundaries", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        using (var doc = JsonDocument.Parse(await empty.Content.ReadAsStringAsync()))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("features").GetArrayLength());
        }

        var unknown = await client.GetAsync(new Uri("/api/v1/districts/149999/children/boundaries", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        var malformed = await client.GetAsync(new Uri("/api/v1/districts/abc/children/boundaries", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("\"code\"", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var extra = await client.GetAsync(new Uri("/api/v1/districts/1408/children/boundaries?level=county", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, extra.StatusCode);
        Assert.Contains("\"level\"", await extra.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_zone_without_boundary_and_unknown_code_get_404_problems()
    {
        using var client = registry.CreateClient();
        var zone = await client.GetAsync(new Uri("/api/v1/districts/410371/boundary", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, zone.StatusCode);
        Assert.Equal("application/problem+json", zone.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No boundary", await zone.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unknown = await client.GetAsync(new Uri("/api/v1/districts/149999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var malformed = await client.GetAsync(new Uri("/api/v1/districts/abc", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("\"code\"", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_point_in_Yongji_city_is_found_in_Yongji_also_from_GCJ02_and_BD09()
    {
        using var client = registry.CreateClient();
        // 永济市人民政府 area, WGS84.
        const double lon = 110.4475, lat = 34.8672;
        var wgs = await client.GetFromJsonAsync<ContainingAnswer>(Inv($"/api/v1/districts/containing?lon={lon}&lat={lat}"));
        Assert.Equal("140881", wgs!.District.Code);
        Assert.Equal(["140881", "140800", "140000"], wgs.All.Select(d => d.Code).Where(c => c.Length == 6));

        var (gx, gy) = ChinaCoordinates.Wgs84ToGcj02(lon, lat);
        var gcj = await client.GetFromJsonAsync<ContainingAnswer>(Inv($"/api/v1/districts/containing?lon={gx}&lat={gy}&crs=GCJ02"));
        Assert.Equal("140881", gcj!.District.Code);
        var (bx, by) = ChinaCoordinates.Wgs84ToBd09(lon, lat);
        var bd = await client.GetFromJsonAsync<ContainingAnswer>(Inv($"/api/v1/districts/containing?lon={bx}&lat={by}&crs=bd09"));
        Assert.Equal("140881", bd!.District.Code);
    }

    [Fact]
    public async Task Point_lookup_rejects_bad_input_and_reports_points_outside_every_district()
    {
        using var client = registry.CreateClient();
        var bad = await client.GetAsync(new Uri("/api/v1/districts/containing?lon=abc&lat=95", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync();
        Assert.Contains("\"lon\"", body, StringComparison.Ordinal);
        Assert.Contains("\"lat\"", body, StringComparison.Ordinal);

        var beijing = await client.GetAsync(new Uri("/api/v1/districts/containing?lon=116.39&lat=39.9", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, beijing.StatusCode);
    }

    [Fact]
    public async Task District_admin_imports_township_boundaries_and_the_point_lookup_finds_the_township()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        // A small square inside Yongji's city, given to 城西街道.
        var file = FeatureCollection(Feature("140881001", "城西街道", Square(110.40, 34.85, 0.03)));
        var response = await admin.PostAsync(new Uri("/api/v1/districts/boundaries", UriKind.Relative), GeoJson(file));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var client = registry.CreateClient();
        var found = await client.GetFromJsonAsync<ContainingAnswer>("/api/v1/districts/containing?lon=110.415&lat=34.865");
        Assert.Equal("140881001", found!.District.Code);
        Assert.Equal(1L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'district' AND entity_id = '140881001' AND action = 'import-boundary'"));
    }

    [Fact]
    public async Task One_bad_feature_rejects_the_whole_file_and_nothing_changes()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        const string bowtie = """{"type":"Polygon","coordinates":[[[110.40,34.80],[110.45,34.85],[110.45,34.80],[110.40,34.85],[110.40,34.80]]]}""";
        var file = FeatureCollection(
            Feature("140881002", "城东街道", Square(110.45, 34.85, 0.02)),
            Feature("140881003", "x", bowtie),
            Feature("410307001", "偃师", Square(112.78, 34.72, 0.01)),
            Feature("149999999", "nowhere", Square(110.5, 34.9, 0.01)));
        var response = await admin.PostAsync(new Uri("/api/v1/districts/boundaries", UriKind.Relative), GeoJson(file));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("features[1]", body, StringComparison.Ordinal); // self-intersecting
        Assert.Contains("features[2]", body, StringComparison.Ordinal); // outside the admin's district
        Assert.Contains("features[3]", body, StringComparison.Ordinal); // unknown code
        Assert.DoesNotContain("features[0]", body, StringComparison.Ordinal);
        Assert.Equal(0L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM districts WHERE code IN ('140881002','140881003') AND boundary IS NOT NULL"));
    }

    [Fact]
    public async Task A_polygon_in_the_USA_for_a_Chinese_township_is_refused_with_its_reason()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        // Redmond, Washington (47.67 N, 122.12 W), given to 城东街道 of 永济市.
        var file = FeatureCollection(Feature("140881002", "城东街道", Square(-122.15, 47.65, 0.05)));
        var response = await admin.PostAsync(new Uri("/api/v1/districts/boundaries", UriKind.Relative), GeoJson(file));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("features[0]", body, StringComparison.Ordinal);
        Assert.Contains("140881002", body, StringComparison.Ordinal);
        Assert.Contains("outside", body, StringComparison.OrdinalIgnoreCase);
        Assert.False(await registry.ScalarAsync<bool>("SELECT boundary IS NOT NULL FROM districts WHERE code = '140881002'"));

        using var client = registry.CreateClient();
        var redmond = await client.GetAsync(new Uri("/api/v1/districts/containing?lon=-122.12&lat=47.67", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, redmond.StatusCode);
    }

    [Fact]
    public async Task A_boundary_file_over_the_limit_gets_413_not_500()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var padding = new string(' ', (int)DistrictEndpoints.MaxBoundaryImportBytes + 1024);
        var file = FeatureCollection(Feature("140881002", "城东街道", Square(110.45, 34.85, 0.02))).Insert(1, padding);
        // A well-behaved client of a large upload waits for 100-continue, so it hears the 413 instead of a reset.
        admin.DefaultRequestHeaders.ExpectContinue = true;
        var response = await admin.PostAsync(new Uri("/api/v1/districts/boundaries", UriKind.Relative), GeoJson(file));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM districts WHERE code = '140881002' AND boundary IS NOT NULL"));
    }

    [Fact]
    public async Task Boundary_import_needs_an_administrator()
    {
        using var anonymous = registry.CreateClient();
        var file = FeatureCollection(Feature("140881002", "城东街道", Square(110.45, 34.85, 0.02)));
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsync(new Uri("/api/v1/districts/boundaries", UriKind.Relative), GeoJson(file))).StatusCode);
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        Assert.Equal(HttpStatusCode.Forbidden,
            (await inspector.PostAsync(new Uri("/api/v1/districts/boundaries", UriKind.Relative), GeoJson(file))).StatusCode);
    }

    [Fact]
    public async Task Population_figures_are_set_in_scope_only_and_audited()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var ok = await admin.PutAsJsonAsync("/api/v1/districts/140881", new { population = 396000, disabledPopulation = 21000 });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var summary = await ok.Content.ReadFromJsonAsync<DistrictSummary>();
        Assert.Equal(21000, summary!.DisabledPopulation);

        var other = await admin.PutAsJsonAsync("/api/v1/districts/410307", new { population = 1, disabledPopulation = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        var invalid = await admin.PutAsJsonAsync("/api/v1/districts/140881", new { population = 10, disabledPopulation = 20 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.Contains("disabledPopulation", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'district' AND entity_id = '140881'"));
    }

    private static string Inv(FormattableString s) => FormattableString.Invariant(s);

    private static string Square(double lon, double lat, double size) => Inv(
        $$"""{"type":"Polygon","coordinates":[[[{{lon}},{{lat}}],[{{lon + size}},{{lat}}],[{{lon + size}},{{lat + size}}],[{{lon}},{{lat + size}}],[{{lon}},{{lat}}]]]}""");

    private static string Feature(string code, string name, string geometry) =>
        $$"""{"type":"Feature","properties":{"code":"{{code}}","name":"{{name}}"},"geometry":{{geometry}}}""";

    private static string FeatureCollection(params string[] features) =>
        $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";

    private static StringContent GeoJson(string body) => new(body, Encoding.UTF8, "application/geo+json");
}

[Collection(RegistryCollection.Name)]
public sealed class BoundaryImportCommandTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => registry.ResetAsync();

    [Fact]
    public async Task The_command_line_imports_a_file_and_reports_bad_features_without_importing()
    {
        var good = Path.GetTempFileName();
        var bad = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(good, """
                {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"xzqdm":"140881100","mc":"虞乡镇"},
                 "geometry":{"type":"Polygon","coordinates":[[[110.55,34.80],[110.60,34.80],[110.60,34.84],[110.55,34.84],[110.55,34.80]]]}}]}
                """);
            await File.WriteAllTextAsync(bad, """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"xzqdm":"140881101"},"geometry":null}]}""");
            var output = new StringWriter();
            var error = new StringWriter();
            var context = new Accessibility.Api.Features.Cli.CliContext(output, error, TextReader.Null, registry.ConfigureHost);

            var exit = await BoundaryImportCommand.RunAsync(["--file", good, "--code-property", "xzqdm", "--name-property", "mc"], context);
            Assert.Equal(0, exit);
            Assert.Contains("140881100", output.ToString(), StringComparison.Ordinal);
            Assert.True(await registry.ScalarAsync<bool>("SELECT boundary IS NOT NULL FROM districts WHERE code = '140881100'"));

            exit = await BoundaryImportCommand.RunAsync(["--file", bad, "--code-property", "xzqdm"], context);
            Assert.Equal(1, exit);
            Assert.Contains("features[0]", error.ToString(), StringComparison.Ordinal);
            Assert.False(await registry.ScalarAsync<bool>("SELECT boundary IS NOT NULL FROM districts WHERE code = '140881101'"));

            Assert.Equal(2, await BoundaryImportCommand.RunAsync(["--nonsense"], context));
        }
        finally
        {
            File.Delete(good);
            File.Delete(bad);
        }
    }
}
