extern alias JsonSchemaNet;

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using JsonSchemaNet::Json.Schema;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Ogc;

/// <summary>
/// OGC API – Features Part 3: queryables as JSON Schema, and <c>filter</c> in CQL2 text and JSON, each filter's
/// numberMatched checked against the same condition written in SQL here, through every next link.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class OgcFilterTests(RegistryFixture registry) : IAsyncLifetime
{
    // A box over part of the seeded grid (110.44 + (i % 50) * 0.0002, 34.86 + (i / 50) * 0.0002).
    private const string Box = "ST_MakeEnvelope(110.4405, 34.8599, 110.4455, 34.8603, 4490)";
    private const string BoxWkt = "POLYGON((110.4405 34.8599, 110.4455 34.8599, 110.4455 34.8603, 110.4405 34.8603, 110.4405 34.8599))";
    private const string BoxWktLatLon = "POLYGON((34.8599 110.4405, 34.8599 110.4455, 34.8603 110.4455, 34.8603 110.4405, 34.8599 110.4405))";

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await OgcTestData.SeedAsync(registry, 160, roads: 6);
        await registry.ScalarAsync<int>("UPDATE facilities SET name = '北门坡道' || id WHERE id IN (4, 9, 17, 33, 140)");
        await registry.ScalarAsync<int>("UPDATE facilities SET township_code = '140881100' WHERE id % 7 = 0");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<long> CountAsync(string where) =>
        registry.ScalarAsync<long>("SELECT count(*) FROM facilities f WHERE f.deleted_at IS NULL AND " + where)!;

    /// <summary>Every feature of the filtered items, following next links; asserts numberMatched equals what was read.</summary>
    private async Task<List<JsonNode>> ReadAllAsync(HttpClient client, string collection, params (string Key, string Value)[] query)
    {
        var url = "/ogc/collections/" + collection + "/items?limit=7&" + string.Join('&', query.Select(q => q.Key + "=" + Uri.EscapeDataString(q.Value)));
        var features = new List<JsonNode>();
        long? matched = null;
        while (true)
        {
            var response = await client.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, url + ": " + body);
            var page = JsonNode.Parse(body)!;
            matched ??= (long?)page["numberMatched"];
            features.AddRange(page["features"]!.AsArray().Select(f => f!.DeepClone()));
            var next = page["links"]!.AsArray().FirstOrDefault(l => (string?)l!["rel"] == "next");
            if (next is null)
            {
                break;
            }

            url = (string)next["href"]!;
            Assert.Contains("filter=", url, StringComparison.Ordinal);
        }

        Assert.Equal(matched, features.Count);
        return features;
    }

    public static TheoryData<string, string> TextFilters => new()
    {
        { "status = 'operational'", "f.status = 'operational'" },
        { "kind IN ('ramp', 'curb_ramp') AND status <> 'unusable'", "f.kind IN ('ramp', 'curb_ramp') AND f.status <> 'unusable'" },
        { "name LIKE '北门%'", "f.name LIKE '北门%'" },
        { "id BETWEEN 10 AND 40", "f.id BETWEEN 10 AND 40" },
        { "NOT (status = 'operational') OR kind = 'ramp'", "(NOT f.status = 'operational' OR f.kind = 'ramp')" },
        { "townshipCode IS NULL AND id < 30", "f.township_code IS NULL AND f.id < 30" },
        { "townshipCode IS NOT NULL", "f.township_code IS NOT NULL" },
        { "inspectionState = 'never' AND kind NOT IN ('ramp')", "NOT EXISTS (SELECT 1 FROM inspections i WHERE i.facility_id = f.id) AND f.kind <> 'ramp'" },
        { "updatedAt >= TIMESTAMP('2024-03-01T00:00:00Z') AND updatedAt < DATE('2024-04-01')", "f.updated_at >= '2024-03-01T00:00:00Z' AND f.updated_at < '2024-04-01T00:00:00Z'" },
        { "S_INTERSECTS(geometry, " + BoxWkt + ")", "ST_Intersects(f.geometry, " + Box + ")" },
        { "S_WITHIN(geometry, BBOX(110.4405, 34.8599, 110.4455, 34.8603)) AND status = 'unusable'", "ST_Within(f.geometry, " + Box + ") AND f.status = 'unusable'" },
        { "name = 'x''; DROP TABLE facilities; --'", "false" },
        { "name LIKE '%'' OR ''1''=''1'", "f.name LIKE '%'' OR ''1''=''1'" },
    };

    [Theory]
    [MemberData(nameof(TextFilters))]
    public async Task Cql2_text_selects_what_the_sql_selects(string filter, string where)
    {
        using var client = registry.CreateClient();
        var features = await ReadAllAsync(client, "facilities", ("filter", filter));
        var expected = await CountAsync(where);
        Assert.True(expected == features.Count, filter + ": expected " + expected + ", got " + features.Count);
        Assert.Equal(160, await CountAsync("true"));
    }

    [Fact]
    public async Task Cql2_text_selects_something_for_each_case()
    {
        // The theory above would pass on empty answers: most of its filters must select some features, and not all.
        foreach (var where in new[] { "f.name LIKE '北门%'", "ST_Intersects(f.geometry, " + Box + ")", "f.township_code IS NOT NULL", "f.id BETWEEN 10 AND 40" })
        {
            var n = await CountAsync(where);
            Assert.True(n is > 0 and < 160, where + ": " + n);
        }
    }

    [Fact]
    public async Task Cql2_json_and_filter_crs_select_the_same_as_text()
    {
        using var client = registry.CreateClient();
        var polygon = new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = JsonNode.Parse("[[[110.4405,34.8599],[110.4455,34.8599],[110.4455,34.8603],[110.4405,34.8603],[110.4405,34.8599]]]"),
        };
        var json = new JsonObject
        {
            ["op"] = "and",
            ["args"] = new JsonArray(
                new JsonObject { ["op"] = "s_intersects", ["args"] = new JsonArray(new JsonObject { ["property"] = "geometry" }, polygon) },
                new JsonObject
                {
                    ["op"] = "or",
                    ["args"] = new JsonArray(
                        new JsonObject { ["op"] = "=", ["args"] = new JsonArray(new JsonObject { ["property"] = "status" }, "operational") },
                        new JsonObject { ["op"] = "like", ["args"] = new JsonArray(new JsonObject { ["property"] = "name" }, "北门%") },
                        new JsonObject { ["op"] = "in", ["args"] = new JsonArray(new JsonObject { ["property"] = "kind" }, new JsonArray("elevator", "bus_stop")) }),
                },
                new JsonObject { ["op"] = "not", ["args"] = new JsonArray(new JsonObject { ["op"] = "between", ["args"] = new JsonArray(new JsonObject { ["property"] = "id" }, 50, 60) }) }),
        };
        var expected = await CountAsync("ST_Intersects(f.geometry, " + Box + ") AND (f.status = 'operational' OR f.name LIKE '北门%' OR f.kind IN ('elevator', 'bus_stop')) AND f.id NOT BETWEEN 50 AND 60");
        Assert.True(expected > 0);

        var viaJson = await ReadAllAsync(client, "facilities", ("filter", json.ToJsonString()), ("filter-lang", "cql2-json"));
        Assert.Equal(expected, viaJson.Count);

        var text = "S_INTERSECTS(geometry, " + BoxWkt + ") AND (status = 'operational' OR name LIKE '北门%' OR kind IN ('elevator', 'bus_stop')) AND NOT id BETWEEN 50 AND 60";
        Assert.Equal(expected, (await ReadAllAsync(client, "facilities", ("filter", text))).Count);

        // EPSG:4490 and EPSG:4326 put latitude first; CRS84 (the default) longitude first.
        var latLon = text.Replace(BoxWkt, BoxWktLatLon, StringComparison.Ordinal);
        Assert.Equal(expected, (await ReadAllAsync(client, "facilities", ("filter", latLon), ("filter-crs", "http://www.opengis.net/def/crs/EPSG/0/4490"))).Count);
        Assert.Equal(expected, (await ReadAllAsync(client, "facilities", ("filter", text), ("filter-crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"))).Count);

        // The filter applies to the per-kind collections and combines with the other parameters.
        var ramps = await ReadAllAsync(client, "facilities-ramp", ("filter", "status = 'operational'"), ("district", "140881"));
        Assert.Equal(await CountAsync("f.kind = 'ramp' AND f.status = 'operational'"), ramps.Count);
        var roads = await ReadAllAsync(client, "road-segments", ("filter", "roadClass = 'main' AND sidewalkWidthM > 2"));
        Assert.Equal(await registry.ScalarAsync<long>("SELECT count(*) FROM road_segments WHERE road_class = 'main' AND sidewalk_width_m > 2"), roads.Count);
    }

    [Theory]
    [InlineData("filter", "status = ", "At character 10")]
    [InlineData("filter", "status = 'operational' AND", "At character 27")]
    [InlineData("filter", "colour = 'red'", "colour")]
    [InlineData("filter", "\"name; DROP TABLE facilities\" = 'x'", "name; DROP TABLE facilities")]
    [InlineData("filter", "status = 5", "string")]
    [InlineData("filter", "status LIKE 5", "string")]
    [InlineData("filter", "S_INTERSECTS(geometry, POLYGON((110 34, 111 35, 111 34, 110 35, 110 34)))", "valid")]
    [InlineData("filter", "S_INTERSECTS(geometry, POLYGON((110 34, 111 35)))", "POLYGON")]
    [InlineData("filter", "S_INTERSECTS(geometry, POINT(34.86 110.44))", "latitude")]
    [InlineData("filter", "S_INTERSECTS(status, POINT(110.44 34.86))", "geometry")]
    [InlineData("filter", "name = 'unterminated", "unterminated")]
    [InlineData("filter-lang", "sql", "cql2-text")]
    [InlineData("filter-crs", "EPSG:3857", "CRS")]
    public async Task Bad_filters_are_problems_naming_the_parameter_and_the_place(string parameter, string value, string message)
    {
        using var client = registry.CreateClient();
        var query = parameter == "filter" ? "filter=" + Uri.EscapeDataString(value) : "filter=" + Uri.EscapeDataString("status = 'operational'") + "&" + parameter + "=" + Uri.EscapeDataString(value);
        var response = await client.GetAsync(Url("/ogc/collections/facilities/items?" + query));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, value + ": " + (int)response.StatusCode + " " + body);
        var errors = JsonNode.Parse(body)!["errors"]![parameter]!.AsArray();
        Assert.Contains(message, (string)errors[0]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_cql2_json_is_a_problem_naming_the_json_path()
    {
        using var client = registry.CreateClient();
        async Task<string> ErrorOf(string json)
        {
            var response = await client.GetAsync(Url("/ogc/collections/facilities/items?filter-lang=cql2-json&filter=" + Uri.EscapeDataString(json)));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, json + ": " + body);
            return (string)JsonNode.Parse(body)!["errors"]!["filter"]![0]!;
        }

        Assert.Contains("Not JSON", await ErrorOf("{\"op\": "), StringComparison.Ordinal);
        Assert.Contains("$.args[1].op", await ErrorOf("{\"op\":\"and\",\"args\":[true,{\"op\":\"drop\",\"args\":[]}]}"), StringComparison.Ordinal);
        Assert.Contains("$.args[1]", await ErrorOf("{\"op\":\"s_within\",\"args\":[{\"property\":\"geometry\"},{\"type\":\"Polygon\",\"coordinates\":\"x\"}]}"), StringComparison.Ordinal);
        Assert.Contains("Unknown property 'colour'", await ErrorOf("{\"op\":\"=\",\"args\":[{\"property\":\"colour\"},\"red\"]}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queryables_are_a_json_schema_2020_12_document_that_the_served_features_satisfy()
    {
        using var client = registry.CreateClient();
        var collection = JsonNode.Parse(await client.GetStringAsync(Url("/ogc/collections/facilities")))!;
        var link = collection["links"]!.AsArray().Single(l => (string?)l!["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/queryables")!;
        var response = await client.GetAsync(new Uri((string)link["href"]!));
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var queryables = JsonNode.Parse(text)!;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)queryables["$schema"]);
        Assert.Equal((string)link["href"]!, (string?)queryables["$id"]);
        Assert.Equal("object", (string?)queryables["type"]);
        var properties = queryables["properties"]!.AsObject();
        Assert.Equal("geometry-any", (string?)properties["geometry"]!["format"]);
        Assert.Equal("primary-geometry", (string?)properties["geometry"]!["x-ogc-role"]);
        Assert.Contains("ramp", properties["kind"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("date-time", (string?)properties["updatedAt"]!["format"]);
        Assert.Equal("integer", (string?)properties["id"]!["type"]);

        // Valid against the 2020-12 meta-schema.
        using var document = JsonDocument.Parse(text);
        var meta = MetaSchemas.Draft202012.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(meta.IsValid, JsonSerializer.Serialize(meta));

        // And a schema that the served features' properties satisfy (formats asserted too).
        var schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var items = JsonNode.Parse(await client.GetStringAsync(Url("/ogc/collections/facilities/items?limit=50")))!["features"]!.AsArray();
        Assert.Equal(50, items.Count);
        foreach (var feature in items)
        {
            var instance = new JsonObject();
            foreach (var (name, _) in properties)
            {
                if (name == "geometry")
                {
                    continue;
                }

                var value = feature!["properties"]![name];
                if (value is not null)
                {
                    instance[name] = value.DeepClone();
                }
            }

            using var item = JsonDocument.Parse(instance.ToJsonString());
            var result = schema.Evaluate(item.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
            Assert.True(result.IsValid, instance.ToJsonString() + "\n" + JsonSerializer.Serialize(result));
        }

        var roads = JsonNode.Parse(await client.GetStringAsync(Url("/ogc/collections/road-segments/queryables")))!;
        Assert.Equal("geometry-linestring", (string?)roads["properties"]!["geometry"]!["format"]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("/ogc/collections/renovations/queryables"))).StatusCode);
    }

    [Fact]
    public async Task Conformance_and_the_api_definition_declare_filtering()
    {
        using var client = registry.CreateClient();
        var conformance = JsonNode.Parse(await client.GetStringAsync(Url("/ogc/conformance")))!["conformsTo"]!.AsArray().Select(c => (string?)c).ToList();
        foreach (var c in new[]
        {
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
            "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
            "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        })
        {
            Assert.Contains(c, conformance);
        }

        var api = JsonNode.Parse(await client.GetStringAsync(Url("/ogc/api")))!;
        var parameters = api["paths"]!["/collections/facilities/items"]!["get"]!["parameters"]!.AsArray().Select(p => (string?)p!["$ref"] ?? (string?)p["name"]).ToList();
        Assert.Contains("#/components/parameters/filter", parameters);
        Assert.Contains("inspectionState", parameters);
        Assert.NotNull(api["paths"]!["/collections/facilities/queryables"]);
    }
}
