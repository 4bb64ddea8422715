using System.Net;
using System.Text.Json.Nodes;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Ogc;

/// <summary>The <c>public-reports</c> collection: what Open311 shows publicly, with datetime on the requested time.</summary>
[Collection(RegistryCollection.Name)]
public sealed class OgcPublicReportsTests(RegistryFixture registry) : IAsyncLifetime
{
    private const int Reports = 16;

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await OgcTestData.SeedAsync(registry, 10, reports: Reports);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> GetJsonAsync(string path)
    {
        using var client = registry.CreateClient();
        using var response = await client.GetAsync(Url(path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + text);
        Assert.DoesNotContain(OgcTestData.ReporterEmail, text, StringComparison.Ordinal);
        Assert.DoesNotContain("13800000000", text, StringComparison.Ordinal);
        Assert.DoesNotContain("device-", text, StringComparison.Ordinal);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static string? Next(JsonObject page) =>
        page["links"]!.AsArray().FirstOrDefault(l => (string?)l!["rel"] == "next")?["href"]?.GetValue<string>();

    [Fact]
    public async Task Reports_page_by_keyset_with_the_public_fields_only()
    {
        var collection = await GetJsonAsync("/ogc/collections/public-reports");
        Assert.Contains("requestedAt", (string?)collection["description"], StringComparison.Ordinal);
        Assert.NotNull(collection["extent"]!["temporal"]);

        var page = await GetJsonAsync("/ogc/collections/public-reports/items?limit=5");
        Assert.Equal(Reports, (int)page["numberMatched"]!);
        var ids = new List<long>();
        var pages = 0;
        while (true)
        {
            pages++;
            ids.AddRange(page["features"]!.AsArray().Select(f => (long)f!["id"]!));
            if (Next(page) is not { } next)
            {
                break;
            }

            Assert.Contains("after=", next, StringComparison.Ordinal);
            page = await GetJsonAsync(new Uri(next).PathAndQuery);
        }

        Assert.Equal(4, pages);
        Assert.Equal(Enumerable.Range(1, Reports).Select(i => (long)i), ids);

        var third = (await GetJsonAsync("/ogc/collections/public-reports/items/3"))["properties"]!.AsObject();
        Assert.Equal("closed", (string?)third["status"]);
        Assert.Equal("closed", (string?)third["state"]);
        Assert.Equal("永济报告3：坡道破损", (string?)third["description"]);
        Assert.Equal("中山街3号", (string?)third["address"]);
        Assert.Equal(3, (int)third["meToo"]!);
        Assert.Equal(DateTimeOffset.Parse("2026-10-03T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), (DateTimeOffset)third["requestedAt"]!);
        // Exactly the public members: no contact, device or account member at all.
        string[] expected =
        [
            "address", "closedAt", "defectId", "description", "districtCode", "duplicateOf", "duplicates", "facilityId", "id", "mediaUrl",
            "meToo", "photoId", "requestedAt", "serviceCode", "state", "status", "statusNotes", "townshipCode", "updatedAt",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), third.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Datetime_filters_on_the_requested_time_and_bbox_and_status_narrow_the_set()
    {
        // Filed on 2026-10-01 + (i - 1) days: 10-03 … 10-07 are reports 3 to 7.
        var interval = await GetJsonAsync("/ogc/collections/public-reports/items?datetime=2026-10-03T00:00:00Z/2026-10-07T00:00:00Z");
        Assert.Equal(5, (int)interval["numberMatched"]!);
        Assert.Equal([3L, 4, 5, 6, 7], interval["features"]!.AsArray().Select(f => (long)f!["id"]!));
        var instant = await GetJsonAsync("/ogc/collections/public-reports/items?datetime=2026-10-05T00:00:00Z");
        Assert.Equal(5L, (long)instant["features"]!.AsArray().Single()!["id"]!);
        var openEnd = await GetJsonAsync("/ogc/collections/public-reports/items?datetime=2026-10-14T00:00:00Z/..");
        Assert.Equal(3, (int)openEnd["numberMatched"]!);
        // Every report was updated today: the filter is not on updatedAt.
        var updated = await GetJsonAsync("/ogc/collections/public-reports/items?datetime=../2026-10-02T00:00:00Z");
        Assert.Equal(2, (int)updated["numberMatched"]!);

        // Report i lies at longitude 110.44 + i * 0.001.
        var box = await GetJsonAsync("/ogc/collections/public-reports/items?bbox=110.4405,34.86,110.4455,34.88");
        Assert.Equal(5, (int)box["numberMatched"]!);
        var closed = await GetJsonAsync("/ogc/collections/public-reports/items?status=closed&limit=100");
        Assert.Equal(5, (int)closed["numberMatched"]!);
        Assert.All(closed["features"]!.AsArray(), f => Assert.Equal(0, (long)f!["id"]! % 3));
        var ramps = await GetJsonAsync("/ogc/collections/public-reports/items?serviceCode=curb_ramp&datetime=2026-10-01/2026-10-10");
        Assert.Equal(5, (int)ramps["numberMatched"]!);

        using var client = registry.CreateClient();
        using var bad = await client.GetAsync(Url("/ogc/collections/public-reports/items?email=x"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var html = await client.GetAsync(Url("/ogc/collections/public-reports/items?f=html&limit=3"));
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(OgcTestData.ReporterEmail, await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
