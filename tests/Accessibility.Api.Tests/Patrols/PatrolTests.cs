using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Photos;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Patrols.PatrolApi;

namespace Accessibility.Api.Tests.Patrols;

/// <summary>
/// Patrols (巡查) through HTTP: a grid worker patrols, inspects and changes facilities of its own grids only; a finding raises
/// one defect, once, also when the submission is retried; a grid's worklist puts what is due first; the indicator counts
/// facilities patrolled within the period per grid, township and district.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class PatrolTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task AssertForbiddenAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, what + ": " + (int)response.StatusCode + " " + body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_grid_worker_patrols_a_facility_of_its_grid_and_the_patrol_takes_the_facilitys_grid_and_district()
    {
        await AddGridsAsync(registry);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var ramp = await CreateRampAsync(admin, InA);
        using var worker = await registry.CreateGridWorkerClientAsync(GridA);

        var patrol = await RecordAsync(worker, Patrol(ramp, note: "一切正常"));
        Assert.Equal(ramp, (long)patrol["facilityId"]!);
        Assert.Equal(GridA, (string?)patrol["gridCode"]);
        Assert.Equal("140881", (string?)patrol["districtCode"]);
        Assert.StartsWith("grid-worker-", (string?)patrol["patroller"], StringComparison.Ordinal);
        Assert.Null(patrol["defectId"]);

        // The list names who patrolled; its filters work and an unknown parameter is refused by name.
        using var list = await worker.GetAsync(Url("/api/v1/patrols?grid=" + GridA + "&facility=" + ramp));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var listed = await list.ReadObjectAsync();
        Assert.Equal(1, (int)listed["total"]!);
        Assert.Equal((long)patrol["id"]!, (long)listed["patrols"]![0]!["id"]!);
        // A date is a day in China (UTC+8): tomorrow there, which from 16:00 UTC is already the day after UTC's today.
        var tomorrowInChina = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddDays(1);
        using var later = await admin.GetAsync(Url("/api/v1/patrols?since=" + tomorrowInChina.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Assert.True(later.StatusCode == HttpStatusCode.OK, await later.Content.ReadAsStringAsync());
        Assert.Equal(0, (int)(await later.ReadObjectAsync())["total"]!);
        using var unknown = await admin.GetAsync(Url("/api/v1/patrols?gird=" + GridA));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("gird", await unknown.ErrorFieldsAsync());

        // Anonymous callers do not read who patrolled.
        using var anonymous = registry.CreateClient();
        using var refused = await anonymous.GetAsync(Url("/api/v1/patrols"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // An answer missing is a 422 naming it.
        var incomplete = Patrol(ramp);
        incomplete.Remove("damaged");
        using var missing = await PostAsync(worker, incomplete);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Contains("damaged", await missing.ErrorFieldsAsync());
    }

    [Fact]
    public async Task A_grid_worker_cannot_patrol_inspect_change_or_photograph_a_facility_in_another_grid_or_in_none()
    {
        await AddGridsAsync(registry);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var own = await CreateRampAsync(admin, InA);
        var other = await CreateRampAsync(admin, InB);
        var none = await CreateRampAsync(admin, InNone);
        using var worker = await registry.CreateGridWorkerClientAsync(GridA);
        using var upload = await worker.PostAsync(Url("/api/v1/photos"), TestImages.Upload(TestImages.Jpeg(64, 48), "photo"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var photo = (string)(await upload.ReadObjectAsync())["id"]!;

        foreach (var (facility, where) in new[] { (other, "another grid"), (none, "no grid") })
        {
            using (var patrol = await PostAsync(worker, Patrol(facility)))
            {
                await AssertForbiddenAsync(patrol, "patrol in " + where);
            }

            var inspection = new JsonObject { ["clientId"] = Guid.NewGuid().ToString(), ["facilityId"] = facility, ["answers"] = new JsonArray() };
            using (var inspect = await worker.PostAsync(Url("/api/v1/inspections"), Json(inspection)))
            {
                await AssertForbiddenAsync(inspect, "inspection in " + where);
            }

            using (var update = await worker.PutAsync("/api/v1/facilities/" + facility, CurbRamp(InB), 1))
            {
                await AssertForbiddenAsync(update, "update in " + where);
            }

            using (var attach = await worker.PostAsync(Url("/api/v1/facilities/" + facility + "/photos"), Json(new JsonObject { ["photoId"] = photo })))
            {
                await AssertForbiddenAsync(attach, "photo in " + where);
            }
        }

        // In its own grid the same worker is admitted: a patrol, a photo, and moving the facility only within the grid.
        await RecordAsync(worker, Patrol(own));
        using (var attach = await worker.PostAsync(Url("/api/v1/facilities/" + own + "/photos"), Json(new JsonObject { ["photoId"] = photo })))
        {
            Assert.Equal(HttpStatusCode.OK, attach.StatusCode);
        }

        using var current = await worker.GetAsync(Url("/api/v1/facilities/" + own));
        var version = long.Parse(current.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);
        using (var moveOut = await worker.PutAsync("/api/v1/facilities/" + own, CurbRamp(InB), version))
        {
            await AssertForbiddenAsync(moveOut, "moving a facility out of the grid");
        }

        using (var moveWithin = await worker.PutAsync("/api/v1/facilities/" + own, CurbRamp((110.448, 34.868)), version))
        {
            Assert.Equal(HttpStatusCode.OK, moveWithin.StatusCode);
        }

        // No patrol was stored outside its grid.
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM patrols"));
    }

    [Fact]
    public async Task A_grid_worker_sees_its_own_grids_worklist_only()
    {
        await AddGridsAsync(registry);
        using var worker = await registry.CreateGridWorkerClientAsync(GridA);
        using (var own = await worker.GetAsync(Url("/api/v1/grids/" + GridA + "/worklist")))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }

        using (var other = await worker.GetAsync(Url("/api/v1/grids/" + GridB + "/worklist")))
        {
            await AssertForbiddenAsync(other, "another grid's worklist");
        }

        // An inspector of the county sees every grid's; a grid that does not exist is not found.
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        using (var any = await inspector.GetAsync(Url("/api/v1/grids/" + GridB + "/worklist")))
        {
            Assert.Equal(HttpStatusCode.OK, any.StatusCode);
        }

        using var missing = await inspector.GetAsync(Url("/api/v1/grids/140881001099/worklist"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_damaged_answer_raises_one_defect_and_a_retry_or_a_second_finding_creates_nothing_new()
    {
        await AddGridsAsync(registry);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var ramp = await CreateRampAsync(admin, InA);
        using var worker = await registry.CreateGridWorkerClientAsync(GridA);

        var clientId = Guid.NewGuid();
        var body = Patrol(ramp, damaged: true, clientId: clientId, note: "坡面开裂");
        var first = await RecordAsync(worker, body);
        var defectId = (long)first["defectId"]!;
        var defect = await (await admin.GetAsync(Url("/api/v1/defects/" + defectId))).ReadObjectAsync();
        Assert.Equal("patrol_damaged", (string?)defect["item"]);
        Assert.Equal("major", (string?)defect["severity"]);
        Assert.Equal("open", (string?)defect["status"]);

        // The same submission again (a phone retrying after a lost answer): the stored patrol, nothing new.
        using (var retry = await PostAsync(worker, body))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            Assert.Equal((long)first["id"]!, (long)(await retry.ReadObjectAsync())["id"]!);
        }

        // The same client id with other answers is a conflict.
        using (var reused = await PostAsync(worker, Patrol(ramp, clientId: clientId)))
        {
            Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        }

        // A second patrol finding the same damage names the open defect rather than raising another.
        var second = await RecordAsync(worker, Patrol(ramp, damaged: true));
        Assert.Equal(defectId, (long)second["defectId"]!);
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM patrols"));
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM defects"));
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'defect'"));
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'patrol'"));

        // Obstructed: the curb ramp's checklist has the item (major); tactile paving's would be another.
        var obstructed = await RecordAsync(worker, Patrol(ramp, obstructed: true));
        var byChecklist = await (await admin.GetAsync(Url("/api/v1/defects/" + (long)obstructed["defectId"]!))).ReadObjectAsync();
        Assert.Equal("obstructed", (string?)byChecklist["item"]);
        Assert.Equal("major", (string?)byChecklist["severity"]);
    }

    [Fact]
    public async Task The_worklist_puts_never_patrolled_and_overdue_facilities_first()
    {
        await AddGridsAsync(registry, intervalA: 30);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var recent = await CreateRampAsync(admin, (110.446, 34.866), "近期巡查");
        var overdue = await CreateRampAsync(admin, (110.447, 34.867), "逾期");
        var longOverdue = await CreateRampAsync(admin, (110.448, 34.868), "严重逾期");
        var never = await CreateRampAsync(admin, (110.449, 34.869), "从未巡查");
        await CreateRampAsync(admin, InB, "别的网格");
        using var worker = await registry.CreateGridWorkerClientAsync(GridA);
        var now = DateTimeOffset.UtcNow;
        await RecordAsync(worker, Patrol(recent, at: now.AddDays(-2)));
        await RecordAsync(worker, Patrol(overdue, at: now.AddDays(-31)));
        await RecordAsync(worker, Patrol(longOverdue, at: now.AddDays(-60)));

        using var response = await worker.GetAsync(Url("/api/v1/grids/" + GridA + "/worklist"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var worklist = await response.ReadObjectAsync();
        Assert.Equal(30, (int)worklist["grid"]!["patrolIntervalDays"]!);
        var items = worklist["facilities"]!.AsArray();
        Assert.Equal([never, longOverdue, overdue, recent], items.Select(i => (long)i!["id"]!));
        Assert.Equal(["never", "overdue", "overdue", "patrolled"], items.Select(i => (string)i!["state"]!));
    }

    [Fact]
    public async Task The_indicator_counts_facilities_patrolled_within_the_period_per_grid_township_and_district()
    {
        // Grid A (interval 30): a1 patrolled 2 days ago, a2 40 days ago, a3 never, a removed one patrolled (not counted).
        // Grid B (interval 60): b1 patrolled 40 days ago. Grid C (township 140881002): c1, c2 never. One facility in no grid.
        await AddGridsAsync(registry, intervalA: 30, intervalB: 60, intervalC: 30);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var a1 = await CreateRampAsync(admin, (110.446, 34.866));
        var a2 = await CreateRampAsync(admin, (110.447, 34.867));
        await CreateRampAsync(admin, (110.448, 34.868));
        var removed = await CreateRampAsync(admin, (110.449, 34.869));
        var b1 = await CreateRampAsync(admin, InB);
        await CreateRampAsync(admin, InC);
        await CreateRampAsync(admin, (110.429, 34.885));
        var outside = await CreateRampAsync(admin, InNone);
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var now = DateTimeOffset.UtcNow;
        await RecordAsync(inspector, Patrol(a1, at: now.AddDays(-2)));
        await RecordAsync(inspector, Patrol(a2, at: now.AddDays(-40)));
        await RecordAsync(inspector, Patrol(removed, at: now.AddDays(-1)));
        await RecordAsync(inspector, Patrol(b1, at: now.AddDays(-40)));
        await RecordAsync(inspector, Patrol(outside, at: now.AddDays(-1)));
        await registry.ScalarAsync<int>("UPDATE facilities SET status = 'removed' WHERE id = $1 RETURNING 1", removed);

        // Public: anyone reads the aggregate.
        using var anonymous = registry.CreateClient();
        var byInterval = await (await anonymous.GetAsync(Url("/api/v1/patrols/indicator?district=140881"))).ReadObjectAsync();
        Assert.Equal("grid-interval", (string?)byInterval["period"]);
        AssertShare(byInterval["total"]!, 6, 2);
        AssertShare(Grid(byInterval, PatrolApi.GridA), 3, 1);
        AssertShare(Grid(byInterval, PatrolApi.GridB), 1, 1);
        AssertShare(Grid(byInterval, PatrolApi.GridC), 2, 0);
        AssertShare(Township(byInterval, "140881001"), 4, 2);
        AssertShare(Township(byInterval, "140881002"), 2, 0);

        // A given period: the last 45 days (China dates) take in a2 and b1 too.
        var from = now.ToOffset(TimeSpan.FromHours(8)).AddDays(-45).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var datedResponse = await anonymous.GetAsync(Url($"/api/v1/patrols/indicator?district=140881&from={from}&to={to}"));
        Assert.True(datedResponse.StatusCode == HttpStatusCode.OK, await datedResponse.Content.ReadAsStringAsync());
        var dated = await datedResponse.ReadObjectAsync();
        AssertShare(dated["total"]!, 6, 3);
        AssertShare(Grid(dated, PatrolApi.GridA), 3, 2);
        AssertShare(Township(dated, "140881001"), 4, 3);

        // A township alone.
        var township = await (await anonymous.GetAsync(Url("/api/v1/patrols/indicator?district=140881002"))).ReadObjectAsync();
        AssertShare(township["total"]!, 2, 0);
        Assert.Single(township["grids"]!.AsArray());

        // The district panel carries the same figures (each grid's own interval up to now), for the county and above it.
        foreach (var district in new[] { "140881", "1408" })
        {
            var panel = (await (await anonymous.GetAsync(Url("/api/v1/coverage/" + district))).ReadObjectAsync())["patrols"]!;
            Assert.Equal(3, (int)panel["grids"]!);
            Assert.Equal(6, (int)panel["facilities"]!);
            Assert.Equal(2, (int)panel["patrolled"]!);
            Assert.Equal(Math.Round(2.0 / 6, 4), (double)panel["share"]!, 4);
            var panelTownship = panel["townships"]!.AsArray().Single(t => (string?)t!["code"] == "140881001")!;
            Assert.Equal((4, 2), ((int)panelTownship["facilities"]!, (int)panelTownship["patrolled"]!));
            Assert.NotNull(panel["definition"]);
        }

        // As of a date before these facilities existed, the panel counts none of them: no rate.
        var before = now.ToOffset(TimeSpan.FromHours(8)).AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var asOf = (await (await anonymous.GetAsync(Url("/api/v1/coverage/140881?asOf=" + before))).ReadObjectAsync())["patrols"]!;
        Assert.Equal(0, (int)asOf["facilities"]!);
        Assert.Null(asOf["share"]);

        using var bad = await anonymous.GetAsync(Url("/api/v1/patrols/indicator?district=140881&from=" + from));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("to", await bad.ErrorFieldsAsync());
    }

    private static JsonNode Grid(JsonObject indicator, string code) =>
        indicator["grids"]!.AsArray().Single(g => (string?)g!["code"] == code)!["share"]!;

    private static JsonNode Township(JsonObject indicator, string code) =>
        indicator["townships"]!.AsArray().Single(t => (string?)t!["code"] == code)!["share"]!;

    private static void AssertShare(JsonNode share, int facilities, int patrolled)
    {
        Assert.Equal(facilities, (int)share["facilities"]!);
        Assert.Equal(patrolled, (int)share["patrolled"]!);
        Assert.Equal(Math.Round((double)patrolled / facilities, 4), (double)share["ratio"]!, 4);
    }
}
