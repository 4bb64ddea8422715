using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Renovations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Renovations;

/// <summary>
/// With the demo renovation cases loaded, an anonymous crawl of every GET route of the OpenAPI
/// document finds no name, ID number, phone number or home location of a household, and no
/// household count below 5.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RenovationPublicCrawlTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => registry.ResetAsync();

    private sealed record Household(string Name, string IdNumber, string Phone, double Lon, double Lat, string District);

    private async Task<List<Household>> LoadDemoAsync()
    {
        await using var scope = registry.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseSeeder>().LoadDemoRenovationsAsync();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<PersonalDataProtector>();
        var cases = await db.RenovationCases.AsNoTracking().ToListAsync();
        return cases.Select(c => new Household(
            c.PersonName, protector.Decrypt(c.IdNumberCipher, "id_number"), protector.Decrypt(c.PhoneCipher!, "phone"),
            c.Location.X, c.Location.Y, c.DistrictCode)).ToList();
    }

    [Fact]
    public async Task No_public_endpoint_leaks_a_household_or_a_count_below_5()
    {
        var households = await LoadDemoAsync();
        Assert.True(households.Count > 200, "demo cases loaded: " + households.Count.ToString(CultureInfo.InvariantCulture));
        Assert.All(households, h => Assert.Null(ChineseIdNumber.Problem(h.IdNumber, new DateOnly(2026, 1, 1), out _)));
        Assert.All(households, h => Assert.StartsWith("演示", h.Name, StringComparison.Ordinal));

        using var client = registry.CreateClient();
        var openApi = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var first = households[0];
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = "1",
            ["district"] = first.District,
            ["code"] = first.District,
            ["year"] = "2024",
            ["z"] = "14",
            ["x"] = TileX(first.Lon, 14).ToString(CultureInfo.InvariantCulture),
            ["y"] = TileY(first.Lat, 14).ToString(CultureInfo.InvariantCulture),
        };
        var bbox = string.Create(CultureInfo.InvariantCulture, $"{first.Lon - 0.01},{first.Lat - 0.01},{first.Lon + 0.01},{first.Lat + 0.01}");
        var urls = new List<string>();
        foreach (var (path, item) in openApi["paths"]!.AsObject())
        {
            if (item?["get"] is null)
            {
                continue;
            }

            var concrete = System.Text.RegularExpressions.Regex.Replace(path, @"\{([^}:]+)(:[^}]*)?\}",
                m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : "1");
            urls.Add(concrete);
            urls.Add(concrete + (concrete.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "district=" + first.District + "&bbox=" + bbox + "&status=accepted");
        }

        Assert.Contains(urls, u => u.StartsWith("/api/v1/renovations/statistics", StringComparison.Ordinal));
        Assert.Contains(urls, u => u.StartsWith("/api/v1/renovations/cases", StringComparison.Ordinal));
        var fetched = 0;
        foreach (var url in urls)
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            var bytes = await response.Content.ReadAsByteArrayAsync();
            fetched++;
            var text = Encoding.UTF8.GetString(bytes);
            foreach (var h in households)
            {
                Assert.False(text.Contains(h.Name, StringComparison.Ordinal), $"{url} shows the name {h.Name}");
                Assert.False(text.Contains(h.IdNumber, StringComparison.Ordinal) || text.Contains(h.IdNumber[..17], StringComparison.Ordinal), $"{url} shows an ID number");
                Assert.False(text.Contains(h.Phone, StringComparison.Ordinal), $"{url} shows a phone number");
            }

            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true && bytes.Length > 0)
            {
                var json = JsonNode.Parse(text);
                foreach (var (lon, lat) in Positions(json))
                {
                    Assert.False(households.Any(h => Math.Abs(h.Lon - lon) < 2e-5 && Math.Abs(h.Lat - lat) < 2e-5), $"{url} shows a home location {lon},{lat}");
                }
            }
        }

        Assert.True(fetched >= 20, "routes crawled: " + fetched.ToString(CultureInfo.InvariantCulture));

        // The statistics show households, never a count from 1 to 4, and totals do not give a hidden cell away.
        var statistics = JsonNode.Parse(await client.GetStringAsync("/api/v1/renovations/statistics"))!;
        var districts = statistics["districts"]!.AsArray();
        Assert.Equal(3, districts.Count);
        var shown = 0;
        foreach (var d in districts)
        {
            foreach (var cell in d!["cells"]!.AsArray().Concat(d["byYear"]!.AsArray()).Concat(d["byStatus"]!.AsArray()).Append(d["total"]))
            {
                var count = (int?)cell!["count"];
                Assert.True(count is null or >= 5, cell.ToJsonString());
                Assert.Equal(count is null, (bool)cell["suppressed"]!);
                shown += count is null ? 0 : 1;
            }

            AssertNoSingleHidden(d!);
        }

        Assert.True(shown > 0, "some counts are shown");
    }

    /// <summary>No row or column with a shown total has exactly one hidden cell.</summary>
    private static void AssertNoSingleHidden(JsonNode district)
    {
        var cells = district["cells"]!.AsArray().Select(c => ((string)c!["status"]!, (int)c["year"]!, c["count"] is null)).ToList();
        foreach (var year in district["byYear"]!.AsArray().Where(y => y!["count"] is not null))
        {
            Assert.NotEqual(1, cells.Count(c => c.Item2 == (int)year!["year"]! && c.Item3));
        }

        foreach (var status in district["byStatus"]!.AsArray().Where(s => s!["count"] is not null))
        {
            Assert.NotEqual(1, cells.Count(c => c.Item1 == (string)status!["status"]! && c.Item3));
        }

        if (district["total"]!["count"] is not null)
        {
            Assert.NotEqual(1, district["byYear"]!.AsArray().Count(y => y!["count"] is null));
            Assert.NotEqual(1, district["byStatus"]!.AsArray().Count(s => s!["count"] is null));
        }
    }

    [Fact]
    public void Secondary_suppression_hides_a_second_cell_in_every_line_with_one()
    {
        // 2024: accepted 12, rejected 2 (primary), identified 7; 2025: accepted 9, identified 6.
        var table = new SuppressedTable([("accepted", 2024, 12), ("rejected", 2024, 2), ("identified", 2024, 7), ("accepted", 2025, 9), ("identified", 2025, 6)]);
        Assert.Null(table.Cell("rejected", 2024));
        Assert.Null(table.Cell("identified", 2024)); // the smallest other cell of 2024, so 2024's total of 21 gives nothing away
        Assert.Equal(21, table.YearTotal(2024));
        // rejected has one cell only, its total (2) is below 5 and hidden; identified's column now has one hidden cell, so 2025's 6 goes too…
        Assert.Null(table.StatusTotal("rejected"));
        Assert.Null(table.Cell("identified", 2025));
        // …and so on until every line with a shown total has none or at least two hidden members.
        foreach (var year in table.Years.Where(y => table.YearTotal(y) is not null))
        {
            Assert.NotEqual(1, table.Statuses.Count(s => table.Keys.Contains((s, year)) && table.Cell(s, year) is null));
        }

        foreach (var status in table.Statuses.Where(s => table.StatusTotal(s) is not null))
        {
            Assert.NotEqual(1, table.Years.Count(y => table.Keys.Contains((status, y)) && table.Cell(status, y) is null));
        }

        Assert.NotEqual(1, table.Statuses.Count(s => table.StatusTotal(s) is null));
        Assert.Equal(36, table.GrandTotal);
    }

    internal static IEnumerable<(double Lon, double Lat)> Positions(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array when array.Count >= 2 && array[0] is JsonValue a && array[1] is JsonValue b
                && a.TryGetValue<double>(out var lon) && b.TryGetValue<double>(out var lat):
                yield return (lon, lat);
                break;
            case JsonArray array:
                foreach (var p in array.SelectMany(Positions))
                {
                    yield return p;
                }

                break;
            case JsonObject obj:
                foreach (var p in obj.Select(kv => kv.Value).SelectMany(Positions))
                {
                    yield return p;
                }

                // Points given as properties, e.g. {"lon": …, "lat": …} or {"longitude": …}.
                if (obj.TryGetPropertyValue("lon", out var x) && obj.TryGetPropertyValue("lat", out var y) && x is JsonValue xv && y is JsonValue yv
                    && xv.TryGetValue<double>(out var lx) && yv.TryGetValue<double>(out var ly))
                {
                    yield return (lx, ly);
                }

                break;
        }
    }

    private static int TileX(double lon, int z) => (int)Math.Floor((lon + 180) / 360 * (1 << z));

    private static int TileY(double lat, int z)
    {
        var r = lat * Math.PI / 180;
        return (int)Math.Floor((1 - (Math.Log(Math.Tan(r) + (1 / Math.Cos(r))) / Math.PI)) / 2 * (1 << z));
    }
}
