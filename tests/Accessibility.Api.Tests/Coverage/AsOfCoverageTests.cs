using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Reports.ReportApi;

namespace Accessibility.Api.Tests.Coverage;

/// <summary>
/// The coverage indicators as of a date (docs/history.md), against a history built through the API in 2025 and
/// counted by hand for 城西街道 (140881001, given the 0.02° square of <see cref="CoverageEndpointsTests"/>), 永济市
/// (140881) and 运城市 (140800):
/// <list type="bullet">
/// <item>S, a bus stop in 盐湖区 (140802), built 15 January: the prefecture's only other facility;</item>
/// <item>B, a public building of the township, built 1 February; T, a toilet ≈274 m west of it, built 1 March;</item>
/// <item>R, a curb ramp of the county outside the township, built 10 April (registered now: counts from April),
/// removed (soft-deleted) from 1 September;</item>
/// <item>M, a main road of the township, built 1 May with continuous tactile paving, partial from 1 August;</item>
/// <item>T unusable from 1 June; then, entered later (after the instant <c>pinned</c>), the correction that T was
/// repaired on 1 October;</item>
/// <item>a public report filed today and rejected after <c>pinned</c>.</item>
/// </list>
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class AsOfCoverageTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Township = "140881001";
    private const string County = "140881";
    private const string Prefecture = "140800";

    private static readonly (double Lon, double Lat) ToiletAt = (110.4470, 34.8670);
    private static readonly (double Lon, double Lat) BuildingAt = (110.4500, 34.8670);

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await registry.ScalarAsync<int>(
            "UPDATE districts SET boundary = ST_Multi(ST_MakeEnvelope(110.44, 34.86, 110.46, 34.88, 4490)) WHERE code = '140881001'");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Today => DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<(long Id, long Version)> WrittenAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, response.RequestMessage?.RequestUri + " → " + response.StatusCode + ": " + text);
        var feature = JsonNode.Parse(text)!;
        return ((long)feature["id"]!, (long)feature["properties"]!["version"]!);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonObject body, string? validFrom)
    {
        if (validFrom is not null)
        {
            body["validFrom"] = validFrom;
        }

        return client.PostAsync(Url(path), Json(body));
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string path, JsonObject body, long version, string? validFrom)
    {
        if (validFrom is not null)
        {
            body["validFrom"] = validFrom;
        }

        return await client.PutAsync(path, body, version);
    }

    private static JsonObject Toilet(string status = "operational") => new()
    {
        ["kind"] = "accessible_toilet",
        ["name"] = "城西公厕无障碍厕位",
        ["geometry"] = Point(ToiletAt),
        ["status"] = status,
    };

    private static JsonObject Building() => new()
    {
        ["kind"] = "public_building",
        ["name"] = "城西街道便民服务中心",
        ["geometry"] = Point(BuildingAt),
        ["attributes"] = new JsonObject { ["subtype"] = "government" },
    };

    private static JsonObject MainRoad(string tactilePaving) => new()
    {
        ["name"] = "城西大街",
        ["roadClass"] = "main",
        ["geometry"] = Line((110.4450, 34.8650), (110.4450, 34.8700)),
        ["sidewalkWidthM"] = 2.5,
        ["curbRampStart"] = true,
        ["curbRampEnd"] = true,
        ["tactilePaving"] = tactilePaving,
    };

    private async Task<JsonObject> GetAsync(string path)
    {
        using var anonymous = registry.CreateClient();
        var response = await anonymous.GetAsync(Url(path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + " → " + response.StatusCode + ": " + text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<JsonObject> CoverageAsync(string code, string? asOf, DateTimeOffset? knownAt = null) =>
        await GetAsync("/api/v1/coverage/" + code + Query(asOf, knownAt));

    private static string Query(string? asOf, DateTimeOffset? knownAt, char first = '?') =>
        (asOf is null ? "" : first + "asOf=" + asOf)
        + (knownAt is { } k ? "&knownAt=" + Uri.EscapeDataString(k.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture)) : "");

    private static long Total(JsonObject c) => (long)c["facilities"]!["total"]!;

    private static long KindTotal(JsonObject c, string kind) =>
        c["facilities"]!["byKind"]!.AsArray().Where(k => (string?)k!["kind"] == kind).Select(k => (long)k!["total"]!).SingleOrDefault();

    /// <summary>Builds the history of the summary through the API; returns the instant between what was first entered and the later correction.</summary>
    private async Task<DateTimeOffset> BuildHistoryAsync()
    {
        using var staff = await registry.CreateUserClientAsync(Roles.Inspector, "140881", "140802");
        var yanhu = await registry.ScalarAsync<double[]>(
            "SELECT ARRAY[ST_X(p), ST_Y(p)] FROM (SELECT ST_PointOnSurface(boundary) AS p FROM districts WHERE code = '140802') x");
        var busStop = new JsonObject { ["kind"] = "bus_stop", ["name"] = "盐湖公交站", ["geometry"] = Point((yanhu![0], yanhu[1])) };
        await WrittenAsync(await PostAsync(staff, "/api/v1/facilities", busStop, "2025-01-15"), HttpStatusCode.Created);
        await WrittenAsync(await PostAsync(staff, "/api/v1/facilities", Building(), "2025-02-01"), HttpStatusCode.Created);
        var (toilet, toiletVersion) = await WrittenAsync(await PostAsync(staff, "/api/v1/facilities", Toilet(), "2025-03-01"), HttpStatusCode.Created);
        var (ramp, _) = await WrittenAsync(await PostAsync(staff, "/api/v1/facilities", CurbRamp(YongjiEast), "2025-04-10T09:30:00+08:00"), HttpStatusCode.Created);
        var (road, roadVersion) = await WrittenAsync(await PostAsync(staff, "/api/v1/roads", MainRoad("continuous"), "2025-05-01"), HttpStatusCode.Created);

        (_, toiletVersion) = await WrittenAsync(await PutAsync(staff, "/api/v1/facilities/" + toilet, Toilet("unusable"), toiletVersion, "2025-06-01"), HttpStatusCode.OK);
        await WrittenAsync(await PutAsync(staff, "/api/v1/roads/" + road, MainRoad("partial"), roadVersion, "2025-08-01"), HttpStatusCode.OK);
        var deleted = await staff.DeleteAsync(Url("/api/v1/facilities/" + ramp + "?validFrom=2025-09-01"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var reporter = registry.CreateClientFromOwnAddress();
        var (report, _) = await FileAsync(reporter, Form(ToiletAt));

        await Task.Delay(50);
        var pinned = DateTimeOffset.UtcNow;
        await Task.Delay(50);

        // Entered later: the toilet had been repaired on 1 October.
        await WrittenAsync(await PutAsync(staff, "/api/v1/facilities/" + toilet, Toilet(), toiletVersion, "2025-10-01"), HttpStatusCode.OK);
        var rejected = await staff.PostAsync(
            Url("/api/v1/reports/" + report.ToString(CultureInfo.InvariantCulture) + "/reject"), Json(new JsonObject { ["reason"] = "非无障碍设施问题" }));
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        return pinned;
    }

    [Fact]
    public async Task Facilities_roads_and_reach_read_as_they_stood_for_a_township_its_county_and_its_prefecture()
    {
        var pinned = await BuildHistoryAsync();

        // (date, township total, county total, prefecture total)
        foreach (var (date, township, county, prefecture) in new[]
        {
            ("2024-12-31", 0L, 0L, 0L),
            ("2025-01-31", 0L, 0L, 1L),
            ("2025-02-28", 1L, 1L, 2L),
            ("2025-03-31", 2L, 2L, 3L),
            ("2025-04-09", 2L, 2L, 3L),
            ("2025-04-10", 2L, 3L, 4L),
            ("2025-08-31", 2L, 3L, 4L),
            ("2025-09-01", 2L, 2L, 3L),
            ("2025-12-31", 2L, 2L, 3L),
        })
        {
            Assert.True(township == Total(await CoverageAsync(Township, date)), "township on " + date);
            Assert.True(county == Total(await CoverageAsync(County, date)), "county on " + date);
            Assert.True(prefecture == Total(await CoverageAsync(Prefecture, date)), "prefecture on " + date);
        }

        var april = await CoverageAsync(County, "2025-04-30");
        Assert.Equal("2025-04-30", (string?)april["asOf"]);
        Assert.Null(april["knownAt"]);
        Assert.Equal(1, KindTotal(april, "curb_ramp"));
        Assert.Equal(1, KindTotal(april, "accessible_toilet"));
        Assert.Equal(3, (long)april["facilities"]!["inService"]!);
        Assert.Equal(1, KindTotal(await CoverageAsync(Prefecture, "2025-04-30"), "bus_stop"));

        // Toilet reach of the public building: covered while the toilet works.
        long Covered(JsonObject c) => (long)c["toiletReach"]!["publicBuildings"]!["covered"]!;
        long Demand(JsonObject c) => (long)c["toiletReach"]!["publicBuildings"]!["total"]!;
        var february = await CoverageAsync(Township, "2025-02-28");
        Assert.Equal((1L, 0L), (Demand(february), Covered(february)));
        Assert.Equal(1, Covered(await CoverageAsync(Township, "2025-05-31")));
        var july = await CoverageAsync(Township, "2025-07-01");
        Assert.Equal((1L, 0L), (Demand(july), Covered(july)));
        Assert.Equal(1, (long)july["facilities"]!["byStatus"]!["unusable"]!);
        Assert.Equal(2, (long)july["facilities"]!["inService"]!); // unusable is still in service (not removed)

        // The correction entered later counts from its date; known as before it, the toilet stays unusable.
        var december = await CoverageAsync(Township, "2025-12-31");
        Assert.Equal(1, Covered(december));
        Assert.Null(december["facilities"]!["byStatus"]!["unusable"]);
        var decemberThen = await CoverageAsync(Township, "2025-12-31", pinned);
        Assert.Equal(0, Covered(decemberThen));
        Assert.Equal(1, (long)decemberThen["facilities"]!["byStatus"]!["unusable"]!);
        Assert.NotNull(decemberThen["knownAt"]);
        Assert.Equal(0, Covered(await CoverageAsync(Township, "2025-09-30")));

        // The main road: accessible from May, not after its tactile paving became partial in August.
        JsonNode Roads(JsonObject c) => c["mainRoads"]!;
        Assert.Equal(0, (long)Roads(await CoverageAsync(Township, "2025-04-30"))["segments"]!);
        var may = Roads(await CoverageAsync(Township, "2025-05-31"));
        Assert.Equal((1L, 1m), ((long)may["segments"]!, (decimal)may["share"]!));
        var august = Roads(await CoverageAsync(County, "2025-08-01"));
        Assert.Equal((1L, 0m), ((long)august["segments"]!, (decimal)august["share"]!));
        Assert.Equal(1, (long)Roads(await CoverageAsync(Prefecture, "2025-12-31"))["segments"]!);

        // Today's read (the plain tables) agrees with an as-of read of today.
        var today = await CoverageAsync(County, null);
        var asOfToday = await CoverageAsync(County, Today);
        Assert.Null(today["asOf"]);
        Assert.Equal(Total(today), Total(asOfToday));
        Assert.Equal(2, Total(today));
        Assert.Equal(Covered(today), Covered(asOfToday));

        // The children of the county compared as of a date, the county itself as parent.
        var children = await GetAsync("/api/v1/coverage?parent=" + County + "&asOf=2025-04-30");
        Assert.Equal(3, Total(children["parent"]!.AsObject()));
        Assert.Equal(2, Total(children["children"]!.AsArray().Single(c => (string?)c!["code"] == Township)!.AsObject()));
        Assert.Equal("2025-04-30", (string?)children["parent"]!["asOf"]);
    }

    [Fact]
    public async Task Reports_read_open_or_closed_as_the_registry_knew_them()
    {
        var pinned = await BuildHistoryAsync();
        (long Open, long Closed) Reports(JsonObject c) => ((long)c["reports"]!["open"]!, (long)c["reports"]!["closed"]!);

        Assert.Equal((0L, 0L), Reports(await CoverageAsync(County, "2025-12-31")));
        Assert.Equal((0L, 1L), Reports(await CoverageAsync(County, Today)));
        Assert.Equal((1L, 0L), Reports(await CoverageAsync(County, Today, pinned)));
        Assert.Equal((1L, 0L), Reports(await CoverageAsync(Prefecture, Today, pinned)));
        Assert.Equal((0L, 1L), Reports(await CoverageAsync(Township, null)));
        // Before anything was entered, nothing was known, even of dates after the facilities were built.
        Assert.Equal(0, Total(await CoverageAsync(County, "2025-12-31", pinned.AddHours(-1))));
    }

    [Fact]
    public async Task Gaps_candidates_and_what_if_read_the_facilities_as_they_stood()
    {
        var pinned = await BuildHistoryAsync();
        var query = "?kind=accessible_toilet&metres=500";

        var may = await GetAsync("/api/v1/coverage/" + Township + "/gaps" + query + "&asOf=2025-05-31");
        Assert.Equal((1L, 1L), ((long)may["demand"]!, (long)may["covered"]!));
        Assert.Empty(may["features"]!.AsArray());
        Assert.Equal("2025-05-31", (string?)may["asOf"]);

        var july = await GetAsync("/api/v1/coverage/" + Township + "/gaps" + query + "&asOf=2025-07-01");
        Assert.Equal((1L, 0L), ((long)july["demand"]!, (long)july["covered"]!));
        Assert.Equal(1, (long)july["features"]!.AsArray().Single()!["properties"]!["uncovered"]!);

        var december = await GetAsync("/api/v1/coverage/" + Township + "/gaps" + query + "&asOf=2025-12-31");
        Assert.Equal(1, (long)december["covered"]!);
        var decemberThen = await GetAsync("/api/v1/coverage/" + Township + "/gaps" + query + "&asOf=2025-12-31" + Query(null, pinned));
        Assert.Equal(0, (long)decemberThen["covered"]!);
        Assert.Equal(0, (long)(await GetAsync("/api/v1/coverage/" + Township + "/gaps" + query + "&asOf=2025-01-31"))["demand"]!);

        var candidates = await GetAsync("/api/v1/coverage/" + Township + "/candidates" + query + "&asOf=2025-07-01");
        Assert.Equal(0, (long)candidates["baseline"]!["covered"]!);
        Assert.Equal(1, (long)candidates["features"]!.AsArray()[0]!["properties"]!["addedDemand"]!);
        Assert.Empty((await GetAsync("/api/v1/coverage/" + Township + "/candidates" + query + "&asOf=2025-05-31"))["features"]!.AsArray());

        var at = string.Create(CultureInfo.InvariantCulture, $"&lon={ToiletAt.Lon}&lat={ToiletAt.Lat}");
        var whatIf = await GetAsync("/api/v1/coverage/" + Township + "/what-if" + query + at + "&asOf=2025-07-01");
        Assert.Equal((0L, 1L, 1L), ((long)whatIf["before"]!["covered"]!, (long)whatIf["after"]!["covered"]!, (long)whatIf["added"]!));
        Assert.Equal(0, (long)(await GetAsync("/api/v1/coverage/" + Township + "/what-if" + query + at + "&asOf=2025-05-31"))["added"]!);
    }

    [Fact]
    public async Task Trends_as_of_a_date_end_with_its_month_and_count_a_facility_entered_late_in_the_month_it_was_built()
    {
        await BuildHistoryAsync();
        int[] Added(JsonObject t) => t["series"]!["facilitiesAdded"]!.AsArray().Select(v => (int)v!).ToArray();

        var june = await GetAsync("/api/v1/coverage/" + County + "/trends?months=6&asOf=2025-06-30");
        Assert.Equal(["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"], june["months"]!.AsArray().Select(m => (string)m!));
        Assert.Equal([0, 1, 1, 1, 0, 0], Added(june)); // the ramp registered now counts in April, when it was built
        Assert.Equal("2025-06-30", (string?)june["asOf"]);

        // Once removed, the ramp is no longer among the facilities added.
        var december = Added(await GetAsync("/api/v1/coverage/" + County + "/trends?months=12&asOf=2025-12-31"));
        Assert.Equal([0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], december);
        var prefecture = Added(await GetAsync("/api/v1/coverage/" + Prefecture + "/trends?months=4&asOf=2025-04-30"));
        Assert.Equal([1, 1, 1, 1], prefecture);
        var township = Added(await GetAsync("/api/v1/coverage/" + Township + "/trends?months=4&asOf=2025-04-30"));
        Assert.Equal([0, 1, 1, 0], township);

        // Today's trends count the same facilities by the same effective time.
        var now = await GetAsync("/api/v1/coverage/" + County + "/trends?months=120");
        Assert.Equal(2, Added(now).Sum());
        Assert.Null(now["asOf"]);
    }

    [Theory]
    [InlineData("/api/v1/coverage/140881?asOf=2025-13-01", "asOf")]
    [InlineData("/api/v1/coverage/140881?asOf=2099-01-01", "asOf")]
    [InlineData("/api/v1/coverage/140881?asOf=2025-12-31&knownAt=yesterday", "knownAt")]
    [InlineData("/api/v1/coverage/140881?knownAt=2026-01-01T00:00:00%2B08:00", "knownAt")]
    [InlineData("/api/v1/coverage?parent=140881&asOf=31.12.2025", "asOf")]
    [InlineData("/api/v1/coverage/140881/trends?asOf=2025-12-32", "asOf")]
    [InlineData("/api/v1/coverage/140881/gaps?asOf=2025-12-31&knownAt=2099-01-01T00:00:00Z", "knownAt")]
    [InlineData("/api/v1/coverage/140881/candidates?asOf=x", "asOf")]
    [InlineData("/api/v1/coverage/140881/what-if?lon=110.447&lat=34.867&asOf=1999-12-31", "asOf")]
    public async Task A_bad_date_is_a_400_naming_its_parameter(string path, string field)
    {
        using var anonymous = registry.CreateClient();
        var response = await anonymous.GetAsync(Url(path));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ErrorFieldsAsync());
    }

    [Fact]
    public async Task A_bad_validFrom_or_one_before_the_current_state_is_a_400_on_validFrom_and_an_accepted_one_is_audited()
    {
        using var staff = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        async Task AssertRefusedAsync(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["validFrom"], await response.ErrorFieldsAsync());
        }

        await AssertRefusedAsync(await PostAsync(staff, "/api/v1/facilities", CurbRamp(Yongji), "2025-02-30"));
        await AssertRefusedAsync(await PostAsync(staff, "/api/v1/facilities", CurbRamp(Yongji), DateTime.UtcNow.AddHours(8).AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        await AssertRefusedAsync(await PostAsync(staff, "/api/v1/roads", MainRoad("continuous"), "2025-03-01T10:00:00"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities"));

        var (id, version) = await WrittenAsync(await PostAsync(staff, "/api/v1/facilities", CurbRamp(Yongji), "2025-03-01"), HttpStatusCode.Created);
        (_, version) = await WrittenAsync(await PutAsync(staff, "/api/v1/facilities/" + id, CurbRamp(Yongji, "改名坡道"), version, "2025-06-01"), HttpStatusCode.OK);
        await AssertRefusedAsync(await PutAsync(staff, "/api/v1/facilities/" + id, CurbRamp(Yongji, "再改名"), version, "2025-05-31"));
        await AssertRefusedAsync(await staff.DeleteAsync(Url("/api/v1/facilities/" + id + "?validFrom=2025-05-01")));
        await AssertRefusedAsync(await staff.DeleteAsync(Url("/api/v1/facilities/" + id + "?validFrom=soon")));
        Assert.Equal("改名坡道", await registry.ScalarAsync<string>("SELECT name FROM facilities WHERE id = $1 AND deleted_at IS NULL", id));

        var (road, roadVersion) = await WrittenAsync(await PostAsync(staff, "/api/v1/roads", MainRoad("continuous"), "2025-05-01"), HttpStatusCode.Created);
        await AssertRefusedAsync(await PutAsync(staff, "/api/v1/roads/" + road, MainRoad("partial"), roadVersion, "2025-04-30"));
        await AssertRefusedAsync(await staff.DeleteAsync(Url("/api/v1/roads/" + road + "?validFrom=2025-04-30")));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync(Url("/api/v1/roads/" + road + "?validFrom=2025-07-01"))).StatusCode);

        // The audit entries record when each change took effect.
        var recorded = await registry.ScalarAsync<string[]>(
            """
            SELECT array_agg(action || ' ' || COALESCE(after->'properties'->>'validFrom', after->>'validFrom', '-') ORDER BY id)
            FROM audit_entries WHERE entity_type IN ('facility', 'road')
            """);
        Assert.Equal(
            ["create 2025-03-01T00:00:00+08:00", "update 2025-06-01T00:00:00+08:00", "create 2025-05-01T00:00:00+08:00", "delete 2025-07-01T00:00:00+08:00"],
            recorded!);
        Assert.Equal(
            new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)),
            new DateTimeOffset(await registry.ScalarAsync<DateTime>("SELECT valid_from FROM facilities WHERE id = $1", id), TimeSpan.Zero));
    }

    [Fact]
    public async Task Staff_date_a_status_change_and_an_edit_through_the_facility_pages()
    {
        using var api = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var (id, version) = await WrittenAsync(await PostAsync(api, "/api/v1/facilities", Toilet(), "2025-03-01"), HttpStatusCode.Created);
        await Auth.AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var browser = new Staff.StaffBrowser(registry);
        Assert.True(await browser.SignInAsync("li", Auth.AuthTestData.Password));
        async Task<DateTimeOffset> ValidFromAsync() =>
            new(await registry.ScalarAsync<DateTime>("SELECT valid_from FROM facilities WHERE id = $1", id), TimeSpan.Zero);

        var path = "/staff/facilities/" + id.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(path + "/status")).StatusCode);
        Assert.Contains("name=\"ValidFrom\"", browser.LastHtml, StringComparison.Ordinal);
        var v = version.ToString(CultureInfo.InvariantCulture);

        // Before the current state took effect: the form again, with the error at the field.
        var early = await browser.PostFormAsync(path + "/status", [new("Status", "unusable"), new("Version", v), new("ValidFrom", "2025-02-01")]);
        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Contains("href=\"#ValidFrom\"", browser.LastHtml, StringComparison.Ordinal);
        Assert.Contains("生效日期须为不晚于今天", browser.LastHtml, StringComparison.Ordinal);
        Assert.Equal("operational", await registry.ScalarAsync<string>("SELECT status FROM facilities WHERE id = $1", id));

        var changed = await browser.PostFormAsync(path + "/status", [new("Status", "unusable"), new("Version", v), new("ValidFrom", "2025-06-01")]);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)), await ValidFromAsync());
        Assert.Equal(1, (long)(await CoverageAsync(Township, "2025-06-30"))["facilities"]!["byStatus"]!["unusable"]!);

        // The edit form: renamed from 1 July; left empty, a change takes effect now.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(path + "/edit")).StatusCode);
        var current = (await registry.ScalarAsync<long>("SELECT xmin::text::bigint FROM facilities WHERE id = $1", id)).ToString(CultureInfo.InvariantCulture);
        IEnumerable<KeyValuePair<string, string>> Edit(string name, string validFrom) =>
        [
            new("Input.Name", name), new("Input.Latitude", "34.8670000"), new("Input.Longitude", "110.4470000"),
            new("Input.Version", current), new("Input.ValidFrom", validFrom),
        ];
        var edited = await browser.PostFormAsync(path + "/edit", Edit("城西公厕（改）", "2025-07-01"));
        Assert.True(edited.StatusCode == HttpStatusCode.Redirect, browser.LastHtml);
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.FromHours(8)), await ValidFromAsync());
        Assert.Equal(
            "2025-07-01T00:00:00+08:00",
            await registry.ScalarAsync<string>("SELECT after->'properties'->>'validFrom' FROM audit_entries WHERE entity_type = 'facility' ORDER BY id DESC LIMIT 1"));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_asOf_knownAt_and_validFrom()
    {
        var document = JsonNode.Parse(await registry.CreateClient().GetStringAsync(Url("/openapi/v1.json")))!;
        string[] Parameters(string path, string method) =>
            document["paths"]![path]![method]!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToArray();
        foreach (var path in new[]
        {
            "/api/v1/coverage/{districtCode}", "/api/v1/coverage", "/api/v1/coverage/{districtCode}/gaps", "/api/v1/coverage/{districtCode}/candidates",
            "/api/v1/coverage/{districtCode}/what-if", "/api/v1/coverage/{districtCode}/trends",
        })
        {
            Assert.Contains("asOf", Parameters(path, "get"));
            Assert.Contains("knownAt", Parameters(path, "get"));
        }

        Assert.Contains("validFrom", Parameters("/api/v1/facilities/{id}", "delete"));
        Assert.Contains("validFrom", Parameters("/api/v1/roads/{id}", "delete"));
        var schemas = document["components"]!["schemas"]!;
        Assert.NotNull(schemas["FacilityRequest"]!["properties"]!["validFrom"]);
        Assert.NotNull(schemas["RoadRequest"]!["properties"]!["validFrom"]);
    }
}
