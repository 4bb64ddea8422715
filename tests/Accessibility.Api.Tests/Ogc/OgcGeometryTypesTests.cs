using System.Text.Json.Nodes;

namespace Accessibility.Api.Tests.Ogc;

/// <summary>
/// Collections declare the geometry types of their features (<c>geometryTypes</c>, GeoJSON names) in their metadata, so
/// that a client need not guess from the first page: the mixed <c>facilities</c> collection Point and LineString, each
/// per-kind collection its one type; and every served feature has one of the declared types.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class OgcGeometryTypesTests(RegistryFixture registry) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await OgcTestData.SeedAsync(registry, 30, roads: 2, reports: 3);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Mixed_facilities_collection_declares_point_and_linestring_and_each_kind_its_own()
    {
        using var client = registry.CreateClient();
        var listed = JsonNode.Parse(await client.GetStringAsync("/ogc/collections?f=json"))!["collections"]!.AsArray()
            .ToDictionary(c => (string)c!["id"]!, c => c!["geometryTypes"]!.AsArray().Select(t => (string)t!).ToArray(), StringComparer.Ordinal);

        Assert.Equal(["LineString", "Point"], listed["facilities"]);
        Assert.Equal(["LineString"], listed["facilities-tactile_paving"]);
        Assert.Equal(["Point"], listed["facilities-curb_ramp"]);
        Assert.Equal(["LineString"], listed["road-segments"]);
        Assert.Equal(["MultiPolygon"], listed["districts"]);
        Assert.Equal(["Point"], listed["open-defects"]);
        Assert.Equal(["Point"], listed["public-reports"]);

        // The single collection's document says the same, and every feature served has a declared type.
        foreach (var (id, types) in listed)
        {
            var collection = JsonNode.Parse(await client.GetStringAsync($"/ogc/collections/{id}?f=json"))!;
            Assert.Equal(types, collection["geometryTypes"]!.AsArray().Select(t => (string)t!));
            if (id == "districts")
            {
                continue;
            }

            var items = JsonNode.Parse(await client.GetStringAsync($"/ogc/collections/{id}/items?f=json&limit=100"))!;
            Assert.All(items["features"]!.AsArray(), f => Assert.Contains((string)f!["geometry"]!["type"]!, types));
        }

        var mixed = JsonNode.Parse(await client.GetStringAsync("/ogc/collections/facilities/items?f=json&limit=100"))!;
        Assert.Equal(["LineString", "Point"], mixed["features"]!.AsArray().Select(f => (string)f!["geometry"]!["type"]!).Distinct().Order(StringComparer.Ordinal));
    }
}
