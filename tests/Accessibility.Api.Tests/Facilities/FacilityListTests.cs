using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Facilities;

[Collection(RegistryCollection.Name)]
public sealed class FacilityListTests(RegistryFixture registry) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        using var yongji = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        using var yanshi = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        // Five curb ramps along a street in Yongji, one toilet there, one curb ramp in Yanshi.
        for (var i = 0; i < 5; i++)
        {
            var ramp = CurbRamp((Yongji.Lon + (i * 0.001), Yongji.Lat), "坡道 " + i);
            ramp["status"] = i == 4 ? "unusable" : "operational";
            Assert.Equal(HttpStatusCode.Created, (await yongji.PostAsync(Url("/api/v1/facilities"), Json(ramp))).StatusCode);
        }

        var toilet = new JsonObject
        {
            ["kind"] = "accessible_toilet",
            ["name"] = "五老峰公园第三卫生间",
            ["geometry"] = Point(YongjiEast),
            ["attributes"] = new JsonObject { ["door_width_mm"] = 900, ["grab_bars"] = true, ["opening_hours"] = "06:00-22:00" },
        };
        Assert.Equal(HttpStatusCode.Created, (await yongji.PostAsync(Url("/api/v1/facilities"), Json(toilet))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await yanshi.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yanshi)))).StatusCode);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> ListAsync(string query)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url("/api/v1/facilities" + query));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadObjectAsync();
    }

    private static string[] Names(JsonObject collection) =>
        collection["features"]!.AsArray().Select(f => (string)f!["properties"]!["name"]!).ToArray();

    [Fact]
    public async Task Without_filters_every_facility_comes_back_as_a_FeatureCollection()
    {
        var all = await ListAsync("");
        Assert.Equal("FeatureCollection", (string?)all["type"]);
        Assert.Equal(7, (int)all["numberMatched"]!);
        Assert.Equal(7, (int)all["numberReturned"]!);
        var first = all["features"]![0]!;
        Assert.Equal("Feature", (string?)first["type"]);
        Assert.Equal((long)first["id"]!, (long)first["properties"]!["id"]!);
        Assert.Null(first["crs"]);
        Assert.Null(first["geometry"]!["crs"]);
        foreach (var key in new[] { "kind", "name", "status", "managingUnit", "districtCode", "townshipCode", "source", "externalId", "attributes", "version", "updatedAt" })
        {
            Assert.True(first["properties"]!.AsObject().ContainsKey(key), key);
        }

        // RFC 7946 coordinates, at most 7 decimals.
        var lon = first["geometry"]!["coordinates"]![0]!.ToJsonString();
        Assert.True(lon.Length - lon.IndexOf('.', StringComparison.Ordinal) - 1 <= 7, lon);
    }

    [Fact]
    public async Task Filters_by_bbox_district_kind_and_status()
    {
        // A box around the first three ramps only.
        var box = FormattableString.Invariant($"?bbox={Yongji.Lon - 0.0005},{Yongji.Lat - 0.0005},{Yongji.Lon + 0.0025},{Yongji.Lat + 0.0005}");
        Assert.Equal(["坡道 0", "坡道 1", "坡道 2"], Names(await ListAsync(box)));

        Assert.Equal(6, (int)(await ListAsync("?district=140881"))["numberMatched"]!);
        Assert.Equal(6, (int)(await ListAsync("?district=140800"))["numberMatched"]!); // 运城市 covers 永济市
        Assert.Equal(6, (int)(await ListAsync("?district=140000"))["numberMatched"]!); // 山西省
        Assert.Equal(1, (int)(await ListAsync("?district=410307"))["numberMatched"]!);
        Assert.Equal(0, (int)(await ListAsync("?district=140802"))["numberMatched"]!);
        Assert.Equal(["五老峰公园第三卫生间"], Names(await ListAsync("?kind=accessible_toilet")));
        Assert.Equal(["坡道 4"], Names(await ListAsync("?district=140881&kind=curb_ramp&status=unusable")));
    }

    [Fact]
    public async Task Pages_with_next_and_prev_links()
    {
        var first = await ListAsync("?district=140881&limit=2");
        Assert.Equal(6, (int)first["numberMatched"]!);
        Assert.Equal(2, (int)first["numberReturned"]!);
        var links = first["links"]!.AsArray();
        Assert.DoesNotContain(links, l => (string?)l!["rel"] == "prev");
        var next = (string)links.Single(l => (string?)l!["rel"] == "next")!["href"]!;
        Assert.Contains("offset=2", next, StringComparison.Ordinal);
        Assert.Contains("district=140881", next, StringComparison.Ordinal);

        using var client = registry.CreateClient();
        var seen = Names(first).ToList();
        var page = first;
        while (page["links"]!.AsArray().SingleOrDefault(l => (string?)l!["rel"] == "next") is { } link)
        {
            page = JsonNode.Parse(await client.GetStringAsync(new Uri((string)link["href"]!)))!.AsObject();
            Assert.Contains(page["links"]!.AsArray(), l => (string?)l!["rel"] == "prev");
            seen.AddRange(Names(page));
        }

        Assert.Equal(6, seen.Distinct().Count());
        Assert.Equal(2, (int)page["numberReturned"]!);
    }

    [Fact]
    public async Task Every_page_counts_all_matches_whether_full_short_or_past_the_end()
    {
        // A full page counts the matches; a short one knows them from its offset; one past the end counts them again.
        foreach (var (query, returned, next, prev) in new[]
                 {
                     ("limit=4", 4, true, false), ("limit=4&offset=4", 2, false, true), ("limit=4&offset=6", 0, false, true),
                     ("limit=4&offset=40", 0, false, true), ("limit=6", 6, false, false),
                 })
        {
            var page = await ListAsync("?district=140881&" + query);
            Assert.Equal(6, (int)page["numberMatched"]!);
            Assert.Equal(returned, (int)page["numberReturned"]!);
            Assert.Equal(returned, page["features"]!.AsArray().Count);
            var rels = page["links"]!.AsArray().Select(l => (string)l!["rel"]!).ToArray();
            Assert.Equal(next, rels.Contains("next"));
            Assert.Equal(prev, rels.Contains("prev"));
        }

        var none = await ListAsync("?district=140802");
        Assert.Equal(0, (int)none["numberMatched"]!);
        Assert.Empty(none["features"]!.AsArray());
    }

    [Fact]
    public async Task Deleted_facilities_are_hidden()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var id = (long)(await ListAsync("?kind=accessible_toilet"))["features"]![0]!["id"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await inspector.DeleteAsync(Url("/api/v1/facilities/" + id))).StatusCode);
        Assert.Equal(6, (int)(await ListAsync(""))["numberMatched"]!);
        Assert.Empty(Names(await ListAsync("?kind=accessible_toilet")));
    }

    [Theory]
    [InlineData("?bbox=1,2,3", "bbox")]
    [InlineData("?bbox=112,35,111,34", "bbox")]
    [InlineData("?limit=1001", "limit")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?offset=-1", "offset")]
    [InlineData("?district=14x", "district")]
    public async Task Bad_parameters_are_a_400_naming_the_parameter(string query, string field)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url("/api/v1/facilities" + query));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ErrorFieldsAsync());
    }
}
