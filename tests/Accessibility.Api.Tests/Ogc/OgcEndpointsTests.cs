using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Ogc;

[Collection(RegistryCollection.Name)]
public sealed class OgcEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    private const string Epsg4490 = "http://www.opengis.net/def/crs/EPSG/0/4490";

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await OgcTestData.SeedAsync(registry, 65);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(JsonObject Body, HttpResponseMessage Response)> GetJsonAsync(string path)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(path));
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + await response.Content.ReadAsStringAsync());
        return (await response.ReadObjectAsync(), response);
    }

    private static string? Href(JsonObject doc, string rel, string? type = null) =>
        doc["links"]!.AsArray().FirstOrDefault(l => (string?)l!["rel"] == rel && (type is null || (string?)l["type"] == type))?["href"]?.GetValue<string>();

    [Fact]
    public async Task Landing_page_conformance_and_api_definition_are_linked_and_complete()
    {
        var (landing, _) = await GetJsonAsync("/ogc");
        Assert.EndsWith("/ogc/api", Href(landing, "service-desc"), StringComparison.Ordinal);
        Assert.EndsWith("/ogc/conformance", Href(landing, "conformance"), StringComparison.Ordinal);
        Assert.EndsWith("/ogc/collections", Href(landing, "data"), StringComparison.Ordinal);

        var (conformance, _) = await GetJsonAsync("/ogc/conformance");
        var classes = conformance["conformsTo"]!.AsArray().Select(c => (string)c!).ToArray();
        foreach (var c in new[] { "ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson", "ogcapi-features-1/1.0/conf/html",
                     "ogcapi-features-1/1.0/conf/oas30", "ogcapi-features-2/1.0/conf/crs" })
        {
            Assert.Contains(classes, x => x.EndsWith(c, StringComparison.Ordinal));
        }

        using var client = registry.CreateClient();
        var api = await client.GetAsync(Url("/ogc/api"));
        Assert.Equal("application/vnd.oai.openapi+json", api.Content.Headers.ContentType?.MediaType);
        var doc = await api.ReadObjectAsync();
        Assert.StartsWith("3.0", (string?)doc["openapi"], StringComparison.Ordinal);
        var paths = doc["paths"]!.AsObject();
        Assert.Contains("/collections/facilities-curb_ramp/items", paths.Select(p => p.Key));
        Assert.Contains("/collections/districts/items/{featureId}", paths.Select(p => p.Key));
        var roadParameters = paths["/collections/road-segments/items"]!["get"]!["parameters"]!.AsArray();
        Assert.Contains(roadParameters, p => (string?)p!["name"] == "roadClass");
    }

    [Fact]
    public async Task Collections_are_facilities_each_kind_roads_and_districts_with_their_crs_and_never_households()
    {
        var (collections, _) = await GetJsonAsync("/ogc/collections");
        var ids = collections["collections"]!.AsArray().Select(c => (string)c!["id"]!).ToArray();
        string[] expected = ["facilities", .. OgcTestData.Kinds.Select(k => "facilities-" + k), "road-segments", "districts", "open-defects", "public-reports"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(ids, id => id.Contains("renovation", StringComparison.Ordinal) || id.Contains("household", StringComparison.Ordinal));

        var (ramps, _) = await GetJsonAsync("/ogc/collections/facilities-curb_ramp");
        Assert.Equal(Epsg4490, (string?)ramps["storageCrs"]);
        var crs = ramps["crs"]!.AsArray().Select(c => (string)c!).ToArray();
        Assert.Equal(Crs84, crs[0]);
        Assert.Contains(Epsg4490, crs);
        Assert.Equal(4, ramps["extent"]!["spatial"]!["bbox"]![0]!.AsArray().Count);
        Assert.EndsWith("/ogc/collections/facilities-curb_ramp/items", Href(ramps, "items", "application/geo+json"), StringComparison.Ordinal);

        using var client = registry.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("/ogc/collections/renovation-cases/items"))).StatusCode);
    }

    [Fact]
    public async Task Items_page_by_keyset_next_links_until_every_feature_was_seen_once()
    {
        var (first, response) = await GetJsonAsync("/ogc/collections/facilities/items");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("<" + Crs84 + ">", string.Join(",", response.Headers.GetValues("Content-Crs")));
        Assert.Equal(65, (int)first["numberMatched"]!);
        Assert.Equal(10, (int)first["numberReturned"]!); // default limit
        Assert.Equal(10, first["features"]!.AsArray().Count);

        var ids = new List<long>();
        var page = first;
        var pages = 0;
        while (true)
        {
            pages++;
            ids.AddRange(page["features"]!.AsArray().Select(f => (long)f!["id"]!));
            if (Href(page, "next") is not { } next)
            {
                break;
            }

            Assert.Contains("after=", next, StringComparison.Ordinal);
            Assert.DoesNotContain("offset", next, StringComparison.Ordinal);
            (page, _) = await GetJsonAsync(new Uri(next).PathAndQuery);
        }

        Assert.Equal(7, pages);
        Assert.Equal(65, ids.Count);
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(65, ids.Distinct().Count());
    }

    [Fact]
    public async Task Limit_is_clamped_to_10000_and_a_bad_limit_or_unknown_parameter_is_a_400_naming_it()
    {
        var (all, _) = await GetJsonAsync("/ogc/collections/facilities/items?limit=20000");
        Assert.Equal(65, (int)all["numberReturned"]!);
        Assert.Null(Href(all, "next"));

        using var client = registry.CreateClient();
        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=ten", "limit"), ("colour=red", "colour"), ("bbox=1,2,3", "bbox"),
                     ("crs=EPSG:3857", "crs"), ("datetime=yesterday", "datetime"), ("after=abc", "after"), ("f=xml", "f") })
        {
            var response = await client.GetAsync(Url("/ogc/collections/facilities/items?" + query));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.ReadObjectAsync();
            Assert.NotNull(problem["errors"]![field]);
        }

        var noTime = await client.GetAsync(Url("/ogc/collections/districts/items?datetime=2024-01-01T00:00:00Z"));
        Assert.Equal(HttpStatusCode.BadRequest, noTime.StatusCode);
    }

    [Fact]
    public async Task Bbox_datetime_and_property_filters_narrow_the_set()
    {
        // 50 facilities per grid row: the first row (i = 1..49) lies below latitude 34.86015.
        var (box, _) = await GetJsonAsync("/ogc/collections/facilities/items?limit=100&bbox=110.43,34.85,110.46,34.86015");
        Assert.Equal(49, (int)box["numberMatched"]!);

        // The same box in EPSG:4490 axis order (latitude first).
        var (swapped, _) = await GetJsonAsync("/ogc/collections/facilities/items?limit=100&bbox=34.85,110.43,34.86015,110.46&bbox-crs=" + Uri.EscapeDataString(Epsg4490));
        Assert.Equal(49, (int)swapped["numberMatched"]!);

        var (operational, _) = await GetJsonAsync("/ogc/collections/facilities/items?status=operational&limit=100");
        Assert.Equal(32, (int)operational["numberMatched"]!);
        Assert.All(operational["features"]!.AsArray(), f => Assert.Equal("operational", (string?)f!["properties"]!["status"]));

        var (ramps, _) = await GetJsonAsync("/ogc/collections/facilities-curb_ramp/items?limit=100");
        Assert.Equal(5, (int)ramps["numberMatched"]!); // i = 2, 15, 28, 41, 54
        Assert.All(ramps["features"]!.AsArray(), f => Assert.Equal("curb_ramp", (string?)f!["properties"]!["kind"]));

        // updated_at is 2024-01-01 + i days: i = 10..20 inclusive.
        var (recent, _) = await GetJsonAsync("/ogc/collections/facilities/items?limit=100&datetime=2024-01-11T00:00:00Z/2024-01-21T00:00:00Z");
        Assert.Equal(11, (int)recent["numberMatched"]!);
        var (open, _) = await GetJsonAsync("/ogc/collections/facilities/items?limit=100&datetime=../2024-01-03T00:00:00Z");
        Assert.Equal(2, (int)open["numberMatched"]!);

        var (district, _) = await GetJsonAsync("/ogc/collections/facilities/items?district=410307");
        Assert.Equal(0, (int)district["numberMatched"]!);
        var (main, _) = await GetJsonAsync("/ogc/collections/road-segments/items?roadClass=main&curbRampEnd=true");
        Assert.Equal(1, (int)main["numberMatched"]!);
    }

    [Fact]
    public async Task Open_defects_are_the_unclosed_ones_without_history_or_people()
    {
        var (defects, _) = await GetJsonAsync("/ogc/collections/open-defects/items");
        var features = defects["features"]!.AsArray();
        Assert.Equal(["fixed", "open"], features.Select(f => (string)f!["properties"]!["status"]!).Order(StringComparer.Ordinal).ToArray());
        var open = features.Single(f => (string?)f!["properties"]!["status"] == "open")!;
        Assert.Equal("永济设施1号, \"测试\"", (string?)open["properties"]!["facilityName"]);
        Assert.Null(open["properties"]!["history"]);
        var raw = defects.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.DoesNotContain("测试检查员", raw, StringComparison.Ordinal);
        var (fixedOnes, _) = await GetJsonAsync("/ogc/collections/open-defects/items?status=fixed&district=140881");
        Assert.Equal(1, (int)fixedOnes["numberMatched"]!);
    }

    [Fact]
    public async Task Crs_epsg_4490_swaps_the_axes_and_says_so_in_Content_Crs()
    {
        var (crs84, _) = await GetJsonAsync("/ogc/collections/facilities-curb_ramp/items?limit=1");
        var (epsg, response) = await GetJsonAsync("/ogc/collections/facilities-curb_ramp/items?limit=1&crs=" + Uri.EscapeDataString(Epsg4490));
        Assert.Equal("<" + Epsg4490 + ">", string.Join(",", response.Headers.GetValues("Content-Crs")));
        var lonLat = crs84["features"]![0]!["geometry"]!["coordinates"]!.AsArray().Select(c => (double)c!).ToArray();
        var latLon = epsg["features"]![0]!["geometry"]!["coordinates"]!.AsArray().Select(c => (double)c!).ToArray();
        Assert.InRange(lonLat[0], 110, 111);
        Assert.Equal([lonLat[1], lonLat[0]], latLon);

        var id = (long)crs84["features"]![0]!["id"]!;
        var (one, itemResponse) = await GetJsonAsync($"/ogc/collections/facilities-curb_ramp/items/{id}?crs=" + Uri.EscapeDataString(Epsg4490));
        Assert.Equal("<" + Epsg4490 + ">", string.Join(",", itemResponse.Headers.GetValues("Content-Crs")));
        Assert.Equal(latLon, one["geometry"]!["coordinates"]!.AsArray().Select(c => (double)c!).ToArray());
    }

    [Fact]
    public async Task An_item_is_found_in_its_collections_only_and_deleted_ones_are_gone()
    {
        var rampId = await registry.ScalarAsync<long>("SELECT min(id) FROM facilities WHERE kind = 'curb_ramp'");
        var toiletId = await registry.ScalarAsync<long>("SELECT min(id) FROM facilities WHERE kind = 'accessible_toilet'");
        var (ramp, _) = await GetJsonAsync($"/ogc/collections/facilities-curb_ramp/items/{rampId}");
        Assert.Equal("Feature", (string?)ramp["type"]);
        Assert.Equal(rampId, (long)ramp["id"]!);
        Assert.StartsWith("永济设施", (string?)ramp["properties"]!["name"], StringComparison.Ordinal);
        Assert.NotNull(Href(ramp, "collection"));
        await GetJsonAsync($"/ogc/collections/facilities/items/{rampId}");

        using var client = registry.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url($"/ogc/collections/facilities-curb_ramp/items/{toiletId}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("/ogc/collections/facilities/items/not-a-number"))).StatusCode);
        await registry.ScalarAsync<int>("UPDATE facilities SET deleted_at = now() WHERE id = $1", rampId);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url($"/ogc/collections/facilities/items/{rampId}"))).StatusCode);

        var code = await registry.ScalarAsync<string>("SELECT min(code) FROM districts WHERE boundary IS NOT NULL");
        var (district, _) = await GetJsonAsync("/ogc/collections/districts/items/" + code);
        Assert.Equal(code, (string?)district["id"]);
        Assert.Equal("MultiPolygon", (string?)district["geometry"]!["type"]);
    }

    [Fact]
    public async Task Html_is_served_for_f_html_and_for_browsers_and_json_for_gis_clients()
    {
        using var client = registry.CreateClient();
        var html = await client.GetStringAsync(Url("/ogc/collections/facilities/items?f=html&limit=3"));
        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Contains("<caption>", html, StringComparison.Ordinal);
        Assert.Contains("永济设施", html, StringComparison.Ordinal);
        Assert.Contains("&quot;测试&quot;", html, StringComparison.Ordinal); // encoded, never raw markup
        Assert.Contains("Next page", html, StringComparison.Ordinal);

        using var browser = new HttpRequestMessage(HttpMethod.Get, Url("/ogc/collections"));
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var page = await client.SendAsync(browser);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("facilities-curb_ramp", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var gis = new HttpRequestMessage(HttpMethod.Get, Url("/ogc/collections/districts/items?limit=1"));
        gis.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/geo+json"));
        gis.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var json = await client.SendAsync(gis);
        Assert.Equal("application/geo+json", json.Content.Headers.ContentType?.MediaType);

        foreach (var path in new[] { "/ogc?f=html", "/ogc/conformance?f=html", "/ogc/api?f=html", "/ogc/collections/districts?f=html" })
        {
            var response = await client.GetAsync(Url(path));
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
