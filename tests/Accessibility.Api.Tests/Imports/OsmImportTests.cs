using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Cli;
using OsmSharp;
using OsmSharp.Streams;
using OsmSharp.Tags;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Imports;

/// <summary>OpenStreetMap imports (.osm XML and .osm.pbf) through data/import-mappings/osm.json.</summary>
[Collection(RegistryCollection.Name)]
public sealed class OsmImportTests(RegistryFixture registry) : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("osm-imports-").FullName;

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>An OSM element for both writers: id, coordinates (nodes) or node refs (ways), tags.</summary>
    private sealed record Element(string Type, long Id, (double Lon, double Lat)? At, long[]? Refs, params (string Key, string Value)[] Tags);

    private static Element Node(long id, double lon, double lat, params (string, string)[] tags) => new("node", id, (lon, lat), null, tags);

    private static Element Way(long id, long[] refs, params (string, string)[] tags) => new("way", id, null, refs, tags);

    /// <summary>
    /// A small survey of Yongji: an accessible toilet, a lowered and a raised kerb, an entrance, a bus stop, a
    /// disabled parking space drawn as an area, an elevator shaft, and elements no rule takes (a bench, a toilet
    /// without wheelchair access, an untagged footway, a multipolygon).
    /// </summary>
    private static List<Element> Survey(string toiletDoorWidth = "0.9", string toiletName = "人民公园无障碍厕所") =>
    [
        Node(1, 110.4470, 34.8670, ("amenity", "toilets"), ("wheelchair", "yes"), ("name", toiletName), ("changing_table", "yes"), ("door:width", toiletDoorWidth), ("operator", "永济市城管局")),
        Node(2, 110.4480, 34.8672, ("barrier", "kerb"), ("kerb", "lowered"), ("tactile_paving", "yes"), ("kerb:height", "2 cm")),
        Node(3, 110.4482, 34.8672, ("highway", "crossing"), ("kerb", "raised")),
        Node(4, 110.4490, 34.8675, ("entrance", "main"), ("wheelchair", "limited"), ("door", "sliding"), ("width", "1.2")),
        Node(5, 110.4500, 34.8680, ("highway", "bus_stop"), ("name", "人民公园站"), ("shelter", "yes"), ("bench", "no"), ("wheelchair", "no")),
        Node(6, 110.4501, 34.8681, ("amenity", "bench")),
        Node(7, 110.4502, 34.8682, ("amenity", "toilets"), ("wheelchair", "no")),
        Node(10, 110.4600, 34.8700),
        Node(11, 110.4602, 34.8700),
        Node(12, 110.4602, 34.8702),
        Node(13, 110.4600, 34.8702),
        Node(20, 110.4610, 34.8710),
        Node(21, 110.4611, 34.8710),
        Node(22, 110.4611, 34.8711),
        Way(100, [10, 11, 12, 13, 10], ("amenity", "parking_space"), ("parking_space", "disabled"), ("capacity", "2")),
        Way(101, [20, 21, 22, 20], ("highway", "elevator"), ("wheelchair", "yes")),
        Way(102, [11, 20], ("highway", "footway")),
        new("relation", 200, null, null, ("type", "multipolygon"), ("amenity", "parking")),
    ];

    private static string Xml(IEnumerable<Element> elements)
    {
        var xml = new StringBuilder("<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='test'>\n");
        foreach (var e in elements)
        {
            var tags = string.Concat(e.Tags.Select(t => $"<tag k='{t.Key}' v='{t.Value}'/>"));
            switch (e.Type)
            {
                case "node":
                    xml.Append(FormattableString.Invariant($"<node id='{e.Id}' version='1' lat='{e.At!.Value.Lat}' lon='{e.At.Value.Lon}'>{tags}</node>\n"));
                    break;
                case "way":
                    xml.Append(FormattableString.Invariant($"<way id='{e.Id}' version='1'>{string.Concat(e.Refs!.Select(r => FormattableString.Invariant($"<nd ref='{r}'/>")))}{tags}</way>\n"));
                    break;
                default:
                    xml.Append(FormattableString.Invariant($"<relation id='{e.Id}' version='1'><member type='way' ref='100' role='outer'/>{tags}</relation>\n"));
                    break;
            }
        }

        return xml.Append("</osm>\n").ToString();
    }

    /// <summary>The elements as .osm.pbf, written by OsmSharp's PBF writer.</summary>
    private static byte[] Pbf(IEnumerable<Element> elements)
    {
        var stamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var osm = elements.Select<Element, OsmGeo>(e =>
        {
            var tags = new TagsCollection(e.Tags.Select(t => new Tag(t.Key, t.Value)));
            return e.Type switch
            {
                "node" => new OsmSharp.Node { Id = e.Id, Longitude = e.At!.Value.Lon, Latitude = e.At.Value.Lat, Tags = tags, Version = 1, ChangeSetId = 1, TimeStamp = stamp, UserId = 1, UserName = "t", Visible = true },
                "way" => new OsmSharp.Way { Id = e.Id, Nodes = e.Refs, Tags = tags, Version = 1, ChangeSetId = 1, TimeStamp = stamp, UserId = 1, UserName = "t", Visible = true },
                _ => new Relation { Id = e.Id, Members = [new RelationMember(100, "outer", OsmGeoType.Way)], Tags = tags, Version = 1, ChangeSetId = 1, TimeStamp = stamp, UserId = 1, UserName = "t", Visible = true },
            };
        }).ToList();
        using var stream = new MemoryStream();
        var target = new PBFOsmStreamTarget(stream, compress: true);
        target.RegisterSource(osm);
        target.Pull();
        target.Flush();
        return stream.ToArray();
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body, string? ContentType)> PostAsync(HttpClient client, byte[] file, string fileName, string? mapping = null, string? format = null)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", fileName } };
        if (mapping is not null)
        {
            form.Add(new StringContent(mapping), "mapping");
        }

        if (format is not null)
        {
            form.Add(new StringContent(format), "format");
        }

        using var response = await client.PostAsync(Url("/api/v1/imports/facilities"), form);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!, response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(int Exit, string Out, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RegistryCli.RunAsync(["import-facilities", .. args], new CliContext(output, error, TextReader.Null, registry.ConfigureHost));
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Osm_xml_upload_maps_accessibility_tags_to_kinds_and_attributes_and_skips_the_rest()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        var (status, body, _) = await PostAsync(admin, Encoding.UTF8.GetBytes(Xml(Survey())), "yongji.osm");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("osm", (string?)body["source"]);
        Assert.Equal("osm-xml", (string?)body["format"]);
        Assert.Equal(18, (int)body["rows"]!);
        Assert.Equal(7, (int)body["inserted"]!);
        Assert.Equal(11, (int)body["skipped"]!);

        Assert.Equal("accessible_toilet|operational|人民公园无障碍厕所", await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', kind, status, name) FROM facilities WHERE source = 'osm' AND external_id = 'osm:node/1'"));
        Assert.Equal("900|true|永济市城管局", await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', attributes->>'door_width_mm', attributes->>'baby_changing', managing_unit) FROM facilities WHERE external_id = 'osm:node/1'"));
        Assert.Equal("curb_ramp|operational|缘石坡道|other|20|true", await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', kind, status, name, attributes->>'curb_ramp_type', attributes->>'lip_height_mm', attributes->>'tactile_warning') FROM facilities WHERE external_id = 'osm:node/2'"));
        Assert.Equal("curb_ramp|unusable", await registry.ScalarAsync<string>("SELECT kind || '|' || status FROM facilities WHERE external_id = 'osm:node/3'"));
        Assert.Equal("accessible_entrance|defective_usable|sliding|1200", await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', kind, status, attributes->>'door_type', attributes->>'door_width_mm') FROM facilities WHERE external_id = 'osm:node/4'"));
        Assert.Equal("bus_stop|unusable|人民公园站|true|false", await registry.ScalarAsync<string>(
            "SELECT concat_ws('|', kind, status, name, attributes->>'shelter', attributes->>'seating') FROM facilities WHERE external_id = 'osm:node/5'"));
        Assert.Equal("elevator|elevator", await registry.ScalarAsync<string>("SELECT kind || '|' || (attributes->>'lift_type') FROM facilities WHERE external_id = 'osm:way/101'"));

        // The parking area becomes one point inside it, in Yongji.
        Assert.Equal("accessible_parking|2|ST_Point|140881|true", await registry.ScalarAsync<string>(
            """
            SELECT concat_ws('|', kind, attributes->>'spaces', ST_GeometryType(geometry), district_code,
                             ST_Covers(ST_MakeEnvelope(110.4600, 34.8700, 110.4602, 34.8702, 4490), geometry)::text)
            FROM facilities WHERE external_id = 'osm:way/100'
            """));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE external_id IN ('osm:node/6', 'osm:node/7', 'osm:way/102', 'osm:relation/200')"));
        Assert.Equal(7, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'osm' AND district_code = '140881'"));
    }

    [Fact]
    public async Task Osm_pbf_on_the_command_line_and_a_re_import_updates_by_osm_id()
    {
        var file = Path.Combine(folder, "yongji.osm.pbf");
        await File.WriteAllBytesAsync(file, Pbf(Survey()));
        var (exit, output, error) = await CliAsync("--file", file);
        Assert.True(exit == 0, error);
        Assert.Contains("(osm-pbf)", output, StringComparison.Ordinal);
        Assert.Contains("7 new, 0 updated, 11 skipped", output, StringComparison.Ordinal);
        Assert.Equal("900|人民公园无障碍厕所", await registry.ScalarAsync<string>(
            "SELECT (attributes->>'door_width_mm') || '|' || name FROM facilities WHERE source = 'osm' AND external_id = 'osm:node/1'"));

        // The mapper widened the door and renamed the toilet; the same extract comes in again.
        await File.WriteAllBytesAsync(file, Pbf(Survey(toiletDoorWidth: "95 cm", toiletName: "人民公园第三卫生间")));
        (exit, output, error) = await CliAsync("--file", file, "--format", "osm");
        Assert.True(exit == 0, error);
        Assert.Contains("0 new, 7 updated", output, StringComparison.Ordinal);
        Assert.Equal(7, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'osm'"));
        Assert.Equal("950|人民公园第三卫生间", await registry.ScalarAsync<string>(
            "SELECT (attributes->>'door_width_mm') || '|' || name FROM facilities WHERE source = 'osm' AND external_id = 'osm:node/1'"));
        Assert.Equal(2, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'import' AND entity_id = 'osm' AND after->>'format' = 'osm-pbf'"));
    }

    [Fact]
    public async Task Mapped_elements_outside_every_district_or_with_unreadable_values_are_rejected_and_nothing_is_written()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        List<Element> elements =
        [
            Node(1, 110.4470, 34.8670, ("amenity", "toilets"), ("wheelchair", "yes")),
            Node(2, 116.4040, 39.9150, ("amenity", "toilets"), ("wheelchair", "yes"), ("name", "北京的厕所")),
            Node(3, 110.4490, 34.8675, ("entrance", "main"), ("wheelchair", "yes"), ("width", "narrow")),
            Node(4, 110.4491, 34.8675, ("entrance", "yes"), ("door:width", "40")),
            Node(5, 110.4492, 34.8675, ("amenity", "bench")),
            Way(6, [1, 99], ("highway", "elevator")),
        ];
        var (status, body, contentType) = await PostAsync(admin, Encoding.UTF8.GetBytes(Xml(elements)), "bad.osm");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(6, (int)body["rows"]!);
        Assert.Equal(1, (int)body["skipped"]!);
        Assert.Equal(4, (int)body["rejectedRows"]!);
        Assert.Contains("4 of 6 rows", (string?)body["detail"], StringComparison.Ordinal);
        var rejected = body["rejected"]!.AsArray().Select(r => ((string?)r!["externalId"], (string)r["field"]!, (string)r["reason"]!)).ToList();
        Assert.Contains(rejected, r => r.Item1 == "osm:node/2" && r.Item2 == "geometry" && r.Item3.Contains("outside every registered district", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Item1 == "osm:node/3" && r.Item2 == "tags.width" && r.Item3.Contains("'narrow'", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Item1 == "osm:node/4" && r.Item2 == "attributes.door_width_mm");
        Assert.Contains(rejected, r => r.Item1 == "osm:way/6" && r.Item3.Contains("node 99", StringComparison.Ordinal));
        Assert.DoesNotContain(rejected, r => r.Item1 is "osm:node/1" or "osm:node/5");
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));
    }

    [Fact]
    public async Task A_truncated_pbf_or_malformed_xml_is_a_422_problem_naming_it_and_changes_nothing()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        var (status, _, _) = await PostAsync(admin, Pbf(Survey()), "yongji.osm.pbf");
        Assert.Equal(HttpStatusCode.OK, status);
        var before = await registry.ScalarAsync<string>("SELECT count(*) || '|' || max(updated_at)::text FROM facilities");
        var audits = await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries");

        // A larger extract, so that cutting it in half cuts inside a compressed block.
        var many = Survey().Concat(Enumerable.Range(1000, 20000).Select(i => Node(i, 110.44 + (i % 100 * 0.0001), 34.86 + (i / 100 * 0.00005), ("kerb", "lowered")))).ToList();
        var whole = Pbf(many);
        (status, var body, var contentType) = await PostAsync(admin, whole[..(whole.Length / 2)], "cut.osm.pbf");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("truncated", (string?)body["detail"], StringComparison.Ordinal);
        Assert.Equal("file", (string?)body["rejected"]![0]!["field"]);

        var xml = Xml(Survey());
        (status, body, _) = await PostAsync(admin, Encoding.UTF8.GetBytes(xml[..(xml.Length / 2)]), "cut.osm");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("OSM XML is malformed", (string?)body["detail"], StringComparison.Ordinal);

        // The explicit format wins over the name; a non-OSM mapping for an OSM file is refused by field.
        (status, body, _) = await PostAsync(admin, Encoding.UTF8.GetBytes("not osm at all"), "x.txt", format: "osm-pbf");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains(".osm.pbf", (string?)body["detail"], StringComparison.Ordinal);
        (status, body, _) = await PostAsync(admin, Encoding.UTF8.GetBytes(xml), "ok.osm",
            mapping: """{ "format": "csv", "geometry": { "lon": "x", "lat": "y" }, "externalId": "id", "name": "n", "kind": "k" }""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("OpenStreetMap", (string?)body["errors"]!["mapping"]![0], StringComparison.Ordinal);

        var file = Path.Combine(folder, "cut.osm.pbf");
        await File.WriteAllBytesAsync(file, whole[..(whole.Length / 2)]);
        var (exit, _, error) = await CliAsync("--file", file);
        Assert.Equal(CliContext.Failure, exit);
        Assert.Contains("truncated", error, StringComparison.Ordinal);

        Assert.Equal(before, await registry.ScalarAsync<string>("SELECT count(*) || '|' || max(updated_at)::text FROM facilities"));
        Assert.Equal(audits, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));
    }

    [Fact]
    public async Task A_county_s_own_mapping_can_change_what_a_tag_means()
    {
        var mapping = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "data", "import-mappings", "osm.json")))!.AsObject();
        mapping["source"] = "osm-yongji";
        // This county records raised kerbs at crossings as defects of usable ramps, not as unusable ones.
        mapping["rules"]![1]!["status"]![1]!["values"]!["raised"] = "defective_usable";
        var mappingFile = Path.Combine(folder, "osm-yongji.json");
        await File.WriteAllTextAsync(mappingFile, mapping.ToJsonString());
        var file = Path.Combine(folder, "yongji.osm");
        await File.WriteAllTextAsync(file, Xml(Survey()));
        var (exit, _, error) = await CliAsync("--file", file, "--mapping", mappingFile);
        Assert.True(exit == 0, error);
        Assert.Equal("defective_usable", await registry.ScalarAsync<string>("SELECT status FROM facilities WHERE source = 'osm-yongji' AND external_id = 'osm:node/3'"));

        mapping["rules"]![0]!["kind"] = "public_toilet";
        await File.WriteAllTextAsync(mappingFile, mapping.ToJsonString());
        (exit, _, error) = await CliAsync("--file", file, "--mapping", mappingFile);
        Assert.Equal(CliContext.Failure, exit);
        Assert.Contains("unknown facility kind 'public_toilet'", error, StringComparison.Ordinal);
    }
}
