using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Inspections.InspectionApi;

namespace Accessibility.Api.Tests.Inspections;

[Collection(RegistryCollection.Name)]
public sealed class InspectionEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task AssertNothingStoredAsync()
    {
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM inspections"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM defects"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM defect_events"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type IN ('inspection', 'defect')"));
    }

    [Fact]
    public async Task Checklists_are_served_per_kind()
    {
        using var anonymous = registry.CreateClient();
        var all = await GetObjectAsync(anonymous, "/api/v1/checklists");
        Assert.Equal(14, all["checklists"]!.AsArray().Count); // 13 facility kinds and the planned road segment
        Assert.Contains(all["checklists"]!.AsArray(), c => (string?)c!["kind"] == "road_segment");
        Assert.Equal(30, (int)all["dueDays"]!["major"]!);
        var ramp = await GetObjectAsync(anonymous, "/api/v1/checklists/curb_ramp");
        var slope = ramp["items"]!.AsArray().First(i => (string?)i!["code"] == "slope")!;
        Assert.Equal(["ratio", "percent", "degrees"], slope["acceptedUnits"]!.AsArray().Select(u => (string)u!));
        Assert.Equal("full_width", (string?)slope["rules"]![0]!["when"]!["equals"]);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(Url("/api/v1/checklists/spaceship"))).StatusCode);
    }

    [Fact]
    public async Task A_ramp_at_1_in_10_fails_the_1_in_12_rule_and_creates_a_major_defect_due_in_30_days()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var ramp = await CreateRampAsync(inspector);
        var at = RecentTime();
        var (status, body, response) = await SubmitAsync(inspector, Inspection(ramp, at, Answer("slope", "1:10", "ratio"), Answer("landing_length", 160, "cm")));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("/api/v1/inspections/" + (long)body["id"]!, response.Headers.Location?.OriginalString);
        Assert.Equal("fail", (string?)body["result"]);
        Assert.Equal("defective_usable", (string?)body["facilityStatus"]);
        var slope = body["answers"]![0]!;
        Assert.Equal("fail", (string?)slope["verdict"]);
        Assert.Equal(0.1, (double)slope["canonicalValue"]!, 9);
        Assert.Equal("≤ 1:12", (string?)slope["threshold"]!["en"]);
        Assert.Equal("GB 55019 §2.3", (string?)slope["clause"]);
        Assert.Equal("notes", (string?)slope["confidence"]);
        Assert.Equal("pass", (string?)body["answers"]![1]!["verdict"]);
        Assert.Equal(1.6, (double)body["answers"]![1]!["canonicalValue"]!, 9);

        var defect = Assert.Single(body["defects"]!.AsArray())!;
        Assert.Equal("slope", (string?)defect["item"]);
        Assert.Equal("major", (string?)defect["severity"]);
        Assert.Equal("open", (string?)defect["status"]);
        Assert.Equal(at.AddDays(30), DateTimeOffset.Parse((string)defect["dueAt"]!, CultureInfo.InvariantCulture));
        Assert.False((bool)defect["overdue"]!);
        Assert.Equal("永济市住房和城乡建设局", (string?)defect["managingUnit"]);
        Assert.Equal(Yongji.Lon, (double)defect["location"]![0]!, 6);
        Assert.Equal("140881", (string?)defect["districtCode"]);

        // The facility shows it.
        using var anonymous = registry.CreateClient();
        var facility = await GetObjectAsync(anonymous, "/api/v1/facilities/" + ramp);
        var props = facility["properties"]!;
        Assert.Equal("defective_usable", (string?)props["status"]);
        Assert.Equal("fail", (string?)props["lastInspectionResult"]);
        Assert.Equal("on_time", (string?)props["inspectionState"]);
        Assert.Equal(1, (int)props["openDefectCount"]!);
        Assert.Equal("slope", (string?)props["openDefects"]![0]!["item"]);
        Assert.Equal(at, DateTimeOffset.Parse((string)props["lastInspectedAt"]!, CultureInfo.InvariantCulture));
        // and so does the list, which reads the inspection properties kept in facility_state
        var listed = await ListedPropertiesAsync(anonymous, ramp);
        Assert.Equal("fail", (string?)listed["lastInspectionResult"]);
        Assert.Equal("on_time", (string?)listed["inspectionState"]);
        Assert.Equal(at, DateTimeOffset.Parse((string)listed["lastInspectedAt"]!, CultureInfo.InvariantCulture));
        Assert.Equal(1, (int)listed["openDefectCount"]!);

        // Audit: the inspection, the defect and the facility's status, written with it.
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'inspection'"));
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'defect'"));
        Assert.Equal("defective_usable", await registry.ScalarAsync<string>("SELECT after->>'status' FROM audit_entries WHERE entity_type = 'facility' AND action = 'update'"));

        // Read back (as staff: the public view leaves out who inspected, see PublicViewTests).
        var read = await GetObjectAsync(inspector, "/api/v1/inspections/" + (long)body["id"]!);
        Assert.Equal(body.ToJsonString(), read.ToJsonString());
        var list = await GetObjectAsync(anonymous, "/api/v1/inspections?facility=" + ramp);
        Assert.Equal(1, (int)list["total"]!);
    }

    [Fact]
    public async Task Slope_entered_as_percent_and_as_degrees_is_judged_the_same()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var first = await CreateRampAsync(inspector, Yongji, "坡道一");
        var second = await CreateRampAsync(inspector, YongjiEast, "坡道二");
        var percent = await SubmitAsync(inspector, Inspection(first, RecentTime(), Answer("slope", 10, "percent")));
        var degrees = await SubmitAsync(inspector, Inspection(second, RecentTime(), Answer("slope", Math.Atan(0.1) * 180 / Math.PI, "degrees")));
        foreach (var (status, body, _) in new[] { percent, degrees })
        {
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal("fail", (string?)body["answers"]![0]!["verdict"]);
            Assert.Equal(0.1, (double)body["answers"]![0]!["canonicalValue"]!, 9);
            Assert.Single(body["defects"]!.AsArray());
        }

        // 8 % (< 1:12) and 4.5° (≈ 1:12.7) both pass.
        var judge = await inspector.PostAsync(Url("/api/v1/inspections/judge"), Json(Inspection(first, RecentTime(), Answer("slope", 8, "percent"))));
        Assert.Equal(HttpStatusCode.OK, judge.StatusCode);
        Assert.Equal("pass", (string?)(await judge.ReadObjectAsync())["answers"]![0]!["verdict"]);
        judge = await inspector.PostAsync(Url("/api/v1/inspections/judge"), Json(Inspection(first, RecentTime(), Answer("slope", 4.5, "degrees"))));
        Assert.Equal("pass", (string?)(await judge.ReadObjectAsync())["answers"]![0]!["verdict"]);
        Assert.Equal(2, await registry.ScalarAsync<long>("SELECT count(*) FROM inspections"));
    }

    [Fact]
    public async Task A_passing_re_inspection_verifies_the_defect_and_restores_the_facility_status()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var ramp = await CreateRampAsync(inspector);
        var failed = await SubmitAsync(inspector, Inspection(ramp, RecentTime().AddDays(-2), Answer("slope", "1:10")));
        var defectId = (long)failed.Body["defects"]![0]!["id"]!;

        var (status, body, _) = await SubmitAsync(inspector, Inspection(ramp, RecentTime(), Answer("slope", "1:14")));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("pass", (string?)body["result"]);
        Assert.Equal("operational", (string?)body["facilityStatus"]);
        var verified = Assert.Single(body["defects"]!.AsArray())!;
        Assert.Equal(defectId, (long)verified["id"]!);
        Assert.Equal("verified", (string?)verified["status"]);
        Assert.NotNull((string?)verified["closedAt"]);
        Assert.Equal(["open", "verified"], verified["history"]!.AsArray().Select(h => (string)h!["to"]!));

        Assert.Equal("operational", await registry.ScalarAsync<string>("SELECT status FROM facilities WHERE id = $1", ramp));
        using var anonymous = registry.CreateClient();
        var props = (await GetObjectAsync(anonymous, "/api/v1/facilities/" + ramp))["properties"]!;
        Assert.Equal("pass", (string?)props["lastInspectionResult"]);
        Assert.Equal(0, (int)props["openDefectCount"]!);
        Assert.Empty(props["openDefects"]!.AsArray());
        var listed = await ListedPropertiesAsync(anonymous, ramp);
        Assert.Equal("pass", (string?)listed["lastInspectionResult"]);
        Assert.Equal((string?)props["lastInspectedAt"], (string?)listed["lastInspectedAt"]);
        Assert.Equal(0, (int)listed["openDefectCount"]!);
    }

    /// <summary>The properties of facility <paramref name="id"/> as the facility list gives them.</summary>
    private static async Task<JsonNode> ListedPropertiesAsync(HttpClient client, long id)
    {
        var page = await GetObjectAsync(client, "/api/v1/facilities?limit=1000");
        return page["features"]!.AsArray().Single(f => (long)f!["id"]! == id)!["properties"]!;
    }

    [Fact]
    public async Task The_same_submission_sent_twice_is_one_inspection_and_a_reused_client_id_is_a_conflict()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var ramp = await CreateRampAsync(inspector);
        var body = Inspection(ramp, RecentTime(), Answer("slope", "1:10", "ratio"));
        var first = await SubmitAsync(inspector, body);
        Assert.Equal(HttpStatusCode.Created, first.Status);

        // The same JSON with other formatting and property order is the same submission.
        var reordered = new JsonObject();
        foreach (var (key, value) in body.Reverse())
        {
            reordered[key] = value?.DeepClone();
        }

        var again = await SubmitAsync(inspector, reordered);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal((long)first.Body["id"]!, (long)again.Body["id"]!);
        Assert.Equal(first.Body.ToJsonString(), again.Body.ToJsonString());

        var changed = (JsonObject)body.DeepClone();
        changed["answers"]![0]!["value"] = "1:20";
        var conflict = await SubmitAsync(inspector, changed);
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Contains("clientId", conflict.Body["errors"]!.AsObject().Select(e => e.Key));

        // Concurrent retries too.
        var racing = Inspection(ramp, RecentTime(), Answer("slope", "1:11"));
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SubmitAsync(inspector, racing)));
        Assert.Single(results, r => r.Status == HttpStatusCode.Created);
        Assert.All(results, r => Assert.Contains(r.Status, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));

        Assert.Equal(2, await registry.ScalarAsync<long>("SELECT count(*) FROM inspections"));
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM defects"));
    }

    [Fact]
    public async Task A_Yongji_inspector_cannot_inspect_in_Yanshi()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var yanshiRamp = await CreateFacilityAsync(admin, "ramp", Yanshi, null, "偃师区政务中心坡道");
        using var yongji = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var (status, body, _) = await SubmitAsync(yongji, Inspection(yanshiRamp, RecentTime(), Answer("slope", "1:10")));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("410307", (string?)body["districtCode"]);
        await AssertNothingStoredAsync();
        Assert.Equal("operational", await registry.ScalarAsync<string>("SELECT status FROM facilities WHERE id = $1", yanshiRamp));

        using var anonymous = registry.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Url("/api/v1/inspections"), Json(Inspection(yanshiRamp, RecentTime(), Answer("slope", "1:10"))))).StatusCode);

        using var yanshi = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync(yanshi, Inspection(yanshiRamp, RecentTime(), Answer("slope", "1:10")))).Status);
    }

    public static TheoryData<string, string> BadAnswers => new()
    {
        { """{"item":"no_such_item","value":1}""", "answers[0].item" },
        { """{"item":"slope","value":8,"unit":"mm"}""", "answers[0].unit" },
        { """{"item":"slope","value":"1:0","unit":"ratio"}""", "answers[0].value" },
        { """{"item":"slope","value":-3,"unit":"percent"}""", "answers[0].value" },
        { """{"item":"slope","value":"steep"}""", "answers[0].value" },
        { """{"item":"landing_length","value":30000,"unit":"m"}""", "answers[0].value" },
        { """{"item":"non_slip_surface","value":"yes"}""", "answers[0].value" },
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public async Task Bad_answers_are_refused_naming_the_field_and_nothing_is_stored(string answer, string field)
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var ramp = await CreateRampAsync(inspector);
        var body = Inspection(ramp, RecentTime(), JsonNode.Parse(answer)!.AsObject());
        if (!answer.Contains("\"slope\"", StringComparison.Ordinal))
        {
            body["answers"]!.AsArray().Add(Answer("slope", "1:10"));
        }

        var (status, problem, response) = await SubmitAsync(inspector, body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, problem["errors"]!.AsObject().Select(e => e.Key));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_door_30_m_wide_an_unknown_facility_and_missing_photos_are_refused()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var toilet = await CreateFacilityAsync(inspector, "accessible_toilet", Yongji, new JsonObject { ["toilet_type"] = "standalone" }, "公厕");
        var door = await SubmitAsync(inspector, Inspection(toilet, RecentTime(), Answer("door_width", 30, "m")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, door.Status);
        Assert.Contains("answers[0].value", door.Body["errors"]!.AsObject().Select(e => e.Key));

        var unknown = await SubmitAsync(inspector, Inspection(999999, RecentTime(), Answer("slope", "1:10")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.Status);
        Assert.Contains("facilityId", unknown.Body["errors"]!.AsObject().Select(e => e.Key));

        var noClient = Inspection(toilet, RecentTime(), Answer("door_width", 900));
        noClient.Remove("clientId");
        var missingClient = await SubmitAsync(inspector, noClient);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingClient.Status);
        Assert.Contains("clientId", missingClient.Body["errors"]!.AsObject().Select(e => e.Key));

        var future = await SubmitAsync(inspector, Inspection(toilet, DateTimeOffset.UtcNow.AddDays(2), Answer("door_width", 900)));
        Assert.Contains("inspectedAt", future.Body["errors"]!.AsObject().Select(e => e.Key));

        // Photo ids must be stored photos.
        var body = Inspection(toilet, RecentTime(), Answer("door_width", 900));
        body["photoIds"] = new JsonArray(Guid.NewGuid().ToString());
        body["answers"]![0]!["photoIds"] = new JsonArray(Guid.NewGuid().ToString());
        var photos = await SubmitAsync(inspector, body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, photos.Status);
        var fields = photos.Body["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains("photoIds[0]", fields);
        Assert.Contains("answers[0].photoIds[0]", fields);

        var notUuid = Inspection(toilet, RecentTime(), Answer("door_width", 900));
        notUuid["photoIds"] = new JsonArray("not-a-uuid");
        var malformed = await SubmitAsync(inspector, notUuid);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Contains("photoIds[0]", malformed.Body["errors"]!.AsObject().Select(e => e.Key));
        await AssertNothingStoredAsync();

        // An uploaded photo is accepted.
        using var upload = new MultipartFormDataContent();
        var png = new ByteArrayContent(Convert.FromBase64String(OnePixelPng));
        png.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        upload.Add(png, "file", "door.png");
        var uploaded = await inspector.PostAsync(Url("/api/v1/photos"), upload);
        Assert.True(uploaded.StatusCode == HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var photoId = (string)(await uploaded.ReadObjectAsync())["id"]!;
        var withPhoto = Inspection(toilet, RecentTime(), Answer("door_width", 900));
        withPhoto["photoIds"] = new JsonArray(photoId);
        var stored = await SubmitAsync(inspector, withPhoto);
        Assert.Equal(HttpStatusCode.Created, stored.Status);
        Assert.Equal(photoId, (string?)stored.Body["photoIds"]![0]);
    }

    private const string OnePixelPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

    [Fact]
    public async Task Facilities_are_searched_by_name_and_filtered_by_inspection_state()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var north = await CreateRampAsync(inspector, Yongji, "北门轮椅坡道");
        await CreateRampAsync(inspector, YongjiEast, "东门轮椅坡道");
        await CreateFacilityAsync(inspector, "ramp", Yongji, null, "100%_坡道");
        await SubmitAsync(inspector, Inspection(north, RecentTime(), Answer("slope", "1:14")));
        using var anonymous = registry.CreateClient();

        var found = await GetObjectAsync(anonymous, "/api/v1/facilities?q=" + Uri.EscapeDataString("北门"));
        Assert.Equal(north, (long)Assert.Single(found["features"]!.AsArray())!["id"]!);
        // % and _ are matched literally.
        Assert.Single((await GetObjectAsync(anonymous, "/api/v1/facilities?q=" + Uri.EscapeDataString("%_")))["features"]!.AsArray());
        Assert.Equal(3, (int)(await GetObjectAsync(anonymous, "/api/v1/facilities?q=" + Uri.EscapeDataString("坡道")))["numberMatched"]!);

        var never = await GetObjectAsync(anonymous, "/api/v1/facilities?inspectionState=never");
        Assert.Equal(2, (int)never["numberMatched"]!);
        Assert.All(never["features"]!.AsArray(), f => Assert.Equal("never", (string?)f!["properties"]!["inspectionState"]));
        var onTime = await GetObjectAsync(anonymous, "/api/v1/facilities?inspectionState=on_time&q=" + Uri.EscapeDataString("门"));
        Assert.Equal(north, (long)Assert.Single(onTime["features"]!.AsArray())!["id"]!);

        var bad = await anonymous.GetAsync(Url("/api/v1/facilities?inspectionState=late"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("inspectionState", await bad.ErrorFieldsAsync());
    }
}
