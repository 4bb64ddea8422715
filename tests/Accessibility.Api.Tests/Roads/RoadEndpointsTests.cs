using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Facilities;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Roads;

[Collection(RegistryCollection.Name)]
public sealed class RoadEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // About 1.9 km due east along one parallel in Yongji: 0.02° × 111.32 km × cos(34.867°) ≈ 1,826 m.
    private static JsonObject MainRoad(string name = "中山街") => new()
    {
        ["name"] = name,
        ["roadClass"] = "main",
        ["geometry"] = Line((110.4400, 34.8670), (110.4600, 34.8670)),
        ["sidewalkWidthM"] = 3.5,
        ["curbRampStart"] = true,
        ["curbRampEnd"] = false,
        ["tactilePaving"] = "continuous",
        ["surface"] = "paving_stones",
        ["attributes"] = new JsonObject { ["incline_percent"] = 1.5 },
    };

    [Fact]
    public async Task Create_read_update_delete_with_length_in_metres()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var created = await inspector.PostAsync(Url("/api/v1/roads"), Json(MainRoad()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var feature = await created.ReadObjectAsync();
        var id = (long)feature["id"]!;
        var properties = feature["properties"]!;
        Assert.Equal("140881", (string?)properties["districtCode"]);
        Assert.Equal("main", (string?)properties["roadClass"]);
        Assert.Equal(3.5, (double)properties["sidewalkWidthM"]!);
        Assert.True((bool)properties["curbRampStart"]!);
        Assert.Equal("continuous", (string?)properties["tactilePaving"]);
        // Geodesic length on the ellipsoid: 0.02° of longitude at 34.867°N.
        var expected = 0.02 * Math.PI / 180 * 6378137 * Math.Cos(34.867 * Math.PI / 180) / Math.Sqrt(1 - (0.00669438 * Math.Pow(Math.Sin(34.867 * Math.PI / 180), 2)));
        Assert.InRange((double)properties["lengthM"]!, expected * 0.995, expected * 1.005);

        using var anonymous = registry.CreateClient();
        var read = await anonymous.GetAsync(Url("/api/v1/roads/" + id));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var version = (long)(await read.ReadObjectAsync())["properties"]!["version"]!;

        var change = MainRoad("中山街（东段）");
        change["tactilePaving"] = "partial";
        var updated = await inspector.PutAsync("/api/v1/roads/" + id, change, version);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("partial", (string?)(await updated.ReadObjectAsync())["properties"]!["tactilePaving"]);

        var stale = await inspector.PutAsync("/api/v1/roads/" + id, MainRoad("过时"), version);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("中山街（东段）", (string?)(await stale.ReadObjectAsync())["current"]!["properties"]!["name"]);

        Assert.Equal(HttpStatusCode.NoContent, (await inspector.DeleteAsync(Url("/api/v1/roads/" + id))).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync(Url("/api/v1/roads/" + id))).StatusCode);
        Assert.Equal(3, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'road'"));
    }

    [Fact]
    public async Task Lists_filter_by_class_district_and_bbox()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881", "410307");
        Assert.Equal(HttpStatusCode.Created, (await inspector.PostAsync(Url("/api/v1/roads"), Json(MainRoad()))).StatusCode);
        var branch = MainRoad("小巷");
        branch["roadClass"] = "branch";
        branch["geometry"] = Line(Yanshi, (Yanshi.Lon + 0.002, Yanshi.Lat));
        Assert.Equal(HttpStatusCode.Created, (await inspector.PostAsync(Url("/api/v1/roads"), Json(branch))).StatusCode);

        using var anonymous = registry.CreateClient();
        async Task<JsonObject> List(string query) =>
            JsonNode.Parse(await anonymous.GetStringAsync(Url("/api/v1/roads" + query)))!.AsObject();
        Assert.Equal(2, (int)(await List(""))["numberMatched"]!);
        Assert.Equal("中山街", (string?)(await List("?roadClass=main"))["features"]![0]!["properties"]!["name"]);
        Assert.Equal(1, (int)(await List("?district=410300"))["numberMatched"]!);
        Assert.Equal(1, (int)(await List("?bbox=110.4,34.8,110.5,34.9"))["numberMatched"]!);
        Assert.Equal(1, (int)(await List("?limit=1"))["numberReturned"]!);
    }

    [Theory]
    [InlineData("point", "geometry")]
    [InlineData("unknown class", "roadClass")]
    [InlineData("bad tactile paving", "tactilePaving")]
    [InlineData("negative width", "sidewalkWidthM")]
    [InlineData("outside every district", "geometry")]
    public async Task Unacceptable_segments_are_refused_naming_the_field(string problem, string field)
    {
        var body = MainRoad();
        switch (problem)
        {
            case "point": body["geometry"] = Point(Yongji); break;
            case "unknown class": body["roadClass"] = "motorway"; break;
            case "bad tactile paving": body["tactilePaving"] = "some"; break;
            case "negative width": body["sidewalkWidthM"] = -1; break;
            case "outside every district": body["geometry"] = Line(Beijing, (Beijing.Lon + 0.01, Beijing.Lat)); break;
        }

        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var response = await inspector.PostAsync(Url("/api/v1/roads"), Json(body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(field, await response.ErrorFieldsAsync());
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM road_segments"));
    }

    [Fact]
    public async Task Writes_are_scoped()
    {
        using var anonymous = registry.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Url("/api/v1/roads"), Json(MainRoad()))).StatusCode);
        using var yanshi = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        Assert.Equal(HttpStatusCode.Forbidden, (await yanshi.PostAsync(Url("/api/v1/roads"), Json(MainRoad()))).StatusCode);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM road_segments"));
    }
}
