using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Tests.Ogc;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Exports;

[Collection(RegistryCollection.Name)]
public sealed class ExportEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    private const int Facilities = 3000;

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await OgcTestData.SeedAsync(registry, Facilities, roads: 4);
        await registry.ScalarAsync<int>("UPDATE facilities SET name = '=HYPERLINK(\"http://example.invalid\")' WHERE id = 3");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(path), HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + await response.Content.ReadAsStringAsync());
        return response;
    }

    [Fact]
    public async Task GeoJson_export_streams_every_filtered_feature_in_chunks()
    {
        using var response = await GetAsync("/api/v1/exports/facilities.geojson");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TransferEncodingChunked, "expected a chunked (streamed) response");
        Assert.Contains("facilities-", response.Content.Headers.ContentDisposition?.FileNameStar, StringComparison.Ordinal);
        var all = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(Facilities, all["features"]!.AsArray().Count);

        using var ramps = await GetAsync("/api/v1/exports/facilities.geojson?kind=curb_ramp&status=operational");
        var expected = await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE kind = 'curb_ramp' AND status = 'operational'");
        var features = JsonNode.Parse(await ramps.Content.ReadAsStringAsync())!["features"]!.AsArray();
        Assert.Equal(expected, features.Count);
        Assert.All(features, f => Assert.Equal("curb_ramp", (string?)f!["properties"]!["kind"]));

        using var districts = await GetAsync("/api/v1/exports/districts.geojson?level=county");
        var counties = await registry.ScalarAsync<long>("SELECT count(*) FROM districts WHERE level = 3 AND boundary IS NOT NULL");
        Assert.Equal(counties, JsonNode.Parse(await districts.Content.ReadAsStringAsync())!["features"]!.AsArray().Count);
    }

    [Fact]
    public async Task Csv_export_has_a_bom_a_header_chinese_text_quoted_fields_and_no_formulas()
    {
        using var response = await GetAsync("/api/v1/exports/facilities.csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TransferEncodingChunked, "expected a chunked (streamed) response");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            "id,kind,name,status,managing_unit,district_code,township_code,source,external_id,attributes,created_at,updated_at,lon,lat,wkt",
            lines[0]);
        Assert.Equal(Facilities + 1, lines.Length);
        Assert.StartsWith("1,accessible_toilet,\"永济设施1号, \"\"测试\"\"\",unusable,永济市住房和城乡建设局,140881,,test,T1,{},", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",110.4402,34.86,POINT(110.4402 34.86)", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("3,ramp,\"'=HYPERLINK(\"\"http://example.invalid\"\")\"", lines[3], StringComparison.Ordinal);

        using var roads = await GetAsync("/api/v1/exports/roads.csv?roadClass=main");
        var roadLines = (await roads.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, roadLines.Length); // header and roads 2 and 4
        Assert.Contains("舜都大道2段", roadLines[1], StringComparison.Ordinal);
        Assert.Contains("LINESTRING(", roadLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shapefile_export_is_a_zip_per_shape_type_with_prj_cpg_and_reads_back()
    {
        using var response = await GetAsync("/api/v1/exports/facilities.zip");
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var dir = Directory.CreateTempSubdirectory("export-test-");
        try
        {
            using (var zip = new MemoryStream(await response.Content.ReadAsByteArrayAsync()))
            {
                ZipFile.ExtractToDirectory(zip, dir.FullName);
            }

            var names = dir.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal).ToArray();
            string[] expected = [.. new[] { "facilities_fields.csv" }, .. new[] { "facilities_line" }.SelectMany(n => new[] { ".cpg", ".dbf", ".prj", ".shp", ".shx" }.Select(e => n + e)),
                "facilities_overflow.csv", .. new[] { "facilities_point" }.SelectMany(n => new[] { ".cpg", ".dbf", ".prj", ".shp", ".shx" }.Select(e => n + e))];
            Assert.Equal(expected, names);
            Assert.Equal("UTF-8", await File.ReadAllTextAsync(Path.Combine(dir.FullName, "facilities_point.cpg")));
            Assert.Contains("CGCS2000", await File.ReadAllTextAsync(Path.Combine(dir.FullName, "facilities_point.prj")), StringComparison.Ordinal);

            var options = new ShapefileReaderOptions { Encoding = Encoding.UTF8 };
            var points = Shapefile.ReadAllFeatures(Path.Combine(dir.FullName, "facilities_point.shp"), options);
            var lines = Shapefile.ReadAllFeatures(Path.Combine(dir.FullName, "facilities_line.shp"), options);
            var tactile = await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE kind = 'tactile_paving'");
            Assert.Equal(tactile, lines.Length);
            Assert.Equal(Facilities - tactile, points.Length);
            var first = points.Single(f => Convert.ToInt64(f.Attributes["id"], System.Globalization.CultureInfo.InvariantCulture) == 1);
            Assert.Equal("永济设施1号, \"测试\"", first.Attributes["name"]);
            Assert.Equal("永济市住房和城乡建设局", first.Attributes["manager"]);
            Assert.Equal("140881", first.Attributes["district"]);
            Assert.Equal(110.4402, first.Geometry.Coordinate.X, 7);
            Assert.EndsWith("LineString", lines[0].Geometry.GeometryType, StringComparison.Ordinal); // the reader gives shapefile polylines as MultiLineString

            // GDAL reads it too, with the datum of the .prj.
            var info = await GdalReadsOgcTests.RunAsync("ogrinfo", "-ro", "-so", Path.Combine(dir.FullName, "facilities_point.shp"), "facilities_point");
            Assert.Contains("Feature Count: " + (Facilities - tactile), info, StringComparison.Ordinal);
            Assert.Contains("4490", info, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Unknown_layers_formats_and_filters_are_refused()
    {
        using var client = registry.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("/api/v1/exports/renovations.csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("/api/v1/exports/facilities.xlsx"))).StatusCode);
        var bad = await client.GetAsync(Url("/api/v1/exports/facilities.csv?bbox=1,2"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.ReadObjectAsync())["errors"]!["bbox"]);
        var level = await client.GetAsync(Url("/api/v1/exports/districts.zip?level=village"));
        Assert.Equal(HttpStatusCode.BadRequest, level.StatusCode);
    }
}
