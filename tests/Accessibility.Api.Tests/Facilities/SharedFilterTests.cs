using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Tests.Ogc;
using Accessibility.Api.Tests.Tiles;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Facilities;

/// <summary>
/// The list, the exports, the tiles and the OGC items read one filter: the same query selects the same facilities on every
/// route that documents it, and a parameter no route knows is a 400 naming it (issue 15: the export of
/// <c>district=140881&amp;q=…</c> gave 549 features where the list gave 5).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class SharedFilterTests(RegistryFixture registry) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await OgcTestData.SeedAsync(registry, 120, roads: 6);
        // Five facilities whose name holds 北门, one of them in another county; two of them managed by another unit.
        await registry.ScalarAsync<int>("UPDATE facilities SET name = '北门坡道' || id WHERE id IN (4, 9, 17, 33)");
        await registry.ScalarAsync<int>("UPDATE facilities SET managing_unit = '永济市交通运输局' WHERE id IN (9, 17, 50)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> Filters => new()
    {
        "district=140881&q=北门",
        "q=北门&status=unusable",
        "inspectionState=never&kind=ramp",
        "inspectionState=overdue",
        "district=140881&inspectionState=never&q=北门",
        "managingUnit=永济市交通运输局",
        "bbox=110.44,34.86,110.445,34.861&status=operational",
    };

    private async Task<long> ListCountAsync(HttpClient client, string filter)
    {
        var list = await client.GetAsync(Url("/api/v1/facilities?" + filter + "&limit=1"));
        Assert.True(list.StatusCode == HttpStatusCode.OK, filter + ": " + await list.Content.ReadAsStringAsync());
        return (long)(await list.ReadObjectAsync())["numberMatched"]!;
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Exports_select_what_the_list_selects(string filter)
    {
        using var client = registry.CreateClient();
        var expected = await ListCountAsync(client, filter);

        var geojson = await client.GetAsync(Url("/api/v1/exports/facilities.geojson?" + filter));
        Assert.True(geojson.StatusCode == HttpStatusCode.OK, filter + ": " + await geojson.Content.ReadAsStringAsync());
        var features = JsonNode.Parse(await geojson.Content.ReadAsStringAsync())!["features"]!.AsArray();
        Assert.True(expected == features.Count, filter + ": the list matched " + expected + ", the GeoJSON export had " + features.Count);

        var csv = await client.GetAsync(Url("/api/v1/exports/facilities.csv?" + filter));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(expected == lines.Length - 1, filter + ": the list matched " + expected + ", the CSV export had " + (lines.Length - 1));
    }

    [Fact]
    public async Task The_filters_of_the_issue_select_few_features_not_the_whole_county()
    {
        using var client = registry.CreateClient();
        Assert.Equal(4, await ListCountAsync(client, "district=140881&q=北门"));
        var export = await client.GetAsync(Url("/api/v1/exports/facilities.geojson?district=140881&q=北门"));
        Assert.Equal(4, JsonNode.Parse(await export.Content.ReadAsStringAsync())!["features"]!.AsArray().Count);

        var never = await registry.ScalarAsync<long>("SELECT count(*) FROM facilities f WHERE NOT EXISTS (SELECT 1 FROM inspections i WHERE i.facility_id = f.id)");
        var state = await client.GetAsync(Url("/api/v1/exports/facilities.geojson?inspectionState=never"));
        Assert.Equal(never, JsonNode.Parse(await state.Content.ReadAsStringAsync())!["features"]!.AsArray().Count);
        Assert.True(never < 120);
    }

    [Fact]
    public async Task Tiles_take_the_list_filters()
    {
        using var client = registry.CreateClient();
        // Zoom 16 (no clusters): the tile holding the seeded grid's south-west corner.
        const int z = 16;
        var (x, y) = TileOf(110.441, 34.8605, z);
        async Task<List<long>> IdsAsync(string query)
        {
            var response = await client.GetAsync(Url(FormattableString.Invariant($"/tiles/facilities/{z}/{x}/{y}.mvt{query}")));
            Assert.True(response.StatusCode == HttpStatusCode.OK, query + ": " + await response.Content.ReadAsStringAsync());
            var tile = Mvt.Read(await response.Content.ReadAsByteArrayAsync(), z, x, y);
            return tile.TryGetValue("facilities", out var features) ? features.Select(f => f.Id ?? 0).Order().ToList() : [];
        }

        var all = await IdsAsync("");
        Assert.Contains(4L, all);
        Assert.Contains(9L, all);
        var northGate = await IdsAsync("?q=" + Uri.EscapeDataString("北门") + "&district=140881");
        Assert.Equal(all.Where(id => id is 4 or 9 or 17 or 33).ToList(), northGate);
        var managed = await IdsAsync("?managingUnit=" + Uri.EscapeDataString("永济市交通运输局") + "&status=unusable");
        Assert.Equal(all.Where(id => id is 9 or 17).ToList(), managed);
    }

    private static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var r = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(r) + 1 / Math.Cos(r)) / Math.PI) / 2 * n);
        return (x, y);
    }

    [Theory]
    [InlineData("/api/v1/facilities?district=140881&colour=red", "colour")]
    [InlineData("/api/v1/facilities?roadClass=main", "roadClass")]
    [InlineData("/api/v1/roads?kind=ramp", "kind")]
    [InlineData("/api/v1/roads?inspectionState=never", "inspectionState")]
    [InlineData("/api/v1/exports/facilities.geojson?district=140881&colour=red", "colour")]
    [InlineData("/api/v1/exports/facilities.csv?limit=5", "limit")]
    [InlineData("/api/v1/exports/roads.zip?kind=ramp", "kind")]
    [InlineData("/api/v1/exports/districts.geojson?district=14", "district")]
    [InlineData("/tiles/facilities/10/830/409.mvt?colour=red", "colour")]
    [InlineData("/tiles/roads/10/830/409.mvt?kind=ramp", "kind")]
    [InlineData("/ogc/collections/facilities/items?colour=red", "colour")]
    [InlineData("/ogc/collections/facilities/items/1?colour=red", "colour")]
    public async Task An_unknown_parameter_is_a_problem_naming_it(string path, string parameter)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, path + ": " + (int)response.StatusCode + " " + body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(parameter), path + ": " + body);
    }

    [Fact]
    public async Task Every_filter_a_route_takes_is_in_its_openapi_description()
    {
        using var client = registry.CreateClient();
        var openApi = JsonNode.Parse(await client.GetStringAsync(Url("/openapi/v1.json")))!["paths"]!;
        string[] Parameters(string path, string method = "get") =>
            openApi[path]![method]!["parameters"]?.AsArray().Select(p => (string)p!["name"]!).ToArray() ?? [];

        var facilityFilters = new[] { "bbox", "district", "kind", "status", "q", "inspectionState", "managingUnit" };
        Assert.Superset(new HashSet<string>(facilityFilters.Concat(["limit", "offset", "near"])), new HashSet<string>(Parameters("/api/v1/facilities")));
        Assert.Superset(new HashSet<string>(["bbox", "district", "roadClass", "status", "q", "managingUnit", "limit", "offset"]), new HashSet<string>(Parameters("/api/v1/roads")));
        Assert.Superset(new HashSet<string>(facilityFilters.Concat(["roadClass", "parent", "level"])), new HashSet<string>(Parameters("/api/v1/exports/{layer}.{format}")));
        Assert.Superset(new HashSet<string>(facilityFilters.Where(f => f != "bbox")), new HashSet<string>(Parameters("/tiles/{layer}/{z}/{x}/{y}.mvt")));
    }
}
