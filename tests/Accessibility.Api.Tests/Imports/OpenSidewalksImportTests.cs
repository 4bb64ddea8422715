using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Imports;

/// <summary>
/// The real OpenSidewalks sample (Redmond, WA: <c>../shared/data/opensidewalks-redmond</c>, copied with its licence to <c>tests/fixtures</c>) through the shipped preset
/// <c>data/import-mappings/opensidewalks-kerbs.json</c>: where it lies, outside every Chinese district, every kerb is
/// refused with its reason and nothing is written; moved into 永济市 by <see cref="ToYongji"/>, all of it is imported.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class OpenSidewalksImportTests(RegistryFixture registry) : IAsyncLifetime
{
    /// <summary>
    /// The documented offset (docs/import.md, "OpenSidewalks") that moves the sample's centre (−122.1377, 47.6431) onto
    /// 永济市's (110.4470, 34.8670): a plain translation in degrees, so distances between points change by the ratio of
    /// the cosines of the latitudes (about 1.2×), which placement does not care about.
    /// </summary>
    public static readonly (double Lon, double Lat) ToYongji = (232.5847, -12.7761);

    private static readonly string Nodes = Path.Combine(RepoPaths.Root, "tests", "fixtures", "opensidewalks-redmond", "wa.microsoft.graph.nodes.OSW.geojson");
    private static readonly string Mapping = File.ReadAllText(Path.Combine(RepoPaths.Data, "import-mappings", "opensidewalks-kerbs.json"));

    // Counted in the file: 757 barrier=kerb nodes (645 lowered, 21 flush, 91 raised; tactile_paving yes on 445, no on 3)
    // among 3,916 nodes; the other 3,159 are plain graph vertices.
    private const int AllNodes = 3916;
    private const int Kerbs = 757;

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The GeoJSON with every coordinate of every feature's geometry moved by <paramref name="offset"/>.</summary>
    public static byte[] Translate(byte[] geojson, (double Lon, double Lat) offset)
    {
        var root = JsonNode.Parse(geojson)!;
        foreach (var feature in root["features"]!.AsArray())
        {
            Move(feature!["geometry"]!["coordinates"]!, offset);
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static void Move(JsonNode coordinates, (double Lon, double Lat) offset)
    {
        var array = coordinates.AsArray();
        if (array.Count > 0 && array[0] is JsonValue)
        {
            array[0] = Math.Round((double)array[0]! + offset.Lon, 7);
            array[1] = Math.Round((double)array[1]! + offset.Lat, 7);
            return;
        }

        foreach (var inner in array)
        {
            Move(inner!, offset);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> ImportAsync(HttpClient client, byte[] file)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/geo+json");
        form.Add(content, "file", "wa.microsoft.graph.nodes.OSW.geojson");
        form.Add(new StringContent(Mapping, Encoding.UTF8, "application/json"), "mapping", "opensidewalks-kerbs.json");
        using var response = await client.PostAsync(Url("/api/v1/imports/facilities"), form);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Where_it_lies_every_kerb_is_refused_with_its_reason_and_nothing_is_written()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        var (status, report) = await ImportAsync(admin, await File.ReadAllBytesAsync(Nodes));

        Assert.True(status == HttpStatusCode.UnprocessableEntity, report.ToJsonString()[..Math.Min(2000, report.ToJsonString().Length)]);
        Assert.Equal(AllNodes, (int)report["rows"]!);
        Assert.Equal(AllNodes - Kerbs, (int)report["skipped"]!);
        Assert.Equal(Kerbs, (int)report["rejectedRows"]!);
        var rejected = report["rejected"]!.AsArray();
        Assert.Equal(Kerbs, rejected.Count);
        Assert.All(rejected, r =>
        {
            Assert.Equal("geometry", (string?)r!["field"]);
            Assert.Equal("The location is outside every registered district.", (string?)r["reason"]);
            Assert.False(string.IsNullOrEmpty((string?)r["externalId"]));
        });
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities"));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'import'"));
    }

    [Fact]
    public async Task Moved_into_Yongji_every_kerb_becomes_a_curb_ramp_with_constant_and_mapped_values()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        var (status, outcome) = await ImportAsync(admin, Translate(await File.ReadAllBytesAsync(Nodes), ToYongji));

        Assert.True(status == HttpStatusCode.OK, outcome.ToJsonString()[..Math.Min(2000, outcome.ToJsonString().Length)]);
        Assert.Equal(AllNodes, (int)outcome["rows"]!);
        Assert.Equal(Kerbs, (int)outcome["inserted"]!);
        Assert.Equal(AllNodes - Kerbs, (int)outcome["skipped"]!);
        Assert.Equal("opensidewalks", (string?)outcome["source"]);

        Assert.Equal("curb_ramp:757", await registry.ScalarAsync<string>(
            "SELECT string_agg(kind || ':' || n, ',' ORDER BY kind) FROM (SELECT kind, count(*) n FROM facilities GROUP BY kind) k"));
        Assert.Equal("operational:666,unusable:91", await registry.ScalarAsync<string>(
            "SELECT string_agg(status || ':' || n, ',' ORDER BY status) FROM (SELECT status, count(*) n FROM facilities GROUP BY status) s"));
        Assert.Equal("false:3,true:445", await registry.ScalarAsync<string>(
            "SELECT string_agg(t || ':' || n, ',' ORDER BY t) FROM (SELECT attributes->>'tactile_warning' t, count(*) n FROM facilities WHERE attributes ? 'tactile_warning' GROUP BY 1) s"));
        // A constant the source cannot give (OSW does not tell a ramp's form), and a default name for unnamed kerbs.
        Assert.Equal(Kerbs, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE attributes->>'curb_ramp_type' = 'other'"));
        Assert.Equal(Kerbs, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE name = '缘石坡道（OpenSidewalks）' AND district_code = '140881'"));
        // The OSW node id is the external id: a raised kerb stays findable by it.
        Assert.Equal("unusable", await registry.ScalarAsync<string>(
            "SELECT status FROM facilities WHERE source = 'opensidewalks' AND external_id = (SELECT $1::text)", RaisedKerbId()));
    }

    /// <summary>The OSW id of the first raised kerb of the file.</summary>
    private static string RaisedKerbId()
    {
        var root = JsonNode.Parse(File.ReadAllBytes(Nodes))!;
        return (string)root["features"]!.AsArray().First(f => (string?)f!["properties"]!["kerb"] == "raised")!["properties"]!["_id"]!;
    }
}
