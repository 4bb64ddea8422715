using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Cli;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Imports;

[Collection(RegistryCollection.Name)]
public sealed class FacilityImportTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly string SurveyMapping = File.ReadAllText(Path.Combine(RepoPaths.Root, "data", "import-mappings", "survey-csv.json"));
    private static readonly string ExportMapping = File.ReadAllText(Path.Combine(RepoPaths.Root, "data", "import-mappings", "registry-export-geojson.json"));

    private const string SurveyCsv = """
        编号,名称,类型,状态,管理单位,经度,纬度,门宽mm,抓杆,坡道类型
        T1,"永济市政府无障碍厕所, 东门",无障碍厕所,正常,永济市住建局,110.4470,34.8670,900,是,
        R1,缘石坡道一,缘石坡道,有缺陷,,110.4700,34.8700,,,three_sided

        """;

    private readonly string folder = Directory.CreateTempSubdirectory("imports-").FullName;

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(HttpClient client, string file, string fileName, string mapping, string? source = null)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(file));
        content.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : "application/geo+json");
        form.Add(content, "file", fileName);
        form.Add(new StringContent(mapping, Encoding.UTF8, "application/json"), "mapping", "mapping.json");
        if (source is not null)
        {
            form.Add(new StringContent(source), "source");
        }

        using var response = await client.PostAsync(Url("/api/v1/imports/facilities"), form);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!);
    }

    private async Task<(int Exit, string Out, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RegistryCli.RunAsync(["import-facilities", .. args], new CliContext(output, error, TextReader.Null, registry.ConfigureHost));
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Features(params (string Id, string Name, string Kind, (double Lon, double Lat) At, string Attributes)[] rows)
    {
        var features = new JsonArray();
        foreach (var (id, name, kind, at, attributes) in rows)
        {
            features.Add(new JsonObject
            {
                ["type"] = "Feature",
                ["geometry"] = Point(at),
                ["properties"] = new JsonObject { ["fid"] = id, ["title"] = name, ["type"] = kind, ["attrs"] = JsonNode.Parse(attributes) },
            });
        }

        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = features }.ToJsonString();
    }

    private const string GeoJsonMapping = """
        { "format": "geojson", "crs": "WGS84", "externalId": "fid", "name": "title", "kind": "type", "attributesJson": "attrs" }
        """;

    [Fact]
    public async Task Csv_import_over_http_writes_the_rows_with_kinds_attributes_districts_and_an_audit_entry()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        var (status, body) = await PostAsync(admin, SurveyCsv, "survey.csv", SurveyMapping);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(2, (int)body["rows"]!);
        Assert.Equal(2, (int)body["inserted"]!);
        Assert.Equal("yongji-survey", (string?)body["source"]);

        Assert.Equal(2, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'yongji-survey' AND district_code = '140881'"));
        Assert.Equal("accessible_toilet|永济市政府无障碍厕所, 东门|operational|永济市住建局|900|true", await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', kind, name, status, managing_unit, attributes->>'door_width_mm', attributes->>'grab_bars') FROM facilities WHERE external_id = 'T1'"));
        Assert.Equal("curb_ramp|defective_usable|three_sided", await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', kind, status, attributes->>'curb_ramp_type') FROM facilities WHERE external_id = 'R1'"));
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'import' AND entity_type = 'facility-import' AND entity_id = 'yongji-survey'"));
    }

    [Fact]
    public async Task GeoJson_import_on_the_command_line_and_a_re_import_updates_instead_of_duplicating()
    {
        var mapping = Write("mapping.json", GeoJsonMapping);
        var file = Write("toilets.geojson", Features(
            ("a1", "厕所一", "accessible_toilet", Yongji, """{"door_width_mm": 850}"""),
            ("a2", "坡道二", "curb_ramp", YongjiEast, """{"curb_ramp_type": "full_width"}""")));
        var (exit, output, error) = await CliAsync("--file", file, "--mapping", mapping, "--source", "county-gis");
        Assert.True(exit == 0, error);
        Assert.Contains("2 new", output, StringComparison.Ordinal);
        Assert.Equal(2, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'county-gis'"));

        File.WriteAllText(file, Features(
            ("a1", "厕所一（改）", "accessible_toilet", Yongji, """{"door_width_mm": 950}"""),
            ("a2", "坡道二", "curb_ramp", YongjiEast, """{"curb_ramp_type": "full_width"}"""),
            ("a3", "坡道三", "curb_ramp", Yongji, """{"curb_ramp_type": "other"}""")));
        (exit, output, error) = await CliAsync("--file", file, "--mapping", mapping, "--source", "county-gis");
        Assert.True(exit == 0, error);
        Assert.Contains("1 new, 2 updated", output, StringComparison.Ordinal);
        Assert.Equal(3, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'county-gis'"));
        Assert.Equal("厕所一（改）|950", await registry.ScalarAsync<string>(
            "SELECT name || '|' || (attributes->>'door_width_mm') FROM facilities WHERE source = 'county-gis' AND external_id = 'a1'"));
    }

    [Fact]
    public async Task Bad_rows_are_reported_with_row_and_reason_and_nothing_is_written()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        var (status, _) = await PostAsync(admin, SurveyCsv, "survey.csv", SurveyMapping);
        Assert.Equal(HttpStatusCode.OK, status);
        var before = await registry.ScalarAsync<string>("SELECT count(*) || '|' || max(updated_at)::text FROM facilities");
        var auditBefore = await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries");

        const string bad = """
            编号,名称,类型,状态,管理单位,经度,纬度,门宽mm,抓杆,坡道类型
            T1,改了名字的厕所,无障碍厕所,正常,,110.4470,34.8670,900,是,
            B1,坐标错误,无障碍厕所,正常,,110.44a,34.8670,,,
            B2,北京的厕所,无障碍厕所,正常,,116.4040,39.9150,,,
            B3,电梯,电梯,正常,,110.4470,34.8670,,,
            B4,门宽离谱,无障碍厕所,正常,,110.4470,34.8670,99999,,
            """;
        var mapping = JsonNode.Parse(SurveyMapping)!.AsObject();
        mapping["kind"]!["values"]!["电梯"] = "escalator";
        var (badStatus, report) = await PostAsync(admin, bad, "bad.csv", mapping.ToJsonString());
        Assert.True(badStatus == HttpStatusCode.UnprocessableEntity, report.ToJsonString());
        Assert.Equal(5, (int)report["rows"]!);
        Assert.Equal(0, (int)report["inserted"]!);
        var rejected = report["rejected"]!.AsArray().Select(r => ((int)r!["row"]!, (string)r["field"]!, (string)r["reason"]!)).ToList();
        Assert.Contains(rejected, r => r.Item1 == 3 && r.Item2 == "经度" && r.Item3.Contains("110.44a", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Item1 == 4 && r.Item2 == "geometry" && r.Item3.Contains("outside every registered district", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Item1 == 5 && r.Item2 == "类型" && r.Item3.Contains("Unknown facility kind 'escalator'", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Item1 == 6 && r.Item2 == "attributes.door_width_mm");
        Assert.Equal(4, (int)report["rejectedRows"]!);

        var (missingStatus, missing) = await PostAsync(admin, "编号,名称,经度,纬度\nX,名,110.447,34.867\n", "missing.csv", SurveyMapping);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingStatus);
        Assert.Contains(missing["rejected"]!.AsArray(), r => (int)r!["row"]! == 1 && (string?)r["field"] == "类型");

        using var elsewhere = await registry.CreateUserClientAsync("district-admin", "410307");
        var (scopeStatus, scope) = await PostAsync(elsewhere, SurveyCsv, "survey.csv", SurveyMapping, source: "other");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, scopeStatus);
        Assert.Contains("outside the districts you may change", scope.ToJsonString(), StringComparison.Ordinal);

        using var inspector = await registry.CreateUserClientAsync("inspector", "140881");
        var (forbidden, _) = await PostAsync(inspector, SurveyCsv, "survey.csv", SurveyMapping);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);

        Assert.Equal(before, await registry.ScalarAsync<string>("SELECT count(*) || '|' || max(updated_at)::text FROM facilities"));
        Assert.Equal("永济市政府无障碍厕所, 东门", await registry.ScalarAsync<string>("SELECT name FROM facilities WHERE external_id = 'T1'"));
        Assert.Equal(auditBefore, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));
    }

    [Fact]
    public async Task Rows_refused_at_validation_are_reported_with_their_mapped_external_id()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        const string csv = """
            编号,名称,类型,状态,管理单位,经度,纬度,门宽mm,抓杆,坡道类型
            OK1,好的厕所,无障碍厕所,正常,,110.4470,34.8670,900,是,
            BAD-LON,坐标错误,无障碍厕所,正常,,110.44a,34.8670,,,
            BAD-KIND,电梯,电梯,正常,,110.4470,34.8670,,,
            BAD-WIDTH,门宽离谱,无障碍厕所,正常,,110.4470,34.8670,99999,,
            BAD-STATUS,状态不明,无障碍厕所,不知道,,110.4470,34.8670,,,
            ,没有编号,无障碍厕所,正常,,110.4470,34.8670,,,
            """;
        var (status, report) = await PostAsync(admin, csv, "ids.csv", SurveyMapping);

        Assert.True(status == HttpStatusCode.UnprocessableEntity, report.ToJsonString());
        var rejected = report["rejected"]!.AsArray().Select(r => ((int)r!["row"]!, (string?)r["externalId"], (string)r["field"]!)).ToList();
        Assert.Contains((3, "BAD-LON", "经度"), rejected);
        Assert.Contains((4, "BAD-KIND", "类型"), rejected);
        Assert.Contains((5, "BAD-WIDTH", "attributes.door_width_mm"), rejected);
        Assert.Contains((6, "BAD-STATUS", "状态"), rejected);
        Assert.Contains((7, null, "编号"), rejected); // no id to report
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities"));
    }

    [Fact]
    public async Task A_planner_of_another_county_cannot_take_over_a_facility_by_importing_its_external_id()
    {
        using var yongji = await registry.CreateUserClientAsync("district-admin", "140881");
        var (created, _) = await PostAsync(yongji, Features(("yj-1", "永济市政府无障碍厕所", "accessible_toilet", Yongji, "{}")), "demo.geojson", GeoJsonMapping, source: "demo");
        Assert.Equal(HttpStatusCode.OK, created);
        var before = await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', id, name, status, district_code, ST_AsText(geometry), updated_at) FROM facilities WHERE source = 'demo' AND external_id = 'yj-1'");

        // The attack: a Yanshi planner re-imports the Yongji facility's (source, external id), renamed, removed and placed in Yanshi.
        using var yanshi = await registry.CreateUserClientAsync("planner", "410307");
        var (status, report) = await PostAsync(yanshi, """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.79, 34.727]},
               "properties": {"fid": "yj-1", "title": "已被接管", "type": "accessible_toilet", "status": "removed", "attrs": {}}}]}
            """, "takeover.geojson", GeoJsonMapping.Replace("\"attributesJson\"", "\"status\": {\"column\": \"status\"}, \"attributesJson\"", StringComparison.Ordinal), source: "demo");

        Assert.True(status == HttpStatusCode.UnprocessableEntity, report.ToJsonString());
        var rejected = Assert.Single(report["rejected"]!.AsArray());
        Assert.Equal(1, (int)rejected!["row"]!);
        Assert.Equal("yj-1", (string?)rejected["externalId"]);
        Assert.Contains("140881", (string)rejected["reason"]!, StringComparison.Ordinal);
        Assert.Contains("outside the districts you may change", (string)rejected["reason"]!, StringComparison.Ordinal);
        Assert.Equal(before, await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', id, name, status, district_code, ST_AsText(geometry), updated_at) FROM facilities WHERE source = 'demo' AND external_id = 'yj-1'"));
    }

    [Fact]
    public async Task A_truncated_file_is_refused_on_the_command_line_and_changes_nothing()
    {
        var mapping = Write("mapping.json", GeoJsonMapping);
        var whole = Features(("a1", "厕所一", "accessible_toilet", Yongji, "{}"), ("a2", "厕所二", "accessible_toilet", YongjiEast, "{}"));
        var file = Write("cut.geojson", whole[..(whole.Length - 30)]);
        var (exit, _, error) = await CliAsync("--file", file, "--mapping", mapping);
        Assert.Equal(CliContext.Failure, exit);
        Assert.Contains("Nothing was imported", error, StringComparison.Ordinal);
        Assert.Contains("cannot be read", error, StringComparison.Ordinal);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities"));
    }

    // More features than the reader hands the COPY in one batch, so the COPY has taken rows before the bad one is read.
    private static string ManyFeatures(int count, Func<int, string>? kind = null) => Features(Enumerable.Range(1, count).Select(i => (
        "m" + i, "设施" + i, kind?.Invoke(i) ?? "curb_ramp", (Yongji.Lon + (i % 100 * 0.0001), Yongji.Lat + (i / 100 * 0.0001)),
        """{"curb_ramp_type": "three_sided"}""")).ToArray());

    [Fact]
    public async Task A_malformed_feature_in_the_middle_of_a_file_is_reported_with_its_position_and_nothing_is_written()
    {
        var mapping = Write("mapping.json", GeoJsonMapping);
        var whole = ManyFeatures(6000);
        // Feature 4000 loses the comma between two of its properties.
        var broken = whole.Replace("""
            "fid":"m4000","title"
            """, """
            "fid":"m4000" "title"
            """, StringComparison.Ordinal);
        Assert.NotEqual(whole, broken);
        var (exit, _, error) = await CliAsync("--file", Write("broken.geojson", broken), "--mapping", mapping, "--source", "broken");

        Assert.Equal(CliContext.Failure, exit);
        Assert.Contains("Nothing was imported", error, StringComparison.Ordinal);
        Assert.Contains("row 0, file: The GeoJSON cannot be read at feature 4000 (line 1, byte ", error, StringComparison.Ordinal);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'broken'"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'import'"));

        // The same file whole imports every feature.
        var (fine, output, fineError) = await CliAsync("--file", Write("whole.geojson", whole), "--mapping", mapping, "--source", "broken");
        Assert.True(fine == 0, fineError);
        Assert.Contains("6000 new", output, StringComparison.Ordinal);
        Assert.Equal(6000, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'broken' AND district_code = '140881'"));
    }

    [Fact]
    public async Task Every_rejection_of_a_large_file_is_counted_and_listed_in_order_with_its_row_and_external_id()
    {
        var mapping = Write("mapping.json", GeoJsonMapping);
        // Every 10th feature names a kind the catalog does not have; the last one repeats the first one's external id.
        var text = JsonNode.Parse(ManyFeatures(5000, i => i % 10 == 0 && i < 5000 ? "escalator" : "curb_ramp"))!;
        text["features"]![4999]!["properties"]!["fid"] = "m1";
        var (exit, _, error) = await CliAsync("--file", Write("rejects.geojson", text.ToJsonString()), "--mapping", mapping, "--source", "rejects");

        Assert.Equal(CliContext.Failure, exit);
        Assert.Contains("Nothing was imported: 500 of 5000 rows rejected.", error, StringComparison.Ordinal);
        var listed = error.Split('\n').Where(l => l.StartsWith("  row ", StringComparison.Ordinal)).ToList();
        Assert.Equal(500, listed.Count);
        Assert.Equal("  row 10 (m10), type: Unknown facility kind 'escalator'.", listed[0].Split(" Expected", 2)[0].TrimEnd());
        Assert.StartsWith("  row 4990 (m4990), type: ", listed[^2], StringComparison.Ordinal);
        Assert.Equal("  row 5000 (m1), fid: External id 'm1' appears again (first in row 1).", listed[^1].TrimEnd());
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'rejects'"));
    }

    [Fact]
    public async Task A_geojson_export_imports_back_as_another_source_with_the_same_count()
    {
        var mapping = Write("mapping.json", GeoJsonMapping);
        var rows = Enumerable.Range(1, 40).Select(i => (
            "f" + i, "设施" + i, i % 2 == 0 ? "accessible_toilet" : "curb_ramp",
            (Yongji.Lon + (i * 0.0003), Yongji.Lat + (i * 0.0002)),
            i % 2 == 0 ? """{"door_width_mm": 900, "grab_bars": true}""" : """{"curb_ramp_type": "three_sided", "slope": 0.05}""")).ToArray();
        var (exit, _, error) = await CliAsync("--file", Write("many.geojson", Features(rows)), "--mapping", mapping, "--source", "original");
        Assert.True(exit == 0, error);

        using var client = registry.CreateClient();
        var export = await client.GetStringAsync(Url("/api/v1/exports/facilities.geojson"));
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        var (status, body) = await PostAsync(admin, export, "facilities.geojson", ExportMapping, source: "roundtrip");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(40, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'roundtrip'"));
        Assert.Equal(0, await registry.ScalarAsync<long>(
            """
            SELECT count(*) FROM facilities o JOIN facilities r ON r.source = 'roundtrip' AND r.external_id = o.id::text
            WHERE o.source = 'original' AND (o.kind, o.name, o.attributes, o.district_code) IS DISTINCT FROM (r.kind, r.name, r.attributes, r.district_code)
              OR NOT ST_DWithin(o.geometry, r.geometry, 1e-7)
            """));
    }
}
