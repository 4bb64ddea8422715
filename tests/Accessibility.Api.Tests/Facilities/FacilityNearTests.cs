using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Facilities;

/// <summary>
/// <c>near=lon,lat</c>: nearest first by geodesic distance. Toilets around (110.45, 34.87), where a degree of
/// longitude is 91.4 km and one of latitude 110.9 km (CGCS2000 ellipsoid, by hand: N·cos φ and M at 34.87°):
/// W 0.003° west (274 m, unusable), E 0.010° east (914 m), N 0.009° north (998 m), S 0.020° south (2,219 m); a curb
/// ramp 0.001° east; a toilet in Yanshi. N is nearer in degrees than E but farther in metres.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class FacilityNearTests(RegistryFixture registry) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
            SELECT kind, name, ST_SetSRID(ST_MakePoint(x, y), 4490), '{}', status, county, 'test', name, now(), now()
            FROM (VALUES
              ('accessible_toilet', 'W', 110.447, 34.870, 'unusable', '140881'),
              ('accessible_toilet', 'E', 110.460, 34.870, 'operational', '140881'),
              ('accessible_toilet', 'N', 110.450, 34.879, 'operational', '140881'),
              ('accessible_toilet', 'S', 110.450, 34.850, 'operational', '140881'),
              ('curb_ramp', 'R', 110.451, 34.870, 'operational', '140881'),
              ('accessible_toilet', 'Y', 112.790, 34.727, 'operational', '410307')) v(kind, name, x, y, status, county);
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> ListAsync(string query)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url("/api/v1/facilities" + query));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }

    private static (string Name, long Metres)[] Nearest(JsonObject collection) =>
        collection["features"]!.AsArray().Select(f => ((string)f!["properties"]!["name"]!, (long)f["properties"]!["distanceM"]!)).ToArray();

    [Fact]
    public async Task Nearest_come_first_in_metres_not_degrees()
    {
        var toilets = await ListAsync("?kind=accessible_toilet&near=110.45,34.87&limit=4");
        Assert.Equal(5, (int)toilets["numberMatched"]!);
        var nearest = Nearest(toilets);
        Assert.Equal(["W", "E", "N", "S"], nearest.Select(n => n.Name));
        Assert.InRange(nearest[0].Metres, 273, 275);
        Assert.InRange(nearest[1].Metres, 913, 915);
        Assert.InRange(nearest[2].Metres, 997, 999);
        Assert.InRange(nearest[3].Metres, 2218, 2220);

        // The nearest operational one is E, though N is nearer in degrees (0.009° against 0.010°).
        var operational = Nearest(await ListAsync("?kind=accessible_toilet&status=operational&near=110.45,34.87&limit=1"));
        Assert.Equal("E", Assert.Single(operational).Name);
        var second = Nearest(await ListAsync("?kind=accessible_toilet&status=operational&near=110.45,34.87&limit=1&offset=1"));
        Assert.Equal("N", Assert.Single(second).Name);

        // Other filters still apply; a point in Yanshi finds Yanshi's toilet first.
        Assert.Equal("R", Nearest(await ListAsync("?near=110.45,34.87&limit=1"))[0].Name);
        Assert.Equal("Y", Nearest(await ListAsync("?kind=accessible_toilet&near=112.79,34.73&limit=1"))[0].Name);
        Assert.Equal(["E", "N"], Nearest(await ListAsync("?kind=accessible_toilet&near=110.45,34.87&bbox=110.449,34.86,110.47,34.88&status=operational")).Select(n => n.Name));

        // Without near there is no distance, and the order is by id.
        var plain = await ListAsync("?kind=accessible_toilet&limit=2");
        Assert.Null(plain["features"]![0]!["properties"]!["distanceM"]);
    }

    [Theory]
    [InlineData("110.45")]
    [InlineData("200,10")]
    [InlineData("110.45,95")]
    [InlineData("a,b")]
    [InlineData("110.45,34.87,1")]
    [InlineData("NaN,34.87")]
    public async Task A_bad_near_is_a_400_naming_near(string near)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url("/api/v1/facilities?near=" + Uri.EscapeDataString(near)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["near"], await response.ErrorFieldsAsync());
    }
}
