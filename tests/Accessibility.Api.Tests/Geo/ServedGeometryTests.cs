using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Tests.Coverage;
using Accessibility.Api.Tests.Ogc;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.Operation.Valid;
using nietras.SeparatedValues;
using Npgsql;

namespace Accessibility.Api.Tests.Geo;

/// <summary>
/// Every geometry the registry serves, read back as a client reads it (the served coordinates parsed by NTS), is valid by
/// GEOS rules (NTS <see cref="IsValidOp"/>), and every polygon of a GeoJSON output follows RFC 7946's right-hand rule
/// (exterior ring counter-clockwise, holes clockwise). Over the real loaded boundaries (151 county-level districts and
/// their prefectures and provinces): rounded to 6 decimals without care, 140302, 370406, 410328 and others are not
/// valid, and the source rings are clockwise.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ServedGeometryTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await OgcTestData.SeedAsync(registry, 60, roads: 5, reports: 6);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_OGC_collection_serves_valid_right_hand_geometries()
    {
        var findings = new Findings();
        using var client = registry.CreateClient();
        var collections = JsonNode.Parse(await client.GetStringAsync("/ogc/collections?f=json"))!["collections"]!.AsArray()
            .Select(c => (string)c!["id"]!).ToList();
        Assert.Contains("districts", collections);
        foreach (var id in collections)
        {
            var served = 0;
            for (var url = $"/ogc/collections/{id}/items?f=json&limit=1000"; url is not null;)
            {
                var page = JsonNode.Parse(await client.GetStringAsync(url))!;
                foreach (var feature in page["features"]!.AsArray())
                {
                    findings.CheckGeoJson($"ogc {id} {feature!["id"]}", feature["geometry"], rightHand: true);
                    served++;
                }

                url = page["links"]!.AsArray().FirstOrDefault(l => (string?)l!["rel"] == "next")?["href"]?.GetValue<string>();
            }

            Assert.True(served > 0, "Collection " + id + " served no feature.");
        }

        // One feature at a time, as a client following a link reads it: every district.
        foreach (var code in await BoundaryCodesAsync())
        {
            var feature = JsonNode.Parse(await client.GetStringAsync($"/ogc/collections/districts/items/{code}?f=json"))!;
            findings.CheckGeoJson("ogc districts item " + code, feature["geometry"], rightHand: true);
        }

        // Latitude first (EPSG:4490 axis order): not RFC 7946, so validity only.
        var lat = JsonNode.Parse(await client.GetStringAsync(
            "/ogc/collections/districts/items?f=json&limit=1000&crs=" + Uri.EscapeDataString("http://www.opengis.net/def/crs/EPSG/0/4490")))!;
        foreach (var feature in lat["features"]!.AsArray())
        {
            findings.CheckGeoJson($"ogc districts EPSG:4490 {feature!["id"]}", feature["geometry"], rightHand: false);
        }

        findings.AssertNone();
    }

    [Fact]
    public async Task Every_district_boundary_is_served_valid_and_right_hand()
    {
        var findings = new Findings();
        using var client = registry.CreateClient();
        var codes = await BoundaryCodesAsync();
        Assert.Contains("140302", codes);
        Assert.Contains("370406", codes);
        Assert.Contains("410328", codes);
        foreach (var code in codes)
        {
            var feature = JsonNode.Parse(await client.GetStringAsync($"/api/v1/districts/{code}/boundary"))!;
            findings.CheckGeoJson("boundary " + code, feature["geometry"], rightHand: true);
        }

        findings.AssertNone();
    }

    [Fact]
    public async Task Facility_and_road_lists_and_records_serve_valid_geometries()
    {
        var findings = new Findings();
        using var client = registry.CreateClient();
        foreach (var url in new[] { "/api/v1/facilities?district=140881&limit=1000", "/api/v1/roads?district=140881&limit=1000" })
        {
            var collection = JsonNode.Parse(await client.GetStringAsync(url))!;
            Assert.NotEmpty(collection["features"]!.AsArray());
            foreach (var feature in collection["features"]!.AsArray())
            {
                findings.CheckGeoJson(url + " " + feature!["id"], feature["geometry"], rightHand: true);
            }
        }

        var line = await registry.ScalarAsync<long>("SELECT min(id) FROM facilities WHERE kind = 'tactile_paving'");
        findings.CheckGeoJson("facility " + line, JsonNode.Parse(await client.GetStringAsync($"/api/v1/facilities/{line}"))!["geometry"], rightHand: true);
        findings.CheckGeoJson("road 1", JsonNode.Parse(await client.GetStringAsync("/api/v1/roads/1"))!["geometry"], rightHand: true);
        findings.AssertNone();
    }

    [Fact]
    public async Task Every_export_serves_valid_geometries()
    {
        var findings = new Findings();
        using var client = registry.CreateClient();
        foreach (var layer in new[] { "facilities", "roads", "districts" })
        {
            var collection = JsonNode.Parse(await client.GetStringAsync($"/api/v1/exports/{layer}.geojson"))!;
            Assert.NotEmpty(collection["features"]!.AsArray());
            foreach (var feature in collection["features"]!.AsArray())
            {
                findings.CheckGeoJson($"export {layer}.geojson {feature!["id"]}", feature["geometry"], rightHand: true);
            }

            Assert.True(findings.CheckCsv($"export {layer}.csv", await client.GetStringAsync($"/api/v1/exports/{layer}.csv"), "wkt") > 0);
            await CheckShapefilesAsync(findings, $"export {layer}.zip", await client.GetByteArrayAsync($"/api/v1/exports/{layer}.zip"));
        }

        using var admin = await registry.CreateUserClientAsync("system-admin");
        foreach (var layer in new[] { "inspections", "defects" })
        {
            var collection = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/exports/{layer}.geojson"))!;
            Assert.NotEmpty(collection["features"]!.AsArray());
            foreach (var feature in collection["features"]!.AsArray())
            {
                findings.CheckGeoJson($"export {layer}.geojson {feature!["id"]}", feature["geometry"], rightHand: true);
            }

            Assert.True(findings.CheckCsv($"export {layer}.csv", await admin.GetStringAsync($"/api/v1/exports/{layer}.csv"), "wkt") > 0);
        }

        findings.AssertNone();
    }

    [Fact]
    public async Task Evidence_packages_hold_valid_geometries_in_CSV_and_GeoPackage()
    {
        var findings = new Findings();
        using var client = registry.CreateClient();
        foreach (var district in new[] { "1403", "3704", "4103", "140881" })
        {
            using var response = await client.GetAsync($"/api/v1/evidence/{district}.zip?asOf=2026-12-01");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
            foreach (var entry in zip.Entries.Where(e => e.Name.EndsWith(".csv", StringComparison.Ordinal)))
            {
                using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
                var text = await reader.ReadToEndAsync();
                if (text.TrimStart('\uFEFF').Split('\n')[0].Split(',').Contains("wkt"))
                {
                    findings.CheckCsv($"evidence {district} {entry.Name}", text, "wkt");
                }
            }

            var gpkg = Path.Combine(Path.GetTempPath(), "served-" + Guid.NewGuid().ToString("N") + ".gpkg");
            try
            {
                await using (var file = File.Create(gpkg))
                await using (var entry = zip.GetEntry("evidence.gpkg")!.Open())
                {
                    await entry.CopyToAsync(file);
                }

                await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = gpkg, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
                await connection.OpenAsync();
                var tables = new List<string>();
                await using (var list = new SqliteCommand("SELECT table_name FROM gpkg_geometry_columns", connection))
                await using (var rows = await list.ExecuteReaderAsync())
                {
                    while (await rows.ReadAsync())
                    {
                        tables.Add(rows.GetString(0));
                    }
                }

                Assert.Contains("districts", tables);
                var geoReader = new GeoPackageGeoReader();
                foreach (var table in tables)
                {
                    await using var select = new SqliteCommand($"SELECT fid, geom FROM \"{table}\"", connection);
                    await using var rows = await select.ExecuteReaderAsync();
                    while (await rows.ReadAsync())
                    {
                        if (!rows.IsDBNull(1))
                        {
                            findings.Check($"evidence {district} gpkg {table} {rows.GetInt64(0)}", () => geoReader.Read((byte[])rows[1]), rightHand: false);
                        }
                    }
                }
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                File.Delete(gpkg);
            }
        }

        findings.AssertNone();
    }

    [Fact]
    public async Task Coverage_gap_cells_are_valid_right_hand_polygons()
    {
        await GapFixture.PrepareAsync(registry);
        await GapFixture.FacilityAsync(registry, "public_building", "operational", GapFixture.I0, GapFixture.J0);
        await GapFixture.FacilityAsync(registry, "bus_stop", "operational", GapFixture.I0 + 2, GapFixture.J0);
        using var client = registry.CreateClient();
        var gaps = JsonNode.Parse(await client.GetStringAsync($"/api/v1/coverage/{GapFixture.Township}/gaps"))!;
        Assert.Equal(2, gaps["features"]!.AsArray().Count);
        var findings = new Findings();
        foreach (var feature in gaps["features"]!.AsArray())
        {
            findings.CheckGeoJson("gaps " + feature!["id"], feature["geometry"], rightHand: true);
        }

        findings.AssertNone();
    }

    private async Task<List<string>> BoundaryCodesAsync()
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT code FROM districts WHERE boundary IS NOT NULL ORDER BY code", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var codes = new List<string>();
        while (await reader.ReadAsync())
        {
            codes.Add(reader.GetString(0));
        }

        return codes;
    }

    private static async Task CheckShapefilesAsync(Findings findings, string where, byte[] zipBytes)
    {
        var dir = Directory.CreateTempSubdirectory("served-shp-");
        try
        {
            using (var zip = new MemoryStream(zipBytes))
            {
                await ZipFile.ExtractToDirectoryAsync(zip, dir.FullName);
            }

            foreach (var shp in dir.GetFiles("*.shp"))
            {
                var features = Shapefile.ReadAllFeatures(shp.FullName, new NetTopologySuite.IO.Esri.Shapefiles.Readers.ShapefileReaderOptions { Encoding = Encoding.UTF8 });
                for (var i = 0; i < features.Length; i++)
                {
                    var geometry = features[i].Geometry;
                    findings.Check($"{where} {shp.Name} #{i}", () => geometry, rightHand: false);
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>What was checked and what failed, reported all at once.</summary>
    private sealed class Findings
    {
        private readonly List<string> problems = [];
        private readonly List<string> orientation = [];
        private int geometries;
        private int polygons;
        private int invalid;
        private int wrongWay;

        public void CheckGeoJson(string where, JsonNode? geometry, bool rightHand)
        {
            Assert.True(geometry is not null, where + ": no geometry");
            Check(where, () => JsonSerializer.Deserialize<Geometry>(geometry.ToJsonString(), GeoJson)!, rightHand);
        }

        /// <summary>Checks the WKT <paramref name="column"/> of every row of a CSV; returns the number of rows.</summary>
        public int CheckCsv(string where, string text, string column)
        {
            using var reader = Sep.New(',').Reader(o => o with { Unescape = true }).FromText(text.TrimStart('\uFEFF'));
            var reader2 = new WKTReader();
            var row = 0;
            foreach (var r in reader)
            {
                row++;
                var wkt = r[column].ToString();
                if (wkt.Length > 0)
                {
                    Check($"{where} row {row}", () => reader2.Read(wkt), rightHand: true);
                }
            }

            return row;
        }

        /// <summary>Reads the geometry (a ring of too few points fails there already) and checks it.</summary>
        public void Check(string where, Func<Geometry> read, bool rightHand)
        {
            geometries++;
            Geometry geometry;
            try
            {
                geometry = read();
            }
            catch (Exception e) when (e is ArgumentException or ParseException or JsonException or InvalidOperationException)
            {
                invalid++;
                problems.Add($"{where}: unreadable ({e.Message})");
                return;
            }

            var validity = new IsValidOp(geometry);
            if (!validity.IsValid)
            {
                invalid++;
                problems.Add($"{where}: {validity.ValidationError.Message} at {validity.ValidationError.Coordinate}");
            }

            for (var i = 0; i < geometry.NumGeometries; i++)
            {
                if (geometry.GetGeometryN(i) is not Polygon polygon)
                {
                    continue;
                }

                polygons++;
                if (!rightHand)
                {
                    continue;
                }

                if (!Orientation.IsCCWArea(polygon.ExteriorRing.CoordinateSequence))
                {
                    wrongWay++;
                    orientation.Add($"{where}: exterior ring {i} is clockwise");
                }

                foreach (var hole in polygon.InteriorRings)
                {
                    if (Orientation.IsCCWArea(hole.CoordinateSequence))
                    {
                        wrongWay++;
                        orientation.Add($"{where}: a hole of polygon {i} is counter-clockwise");
                    }
                }
            }
        }

        public void AssertNone() => Assert.True(
            problems.Count + orientation.Count == 0,
            string.Create(CultureInfo.InvariantCulture, $"{invalid} invalid of {geometries} geometries, {wrongWay} rings against the right-hand rule of {polygons} polygons:\n")
                + string.Join("\n", problems.Take(100).Concat(orientation.Take(10))));
    }
}
