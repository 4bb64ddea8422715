using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static Accessibility.Api.Tests.Sharing.SharingTestData;

namespace Accessibility.Api.Tests.Sharing;

/// <summary>What a key reads: its layers, its districts, never a write, and the staff fields of its districts.</summary>
[Collection(RegistryCollection.Name)]
public sealed class ApiKeyAccessTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly string[] AllLayers =
        ["facilities", "roads", "inspections", "defects", "public-reports", "renovation-statistics", "coverage", "plan-targets"];

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await SeedAsync(registry);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Uri Url(string path) => new(path, UriKind.Relative);

    private async Task<string> YongjiKeyAsync(params string[] layers)
    {
        using var admin = await registry.CreateUserClientAsync("system-admin");
        return (await CreateKeyAsync(admin, [Yongji], layers.Length == 0 ? AllLayers : layers)).Secret;
    }

    private static async Task<JsonNode> JsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(Url(path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + (int)response.StatusCode + " " + text);
        return JsonNode.Parse(text)!;
    }

    private static async Task AssertProblemAsync(HttpClient client, string path, HttpStatusCode status, string titleContains)
    {
        using var response = await client.GetAsync(Url(path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, path + ": " + (int)response.StatusCode + " " + text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(titleContains, (string?)JsonNode.Parse(text)!["title"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_hold_only_the_keys_districts_and_naming_another_district_is_403()
    {
        using var key = KeyClient(registry, await YongjiKeyAsync());
        using var anonymous = registry.CreateClient();

        // Anonymous readers see both counties; the key only Yongji.
        Assert.Equal(24, (int)(await JsonAsync(anonymous, "/api/v1/facilities"))["numberMatched"]!);
        var facilities = await JsonAsync(key, "/api/v1/facilities");
        Assert.Equal(12, (int)facilities["numberMatched"]!);
        Assert.All(facilities["features"]!.AsArray(), f => Assert.Equal(Yongji, (string?)f!["properties"]!["districtCode"]));
        // The page links keep working for the key.
        Assert.Equal(12, (int)(await JsonAsync(key, "/api/v1/facilities?limit=5&offset=10"))["numberMatched"]!);

        var inspections = await JsonAsync(key, "/api/v1/inspections");
        Assert.Equal(4, (int)inspections["total"]!);
        Assert.All(inspections["inspections"]!.AsArray(), i => Assert.Equal(Yongji, (string?)i!["districtCode"]));
        var defects = await JsonAsync(key, "/api/v1/defects");
        Assert.Equal(4, (int)defects["total"]!);
        Assert.Equal(4, (int)(await JsonAsync(key, "/api/v1/defects/stats"))["open"]!);
        Assert.Equal(8, (int)(await JsonAsync(anonymous, "/api/v1/defects/stats"))["open"]!);
        Assert.Equal(12, (int)(await JsonAsync(key, "/api/v1/inspections/schedule"))["counts"]!["total"]!);

        var reports = (await JsonAsync(key, "/open311/v2/requests.json?start_date=2026-09-01T00:00:00Z&end_date=2026-11-01T00:00:00Z")).AsArray();
        Assert.Equal(6, reports.Count);
        Assert.All(reports, r => Assert.Contains("永济", (string?)r!["description"], StringComparison.Ordinal));
        var ogc = await JsonAsync(key, "/ogc/collections/facilities/items?limit=100");
        Assert.Equal(12, (int)ogc["numberMatched"]!);

        // A township of Yongji is inside; another county, or the prefecture around Yongji, is not.
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync(Url("/api/v1/facilities?district=140881001"))).StatusCode);
        foreach (var path in new[]
        {
            "/api/v1/facilities?district=" + Yanshi, "/api/v1/inspections?district=" + Yanshi, "/api/v1/defects?district=140800",
            "/api/v1/defects/stats?district=" + Yanshi, "/ogc/collections/facilities/items?district=" + Yanshi,
            "/api/v1/exports/facilities.csv?district=" + Yanshi, "/api/v1/coverage/" + Yanshi, "/api/v1/coverage?parent=140800",
            "/api/v1/renovations/statistics?district=" + Yanshi,
        })
        {
            await AssertProblemAsync(key, path, HttpStatusCode.Forbidden, "Outside the API key's districts");
        }
    }

    [Fact]
    public async Task Single_records_of_other_districts_are_403_and_of_its_own_show_the_staff_fields()
    {
        using var key = KeyClient(registry, await YongjiKeyAsync());
        using var anonymous = registry.CreateClient();
        var yanshiFacility = await registry.ScalarAsync<long>("SELECT min(id) FROM facilities WHERE district_code = $1", Yanshi);
        var yanshiInspection = await registry.ScalarAsync<long>("SELECT min(id) FROM inspections WHERE district_code = $1", Yanshi);
        var yanshiDefect = await registry.ScalarAsync<long>("SELECT min(id) FROM defects WHERE district_code = $1", Yanshi);
        var yanshiReport = await registry.ScalarAsync<long>("SELECT min(id) FROM reports WHERE district_code = $1", Yanshi);
        foreach (var path in new[]
        {
            "/api/v1/facilities/" + yanshiFacility, "/api/v1/inspections/" + yanshiInspection, "/api/v1/defects/" + yanshiDefect,
            "/api/v1/reports/" + yanshiReport, "/ogc/collections/facilities/items/" + yanshiFacility,
            "/ogc/collections/public-reports/items/" + yanshiReport,
        })
        {
            await AssertProblemAsync(key, path, HttpStatusCode.Forbidden, "Outside the API key's districts");
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(Url(path))).StatusCode);
        }

        using var open311 = await key.GetAsync(Url("/open311/v2/requests/" + yanshiReport + ".json"));
        Assert.Equal(HttpStatusCode.Forbidden, open311.StatusCode);

        // In its district, the key sees who inspected, as signed-in staff do; anonymous readers do not.
        var yongjiInspection = await registry.ScalarAsync<long>("SELECT min(id) FROM inspections WHERE district_code = $1", Yongji);
        var withKey = await JsonAsync(key, "/api/v1/inspections/" + yongjiInspection);
        Assert.Equal(YongjiInspector, (string?)withKey["inspector"]!["name"]);
        Assert.Null((await JsonAsync(anonymous, "/api/v1/inspections/" + yongjiInspection))["inspector"]);
        var list = await JsonAsync(key, "/api/v1/inspections");
        Assert.All(list["inspections"]!.AsArray(), i => Assert.Equal(YongjiInspector, (string?)i!["inspector"]!["name"]));
        Assert.DoesNotContain(YanshiInspector, list.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_layer_the_key_was_not_given_is_403_everywhere_it_appears()
    {
        using var key = KeyClient(registry, await YongjiKeyAsync("facilities"));
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync(Url("/api/v1/facilities"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync(Url("/ogc/collections/facilities-curb_ramp/items"))).StatusCode);
        foreach (var path in new[]
        {
            "/api/v1/roads", "/api/v1/inspections", "/api/v1/defects/1", "/api/v1/defects/stats", "/open311/v2/requests.json",
            "/api/v1/reports/1", "/ogc/collections/open-defects/items", "/ogc/collections/public-reports", "/ogc/collections/road-segments/items",
            "/api/v1/exports/defects.csv", "/api/v1/exports/roads.geojson", "/api/v1/renovations/statistics", "/api/v1/coverage/140881",
            "/api/v1/plan-targets",
        })
        {
            await AssertProblemAsync(key, path, HttpStatusCode.Forbidden, "Layer not shared with this API key");
        }

        // Reference data every key reads; and OGC lists only what the key can read.
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync(Url("/api/v1/districts/140881/boundary"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync(Url("/ogc/collections/districts/items?limit=1"))).StatusCode);
        var collections = (await JsonAsync(key, "/ogc/collections"))["collections"]!.AsArray().Select(c => (string)c!["id"]!).ToList();
        Assert.Contains("facilities", collections);
        Assert.Contains("districts", collections);
        Assert.DoesNotContain("open-defects", collections);
        Assert.DoesNotContain("public-reports", collections);
        Assert.DoesNotContain("road-segments", collections);
    }

    [Fact]
    public async Task Routes_outside_the_shared_layers_are_403_for_every_key()
    {
        using var key = KeyClient(registry, await YongjiKeyAsync());
        foreach (var path in new[]
        {
            "/api/v1/users", "/api/v1/audit", "/api/v1/auth/me", "/api/v1/auth/tokens", "/api/v1/reports?district=140881",
            "/api/v1/renovations/cases?district=140881", "/api/v1/renovations/map?district=140881", "/api/v1/renovations/cases.csv?district=140881",
            "/api/v1/inspections/worklist?lon=110.44&lat=34.86", "/tiles/facilities/14/13410/6538.mvt", "/api/v1/api-keys",
        })
        {
            await AssertProblemAsync(key, path, HttpStatusCode.Forbidden, "Not shared through API keys");
        }
    }

    [Fact]
    public async Task Every_write_with_a_key_is_403_and_changes_nothing()
    {
        using var key = KeyClient(registry, await YongjiKeyAsync());
        var facility = await registry.ScalarAsync<long>("SELECT min(id) FROM facilities WHERE district_code = $1", Yongji);
        static HttpContent Json() => new StringContent("{}", Encoding.UTF8, "application/json");
        var writes = new (HttpMethod Method, string Path, Func<HttpContent?> Body)[]
        {
            (HttpMethod.Post, "/api/v1/facilities", Json),
            (HttpMethod.Put, "/api/v1/facilities/" + facility, Json),
            (HttpMethod.Delete, "/api/v1/facilities/" + facility, () => null),
            (HttpMethod.Post, "/api/v1/defects/1/assign", Json),
            (HttpMethod.Post, "/api/v1/inspections", Json),
            (HttpMethod.Post, "/api/v1/reports/1/me-too", () => null),
            (HttpMethod.Post, "/api/v1/api-keys", Json),
            (HttpMethod.Post, "/open311/v2/requests.json", () => new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["service_code"] = "curb_ramp", ["lat"] = "34.86", ["long"] = "110.44", ["description"] = "坡道破损",
            })),
        };
        foreach (var (method, path, body) in writes)
        {
            using var request = new HttpRequestMessage(method, Url(path)) { Content = body() };
            using var response = await key.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, method + " " + path + ": " + (int)response.StatusCode);
            Assert.Contains("read-only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(24L, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE deleted_at IS NULL"));
        Assert.Equal(12L, await registry.ScalarAsync<long>("SELECT count(*) FROM reports"));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT sum(me_too_count) FROM reports"));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action <> 'create' OR entity_type <> 'api_key'"));
    }

    [Fact]
    public async Task The_key_is_read_from_the_header_the_authorization_scheme_or_the_query()
    {
        var secret = await YongjiKeyAsync("facilities");
        using var header = KeyClient(registry, secret);
        using var authorization = registry.CreateClient();
        authorization.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", secret);
        using var query = registry.CreateClient();
        foreach (var (client, path) in new[] { (header, "/api/v1/facilities"), (authorization, "/api/v1/facilities"), (query, "/api/v1/facilities?api-key=" + secret) })
        {
            Assert.Equal(12, (int)(await JsonAsync(client, path))["numberMatched"]!);
        }

        // The query parameter travels in the next links, so that a GIS client keeps its key while paging.
        var page = await JsonAsync(query, "/ogc/collections/facilities/items?limit=5&api-key=" + secret);
        var next = (string)page["links"]!.AsArray().Single(l => (string?)l!["rel"] == "next")!["href"]!;
        Assert.Contains("api-key=" + secret, next, StringComparison.Ordinal);
        Assert.Equal(5, (int)(await JsonAsync(query, new Uri(next).PathAndQuery))["numberReturned"]!);

        // A personal token beside a key does not widen it: the key decides.
        using var both = KeyClient(registry, secret);
        using var admin = await registry.CreateUserClientAsync("system-admin");
        both.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.Forbidden, (await both.GetAsync(Url("/api/v1/users"))).StatusCode);
    }
}
