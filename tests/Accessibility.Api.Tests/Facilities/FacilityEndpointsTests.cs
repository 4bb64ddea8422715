using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Geo;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Facilities;

[Collection(RegistryCollection.Name)]
public sealed class FacilityEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<long> FacilityCountAsync() => registry.ScalarAsync<long>("SELECT count(*) FROM facilities");

    [Fact]
    public async Task Create_read_update_delete_round_trip()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");

        var created = await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("application/geo+json", created.Content.Headers.ContentType?.MediaType);
        var feature = await created.ReadObjectAsync();
        var id = (long)feature["id"]!;
        Assert.Equal("/api/v1/facilities/" + id, created.Headers.Location?.OriginalString);
        Assert.Equal("Feature", (string?)feature["type"]);
        Assert.Equal("140881", (string?)feature["properties"]!["districtCode"]);
        Assert.Equal("curb_ramp", (string?)feature["properties"]!["kind"]);
        Assert.Equal("manual", (string?)feature["properties"]!["source"]);
        Assert.Equal(0.08, (double)feature["properties"]!["attributes"]!["slope"]!);
        Assert.Equal(Yongji.Lon, (double)feature["geometry"]!["coordinates"]![0]!, 7);
        Assert.Equal(Yongji.Lat, (double)feature["geometry"]!["coordinates"]![1]!, 7);
        Assert.Equal(4490, await registry.ScalarAsync<int>("SELECT ST_SRID(geometry) FROM facilities WHERE id = $1", id));

        using var anonymous = registry.CreateClient();
        var read = await anonymous.GetAsync(Url("/api/v1/facilities/" + id));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var version = (long)(await read.ReadObjectAsync())["properties"]!["version"]!;
        Assert.Equal("\"" + version + "\"", read.Headers.ETag?.Tag);

        var change = CurbRamp(YongjiEast, "东门缘石坡道");
        change["status"] = "defective_usable";
        var updated = await inspector.PutAsync("/api/v1/facilities/" + id, change, version);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await updated.ReadObjectAsync();
        Assert.Equal("东门缘石坡道", (string?)after["properties"]!["name"]);
        Assert.Equal("defective_usable", (string?)after["properties"]!["status"]);
        Assert.NotEqual(version, (long)after["properties"]!["version"]!);
        Assert.Equal(YongjiEast.Lon, (double)after["geometry"]!["coordinates"]![0]!, 7);

        var deleted = await inspector.DeleteAsync(Url("/api/v1/facilities/" + id));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync(Url("/api/v1/facilities/" + id))).StatusCode);
        // Soft delete: the row and its status stay, deleted_at is set.
        Assert.Equal("defective_usable", await registry.ScalarAsync<string>("SELECT status FROM facilities WHERE id = $1 AND deleted_at IS NOT NULL", id));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(Url("/api/v1/facilities/999999"))).StatusCode);
    }

    [Fact]
    public async Task A_stale_update_gets_409_with_the_current_version_and_changes_nothing()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var created = await (await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)))).ReadObjectAsync();
        var id = (long)created["id"]!;
        var v1 = (long)created["properties"]!["version"]!;

        var first = await inspector.PutAsync("/api/v1/facilities/" + id, CurbRamp(Yongji, "第一次修改"), v1);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var v2 = (long)(await first.ReadObjectAsync())["properties"]!["version"]!;

        // A second client still holding v1, sending it in the body rather than If-Match.
        var stale = CurbRamp(Yongji, "第二次修改");
        stale["version"] = v1;
        var conflict = await inspector.PutAsync("/api/v1/facilities/" + id, stale, null);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        Assert.Equal("\"" + v2 + "\"", conflict.Headers.ETag?.Tag);
        var problem = await conflict.ReadObjectAsync();
        Assert.Equal(v2, (long)problem["currentVersion"]!);
        Assert.Equal("第一次修改", (string?)problem["current"]!["properties"]!["name"]);
        Assert.Equal("第一次修改", await registry.ScalarAsync<string>("SELECT name FROM facilities WHERE id = $1", id));

        // No version at all: 428, naming the field.
        var unversioned = await inspector.PutAsync("/api/v1/facilities/" + id, CurbRamp(Yongji), null);
        Assert.Equal(HttpStatusCode.PreconditionRequired, unversioned.StatusCode);
        Assert.Contains("version", await unversioned.ErrorFieldsAsync());
        Assert.Equal(2, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));
    }

    [Fact]
    public async Task GCJ02_and_BD09_input_is_stored_at_the_WGS84_position()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        // The conversion formulas are checked against published pairs in ChinaCoordinatesTests;
        // here a phone-map (AMap / Baidu) reading of a Yongji point must land back on it.
        var gcj = ChinaCoordinates.Wgs84ToGcj02(Yongji.Lon, Yongji.Lat);
        var bd = ChinaCoordinates.Wgs84ToBd09(Yongji.Lon, Yongji.Lat);
        foreach (var (crs, input) in new[] { ("GCJ02", gcj), ("BD09", bd) })
        {
            var body = CurbRamp(input, crs);
            body["crs"] = crs;
            var created = await inspector.PostAsync(Url("/api/v1/facilities"), Json(body));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (long)(await created.ReadObjectAsync())["id"]!;
            var metresFromTruth = await registry.ScalarAsync<double>(
                "SELECT ST_Distance(geometry::geography, ST_SetSRID(ST_MakePoint($2, $3), 4490)::geography) FROM facilities WHERE id = $1",
                id, Yongji.Lon, Yongji.Lat);
            Assert.InRange(metresFromTruth, 0, 0.01);
            var metresFromInput = await registry.ScalarAsync<double>(
                "SELECT ST_Distance(geometry::geography, ST_SetSRID(ST_MakePoint($2, $3), 4490)::geography) FROM facilities WHERE id = $1",
                id, input.Lon, input.Lat);
            Assert.InRange(metresFromInput, 100, 2000); // the shift really was removed
        }
    }

    [Fact]
    public async Task Writes_need_a_signed_in_user_in_the_district()
    {
        using var anonymous = registry.CreateClient();
        var unauthenticated = await anonymous.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);

        using var yongjiInspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var inYanshi = await yongjiInspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yanshi)));
        Assert.Equal(HttpStatusCode.Forbidden, inYanshi.StatusCode);
        Assert.Equal("application/problem+json", inYanshi.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await FacilityCountAsync());

        // A facility in Yanshi, made by Yanshi's inspector, cannot be changed or deleted from Yongji.
        using var yanshiInspector = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        var created = await (await yanshiInspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yanshi)))).ReadObjectAsync();
        var id = (long)created["id"]!;
        var version = (long)created["properties"]!["version"]!;
        Assert.Equal("410307", (string?)created["properties"]!["districtCode"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await yongjiInspector.PutAsync("/api/v1/facilities/" + id, CurbRamp(Yanshi, "改名"), version)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await yongjiInspector.DeleteAsync(Url("/api/v1/facilities/" + id))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync(Url("/api/v1/facilities/" + id))).StatusCode);

        // Nor can Yanshi's inspector move it into Yongji.
        Assert.Equal(HttpStatusCode.Forbidden, (await yanshiInspector.PutAsync("/api/v1/facilities/" + id, CurbRamp(Yongji), version)).StatusCode);
        Assert.Equal(1, await FacilityCountAsync());
        Assert.Equal("410307", await registry.ScalarAsync<string>("SELECT district_code FROM facilities WHERE id = $1", id));
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));

        // A prefecture-wide scope (运城市 140800) covers Yongji.
        using var prefecture = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140800");
        Assert.Equal(HttpStatusCode.Created, (await prefecture.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)))).StatusCode);
    }

    public static TheoryData<string, string, int> BadBodies => new()
    {
        { """{"kind": "curb_ramp", "name": """, "name", 400 },
        { """{"kind": curb_ramp}""", "kind", 400 },
        { "not json", "$", 400 },
        { """{"kind": "curb_ramp", "name": 5}""", "name", 400 },
        { """{"kind": "curb_ramp", "attributes": [1]}""", "attributes", 400 },
        { """{"kind": "curb_ramp", "geometry": {"type": "Point", "coordinates": [NaN, 34.8]}}""", "geometry", 400 },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Unreadable_JSON_is_a_400_naming_where_it_broke(string body, string fieldPrefix, int status)
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var response = await inspector.PostAsync(Url("/api/v1/facilities"), Json(body));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var fields = await response.ErrorFieldsAsync();
        Assert.Contains(fields, f => f.StartsWith(fieldPrefix, StringComparison.Ordinal));
        Assert.Equal(0, await FacilityCountAsync());
    }

    public static TheoryData<string, string> Unacceptable => new()
    {
        { "unknown kind", "kind" },
        { "attribute of the wrong type", "attributes.lip_height_mm" },
        { "missing required attribute", "attributes.curb_ramp_type" },
        { "self-intersecting line", "geometry" },
        { "empty geometry", "geometry" },
        { "huge coordinate", "geometry" },
        { "line for a point kind", "geometry" },
        { "outside every district", "geometry" },
        { "unknown district", "districtCode" },
        { "outside the claimed district", "districtCode" },
        { "unknown status", "status" },
        { "unknown crs", "crs" },
        { "missing name", "name" },
    };

    [Theory]
    [MemberData(nameof(Unacceptable))]
    public async Task Unacceptable_content_is_a_422_naming_the_field_and_writes_nothing(string problem, string field)
    {
        var body = CurbRamp(Yongji);
        switch (problem)
        {
            case "unknown kind": body["kind"] = "teleporter"; break;
            case "attribute of the wrong type": body["attributes"]!["lip_height_mm"] = "low"; break;
            case "missing required attribute": body["attributes"]!.AsObject().Remove("curb_ramp_type"); break;
            case "self-intersecting line":
                body["kind"] = "tactile_paving";
                body["attributes"] = new JsonObject { ["paving_type"] = "guiding" };
                body["geometry"] = Line((110.440, 34.860), (110.450, 34.870), (110.450, 34.860), (110.440, 34.870));
                break;
            case "empty geometry": body["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray() }; break;
            case "huge coordinate": body["geometry"] = JsonNode.Parse("""{"type": "Point", "coordinates": [1e400, 34.8]}"""); break;
            case "line for a point kind": body["geometry"] = Line(Yongji, YongjiEast); break;
            case "outside every district": body["geometry"] = Point(Beijing); break;
            case "unknown district": body["districtCode"] = "149999"; break;
            case "outside the claimed district": body["districtCode"] = "410307"; break;
            case "unknown status": body["status"] = "haunted"; break;
            case "unknown crs": body["crs"] = "EPSG:3857"; break;
            case "missing name": body.Remove("name"); break;
        }

        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var response = await inspector.PostAsync(Url("/api/v1/facilities"), Json(body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, await response.ErrorFieldsAsync());
        Assert.Equal(0, await FacilityCountAsync());
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));
    }

    [Fact]
    public async Task A_claimed_district_that_contains_the_point_is_accepted()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var body = CurbRamp(Yongji);
        body["districtCode"] = "140881";
        Assert.Equal(HttpStatusCode.Created, (await inspector.PostAsync(Url("/api/v1/facilities"), Json(body))).StatusCode);
        body["districtCode"] = "140800"; // its prefecture
        Assert.Equal(HttpStatusCode.Created, (await inspector.PostAsync(Url("/api/v1/facilities"), Json(body))).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_a_413_problem()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var body = CurbRamp(Yongji);
        body["name"] = new string('x', 2 * 1024 * 1024);
        var response = await inspector.PostAsync(Url("/api/v1/facilities"), Json(body));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await FacilityCountAsync());
    }

    [Fact]
    public async Task The_kind_catalog_is_served()
    {
        using var anonymous = registry.CreateClient();
        var catalog = JsonNode.Parse(await anonymous.GetStringAsync(Url("/api/v1/facility-kinds")))!;
        var toilet = catalog["kinds"]!.AsArray().Single(k => (string?)k!["code"] == "accessible_toilet")!;
        Assert.Equal("Point", (string?)toilet["geometry"]);
        Assert.Equal("Accessible toilet", (string?)toilet["names"]!["en"]);
        var door = toilet["attributes"]!.AsArray().Single(a => (string?)a!["key"] == "door_width_mm")!;
        Assert.Equal("integer", (string?)door["type"]);
        Assert.Equal("mm", (string?)door["unit"]);
        Assert.Contains(catalog["statuses"]!.AsArray(), s => (string?)s!["code"] == "defective_usable");
        Assert.Contains(catalog["roadClasses"]!.AsArray(), s => (string?)s!["code"] == "main");
    }
}
