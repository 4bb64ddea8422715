using System.Net;
using System.Text.Json.Nodes;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Exports;

/// <summary>
/// <c>GET /api/v1/exports/facilities.a11y.json</c>: facilities as A11yJSON <c>PlaceInfo</c> features (the schema of
/// accessibility.cloud and Wheelmap), by the mapping of docs/a11yjson.md, with the exports' filters.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class A11yJsonExportTests(RegistryFixture registry) : IAsyncLifetime
{
    private const int Facilities = 26;

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await Ogc.OgcTestData.SeedAsync(registry, Facilities, roads: 1);
        // 1: accessible toilet (unusable), 4: accessible entrance (operational), 7: accessible parking (unusable).
        await registry.ScalarAsync<int>("""
            UPDATE facilities SET attributes = '{"door_width_mm": 900, "threshold_height_mm": 10, "door_type": "sliding", "grab_bars": true,
              "emergency_call": true, "baby_changing": false, "unisex": true, "room_width_m": 2.0, "room_depth_m": 2.2}'::jsonb WHERE id = 1
            """);
        await registry.ScalarAsync<int>("""
            UPDATE facilities SET attributes = '{"entrance_type": "level", "door_width_mm": 1000, "threshold_height_mm": 15,
              "door_type": "automatic", "entrance_slope": 0.02, "signage": true}'::jsonb WHERE id = 4
            """);
        await registry.ScalarAsync<int>("""
            UPDATE facilities SET attributes = '{"spaces": 2, "stall_width_m": 3.5, "stall_length_m": 6.0, "distance_to_entrance_m": 20,
              "signage": true}'::jsonb WHERE id = 7
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonArray> FeaturesAsync(string query = "")
    {
        using var client = registry.CreateClient();
        using var response = await client.GetAsync(Url("/api/v1/exports/facilities.a11y.json" + query));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".a11y.json", response.Content.Headers.ContentDisposition?.FileNameStar, StringComparison.Ordinal);
        var collection = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("FeatureCollection", (string?)collection["type"]);
        return collection["features"]!.AsArray();
    }

    private static JsonNode Place(JsonArray features, long id) =>
        Assert.Single(features, f => (string?)f!["properties"]!["originalId"] == id.ToString(System.Globalization.CultureInfo.InvariantCulture))!;

    private static void AssertLength(JsonNode? quantity, double value, string unit)
    {
        Assert.NotNull(quantity);
        Assert.Equal(value, (double)quantity["value"]!, 6);
        Assert.Equal(unit, (string?)quantity["unit"]);
    }

    [Fact]
    public async Task Every_facility_is_a_PlaceInfo_point_with_name_category_and_accessibility()
    {
        var features = await FeaturesAsync();

        Assert.Equal(Facilities, features.Count);
        Assert.All(features, f =>
        {
            Assert.Equal("Feature", (string?)f!["type"]);
            Assert.Equal("Point", (string?)f["geometry"]!["type"]); // PlaceInfo geometry is a point; tactile paving lines too
            Assert.False(string.IsNullOrEmpty((string?)f["properties"]!["category"]));
            Assert.NotNull(f["properties"]!["accessibility"]);
        });
        var toilet = Place(features, 1);
        Assert.Equal("永济设施1号, \"测试\"", (string?)toilet["properties"]!["name"]);
        Assert.Equal(110.4402, (double)toilet["geometry"]!["coordinates"]![0]!, 6);
        Assert.Equal(34.86, (double)toilet["geometry"]!["coordinates"]![1]!, 6);
    }

    [Fact]
    public async Task A_toilet_an_entrance_and_a_parking_space_carry_their_measures_and_booleans()
    {
        var features = await FeaturesAsync();

        var toilet = Place(features, 1)["properties"]!;
        Assert.Equal("toilets", (string?)toilet["category"]);
        Assert.False((bool)toilet["accessibility"]!["accessibleWith"]!["wheelchair"]!); // unusable
        var restroom = toilet["accessibility"]!["restrooms"]![0]!;
        Assert.False((bool)restroom["isAccessibleWithWheelchair"]!);
        Assert.True((bool)restroom["hasSupportRails"]!);
        Assert.True((bool)restroom["hasEmergencyPullstring"]!);
        Assert.False((bool)restroom["hasChangingTableForBabies"]!);
        Assert.Equal("allGender", (string?)restroom["signIcons"]![0]);
        AssertLength(restroom["entrance"]!["door"]!["width"], 900, "mm");
        AssertLength(restroom["entrance"]!["door"]!["thresholdHeight"], 10, "mm");
        Assert.True((bool)restroom["entrance"]!["door"]!["isSliding"]!);

        var entrance = Place(features, 4)["properties"]!;
        Assert.Equal("entrance", (string?)entrance["category"]);
        Assert.True((bool)entrance["accessibility"]!["accessibleWith"]!["wheelchair"]!); // operational
        var door = entrance["accessibility"]!["entrances"]![0]!;
        Assert.True((bool)door["isLevel"]!);
        Assert.False((bool)door["hasFixedRamp"]!);
        Assert.True((bool)door["hasSignage"]!);
        AssertLength(door["slopeAngle"], 2, "%");
        AssertLength(door["door"]!["width"], 1000, "mm");
        AssertLength(door["door"]!["thresholdHeight"], 15, "mm");
        Assert.True((bool)door["door"]!["isAutomatic"]!);

        var parking = Place(features, 7)["properties"]!;
        Assert.Equal("parking_space", (string?)parking["category"]);
        var forWheelchairUsers = parking["accessibility"]!["parking"]!["forWheelchairUsers"]!;
        Assert.Equal(2, (int)forWheelchairUsers["count"]!);
        AssertLength(forWheelchairUsers["width"], 3.5, "m");
        AssertLength(forWheelchairUsers["length"], 6.0, "m");
        AssertLength(forWheelchairUsers["distanceToEntrance"], 20, "m");
        Assert.True((bool)forWheelchairUsers["hasDedicatedSignage"]!);
    }

    [Fact]
    public async Task The_exports_filters_apply_and_bad_ones_are_refused()
    {
        var parking = await FeaturesAsync("?kind=accessible_parking");
        var expected = await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE kind = 'accessible_parking'");
        Assert.Equal(expected, parking.Count);
        Assert.All(parking, f => Assert.Equal("parking_space", (string?)f!["properties"]!["category"]));

        var operational = await FeaturesAsync("?status=operational");
        Assert.Equal(Facilities / 2, operational.Count);

        using var client = registry.CreateClient();
        using var bad = await client.GetAsync(Url("/api/v1/exports/facilities.a11y.json?bbox=1,2"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.ReadObjectAsync())["errors"]!["bbox"]);
    }
}
