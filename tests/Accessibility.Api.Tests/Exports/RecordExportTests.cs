using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Tests.Ogc;
using Accessibility.Api.Tests.Sharing;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;
using static Accessibility.Api.Tests.Sharing.SharingTestData;

namespace Accessibility.Api.Tests.Exports;

/// <summary>
/// Inspection and defect records exported by district administrators (their districts), system administrators and
/// API keys with the layer: scoped, streamed, and readable back as GeoJSON, CSV and Shapefile.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RecordExportTests(RegistryFixture registry) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await SeedAsync(registry);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Uri Url(string path) => new(path, UriKind.Relative);

    private static async Task<HttpResponseMessage> OkAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(Url(path), HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + (int)response.StatusCode + " " + await response.Content.ReadAsStringAsync());
        return response;
    }

    private static List<Dictionary<string, string>> ParseCsv(byte[] bytes)
    {
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = new List<List<string>>();
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        var header = rows[0];
        return rows.Skip(1).Select(r =>
        {
            Assert.Equal(header.Count, r.Count);
            return header.Zip(r).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        }).ToList();
    }

    [Fact]
    public async Task Anonymous_is_401_and_roles_other_than_administrators_are_403()
    {
        using var anonymous = registry.CreateClient();
        using var inspector = await registry.CreateUserClientAsync("inspector", Yongji);
        using var planner = await registry.CreateUserClientAsync("planner", Yongji);
        foreach (var path in new[] { "/api/v1/exports/inspections.csv", "/api/v1/exports/defects.geojson", "/api/v1/exports/defects.zip?district=bad" })
        {
            using var response = await anonymous.GetAsync(Url(path));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.Forbidden, (await inspector.GetAsync(Url(path))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await planner.GetAsync(Url(path))).StatusCode);
        }

        // The public layers stay public.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(Url("/api/v1/exports/facilities.csv"))).StatusCode);
    }

    [Fact]
    public async Task A_district_administrator_of_Yongji_gets_Yongji_rows_only_and_another_district_is_403()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", Yongji);
        using var csv = await OkAsync(admin, "/api/v1/exports/inspections.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains("inspections-", csv.Content.Headers.ContentDisposition?.FileNameStar, StringComparison.Ordinal);
        var rows = ParseCsv(await csv.Content.ReadAsByteArrayAsync());
        var expected = await registry.ScalarAsync<long>("SELECT count(*) FROM inspections WHERE district_code = $1", Yongji);
        Assert.Equal(4L, expected);
        Assert.Equal(expected, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(Yongji, r["district_code"]);
            Assert.Equal(YongjiInspector, r["inspector"]);
            Assert.Equal("fail", r["result"]);
            Assert.Equal("slope", r["failed_items"]);
            Assert.Equal("1", r["defects"]);
            Assert.Equal("curb_ramp", r["facility_kind"]);
            Assert.StartsWith("POINT(110.4", r["wkt"], StringComparison.Ordinal);
        });
        // Newest first, and the ids are the stored ones.
        var ids = rows.Select(r => long.Parse(r["id"], CultureInfo.InvariantCulture)).ToList();
        var stored = await registry.ScalarAsync<long[]>(
            "SELECT array_agg(id ORDER BY inspected_at DESC, id DESC) FROM inspections WHERE district_code = $1", Yongji);
        Assert.Equal(stored, ids);

        using var defects = await OkAsync(admin, "/api/v1/exports/defects.geojson?status=open&severity=major");
        var features = JsonNode.Parse(await defects.Content.ReadAsStringAsync())!["features"]!.AsArray();
        Assert.Equal(4, features.Count);
        Assert.All(features, f => Assert.Equal(Yongji, (string?)f!["properties"]!["districtCode"]));

        foreach (var path in new[] { "/api/v1/exports/inspections.csv?district=" + Yanshi, "/api/v1/exports/defects.zip?district=140800" })
        {
            using var refused = await admin.GetAsync(Url(path));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // A filter that matches nothing inside the scope gives an empty file, not another county's rows.
        var none = ParseCsv(await (await OkAsync(admin, "/api/v1/exports/defects.csv?severity=critical")).Content.ReadAsByteArrayAsync());
        Assert.Empty(none);
        using var badFilter = await admin.GetAsync(Url("/api/v1/exports/defects.csv?overdue=maybe"));
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Contains("overdue", await badFilter.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task System_administrators_get_every_district_and_keys_their_own()
    {
        using var system = await registry.CreateUserClientAsync("system-admin");
        var all = JsonNode.Parse(await (await OkAsync(system, "/api/v1/exports/inspections.geojson")).Content.ReadAsStringAsync())!["features"]!.AsArray();
        Assert.Equal(8, all.Count);
        var yanshi = JsonNode.Parse(await (await OkAsync(system, "/api/v1/exports/inspections.geojson?district=" + Yanshi)).Content.ReadAsStringAsync())!["features"]!.AsArray();
        Assert.Equal(4, yanshi.Count);
        Assert.All(yanshi, f => Assert.Equal(YanshiInspector, (string?)f!["properties"]!["inspector"]!["name"]));

        var (_, secret) = await CreateKeyAsync(system, [Yanshi], ["defects"]);
        using var key = KeyClient(registry, secret);
        var rows = ParseCsv(await (await OkAsync(key, "/api/v1/exports/defects.csv")).Content.ReadAsByteArrayAsync());
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(Yanshi, r["district_code"]));
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync(Url("/api/v1/exports/inspections.csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync(Url("/api/v1/exports/defects.csv?district=" + Yongji))).StatusCode);
    }

    [Fact]
    public async Task GeoJson_round_trips_the_stored_records()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", Yongji);
        using var response = await OkAsync(admin, "/api/v1/exports/defects.geojson");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var features = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["features"]!.AsArray();
        // The same objects as the defect API gives, at the defect's location.
        var api = JsonNode.Parse(await admin.GetStringAsync(Url("/api/v1/defects?district=" + Yongji)))!["defects"]!.AsArray();
        Assert.Equal(api.Select(d => (long)d!["id"]!).Order(), features.Select(f => (long)f!["id"]!).Order());
        foreach (var f in features)
        {
            var id = (long)f!["id"]!;
            var fromApi = api.Single(d => (long)d!["id"]! == id)!;
            Assert.Equal(fromApi["item"]!.ToJsonString(), f["properties"]!["item"]!.ToJsonString());
            Assert.Equal((double)fromApi["location"]![0]!, (double)f["geometry"]!["coordinates"]![0]!, 7);
            Assert.Equal((double)fromApi["location"]![1]!, (double)f["geometry"]!["coordinates"]![1]!, 7);
            Assert.Equal("Point", (string?)f["geometry"]!["type"]);
        }
    }

    [Fact]
    public async Task Shapefile_has_a_utf8_cpg_and_reads_back_with_chinese_text()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", Yongji);
        foreach (var (layer, format) in new[] { ("inspections", "zip"), ("defects", "shp") })
        {
            using var response = await OkAsync(admin, "/api/v1/exports/" + layer + "." + format);
            Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
            Assert.EndsWith(".zip", response.Content.Headers.ContentDisposition?.FileNameStar, StringComparison.Ordinal);
            var dir = Directory.CreateTempSubdirectory("record-export-");
            try
            {
                using (var zip = new MemoryStream(await response.Content.ReadAsByteArrayAsync()))
                {
                    ZipFile.ExtractToDirectory(zip, dir.FullName);
                }

                Assert.Equal([".cpg", ".dbf", ".prj", ".shp", ".shx", "_fields.csv", "_overflow.csv"], dir.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal).Select(n => n[layer.Length..]));
                Assert.Equal("UTF-8", await File.ReadAllTextAsync(Path.Combine(dir.FullName, layer + ".cpg")));
                var features = Shapefile.ReadAllFeatures(Path.Combine(dir.FullName, layer + ".shp"), new ShapefileReaderOptions { Encoding = Encoding.UTF8 });
                Assert.Equal(4, features.Length);
                Assert.All(features, f =>
                {
                    Assert.Equal(Yongji, f.Attributes["district"]);
                    Assert.StartsWith("永济缘石坡道", (string)f.Attributes["fac_name"], StringComparison.Ordinal);
                    Assert.Equal("Point", f.Geometry.GeometryType);
                });
                var info = await GdalReadsOgcTests.RunAsync("ogrinfo", "-ro", "-so", Path.Combine(dir.FullName, layer + ".shp"), layer);
                Assert.Contains("Feature Count: 4", info, StringComparison.Ordinal);
            }
            finally
            {
                dir.Delete(recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_large_export_is_streamed_in_chunks()
    {
        await registry.ScalarAsync<int>(
            """
            INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                     facility_status, answers, photo_ids, source, created_at)
            SELECT gen_random_uuid(), 'bulk' || g, f.id, f.district_code, '永济检查员王', now() - (g || ' minutes')::interval, 'pass', 'operational',
                   '[{"item": "slope", "verdict": "pass", "value": 0.05}]'::jsonb, '{}', 'test', now()
            FROM generate_series(1, 3000) g JOIN facilities f ON f.id = 1
            """);
        using var admin = await registry.CreateUserClientAsync("district-admin", Yongji);
        foreach (var format in new[] { "geojson", "csv" })
        {
            using var response = await OkAsync(admin, "/api/v1/exports/inspections." + format);
            Assert.True(response.Headers.TransferEncodingChunked, "expected a chunked (streamed) response");
            var body = await response.Content.ReadAsByteArrayAsync();
            var count = format == "csv" ? ParseCsv(body).Count : JsonNode.Parse(body)!["features"]!.AsArray().Count;
            Assert.Equal(3004, count);
        }
    }
}
