using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Tests.Renovations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Accessibility.Api.Tests.Sharing.SharingTestData;

namespace Accessibility.Api.Tests.Sharing;

/// <summary>
/// With the demo renovation cases loaded, a key given every layer and the districts of every household crawls every
/// GET route of the OpenAPI document, every export and every OGC collection: it finds no household's name, ID number,
/// phone or home, no count of households below 5, and no reporter's contact data.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ApiKeyCrawlTests(RegistryFixture registry) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await SeedAsync(registry);
    }

    public Task DisposeAsync() => registry.ResetAsync();

    private sealed record Household(string Name, string IdNumber, string Phone, double Lon, double Lat, string District);

    [Fact]
    public async Task A_key_with_every_layer_never_reveals_household_personal_data_or_contact_data()
    {
        List<Household> households;
        await using (var scope = registry.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseSeeder>().LoadDemoRenovationsAsync();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var protector = scope.ServiceProvider.GetRequiredService<PersonalDataProtector>();
            households = (await db.RenovationCases.AsNoTracking().ToListAsync()).Select(c => new Household(
                c.PersonName, protector.Decrypt(c.IdNumberCipher, "id_number"), protector.Decrypt(c.PhoneCipher!, "phone"),
                c.Location.X, c.Location.Y, c.DistrictCode)).ToList();
        }

        Assert.True(households.Count > 200, "demo cases loaded: " + households.Count.ToString(CultureInfo.InvariantCulture));
        var districts = households.Select(h => h.District).Append(Yanshi).Distinct(StringComparer.Ordinal).ToArray();
        using var admin = await registry.CreateUserClientAsync("system-admin");
        var (keyId, secret) = await CreateKeyAsync(admin, districts,
            ["facilities", "roads", "inspections", "defects", "public-reports", "renovation-statistics", "coverage", "plan-targets"]);
        using var key = KeyClient(registry, secret);

        var first = households[0];
        var openApi = JsonNode.Parse(await key.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = "1",
            ["district"] = first.District,
            ["districtCode"] = first.District,
            ["code"] = first.District,
            ["format"] = "json",
            ["layer"] = "facilities",
            ["collectionId"] = "public-reports",
            ["featureId"] = "1",
            ["kind"] = "curb_ramp",
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

        foreach (var layer in new[] { "facilities", "roads", "districts", "inspections", "defects" })
        {
            foreach (var format in new[] { "geojson", "csv", "zip" })
            {
                urls.Add("/api/v1/exports/" + layer + "." + format + (layer == "districts" ? "?parent=140800" : ""));
            }
        }

        var collections = JsonNode.Parse(await key.GetStringAsync(new Uri("/ogc/collections", UriKind.Relative)))!["collections"]!.AsArray();
        Assert.Contains(collections, c => (string?)c!["id"] == "public-reports");
        urls.AddRange(collections.Select(c => "/ogc/collections/" + (string)c!["id"]! + "/items?limit=1000"));
        foreach (var district in districts)
        {
            urls.Add("/api/v1/renovations/statistics?district=" + district);
            urls.Add("/api/v1/coverage/" + district);
            urls.Add("/open311/v2/requests.xml?start_date=2026-09-15T00:00:00Z&end_date=2026-11-01T00:00:00Z");
        }

        var fetched = 0;
        var answered = 0;
        foreach (var url in urls.Distinct(StringComparer.Ordinal))
        {
            using var response = await key.GetAsync(new Uri(url, UriKind.Relative));
            var bytes = await response.Content.ReadAsByteArrayAsync();
            fetched++;
            answered += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            var text = url.Contains(".zip", StringComparison.Ordinal) ? ZipText(bytes) : Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain(ReporterEmail, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ReporterPhone, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ReporterName, text, StringComparison.Ordinal);
            Assert.DoesNotContain("device-secret", text, StringComparison.Ordinal);
            foreach (var h in households)
            {
                Assert.False(text.Contains(h.Name, StringComparison.Ordinal), $"{url} shows the name {h.Name}");
                Assert.False(text.Contains(h.IdNumber[..17], StringComparison.Ordinal), $"{url} shows an ID number");
                Assert.False(text.Contains(h.Phone, StringComparison.Ordinal), $"{url} shows a phone number");
            }

            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true && bytes.Length > 0)
            {
                foreach (var (lon, lat) in RenovationPublicCrawlTests.Positions(JsonNode.Parse(text)))
                {
                    Assert.False(households.Any(h => Math.Abs(h.Lon - lon) < 2e-5 && Math.Abs(h.Lat - lat) < 2e-5), $"{url} shows a home location {lon},{lat}");
                }
            }

            if (url.StartsWith("/api/v1/renovations/statistics", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.OK)
            {
                foreach (var d in JsonNode.Parse(text)!["districts"]!.AsArray())
                {
                    foreach (var cell in d!["cells"]!.AsArray().Concat(d["byYear"]!.AsArray()).Concat(d["byStatus"]!.AsArray()).Append(d["total"]))
                    {
                        Assert.True((int?)cell!["count"] is null or >= 5, url + " " + cell.ToJsonString());
                    }
                }
            }
        }

        Assert.True(fetched >= 60, "routes crawled: " + fetched.ToString(CultureInfo.InvariantCulture));
        Assert.True(answered >= 40, "routes answered 200: " + answered.ToString(CultureInfo.InvariantCulture));
        // The crawl was the key's: its usage shows it.
        var usage = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/v1/api-keys/" + keyId + "/usage", UriKind.Relative)))!;
        Assert.True((long)usage["total"]! >= answered, usage["total"]!.ToJsonString());
    }

    /// <summary>Every file of a zip as UTF-8 text (DBF text fields are UTF-8, as the .cpg says).</summary>
    private static string ZipText(byte[] bytes)
    {
        if (bytes.Length < 4 || bytes[0] != 'P' || bytes[1] != 'K')
        {
            return Encoding.UTF8.GetString(bytes);
        }

        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes));
        var text = new StringBuilder();
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }
}
