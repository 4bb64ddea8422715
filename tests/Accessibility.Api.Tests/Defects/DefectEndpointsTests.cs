using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Inspections.InspectionApi;

namespace Accessibility.Api.Tests.Defects;

[Collection(RegistryCollection.Name)]
public sealed class DefectEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<JsonObject> PostAsync(HttpClient client, string path, JsonObject body, HttpStatusCode expected)
    {
        var response = await client.PostAsync(Url(path), Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, path + " → " + response.StatusCode + ": " + text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Lifecycle_assign_fix_reinspect_fail_reopens_then_a_pass_verifies()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var ramp = await CreateRampAsync(inspector);
        var found = await SubmitAsync(inspector, Inspection(ramp, RecentTime().AddDays(-3), Answer("slope", "1:10")));
        var id = (long)found.Body["defects"]![0]!["id"]!;
        var path = "/api/v1/defects/" + id;

        // Fixing needs evidence; rejecting needs a reason.
        var noNote = await inspector.PostAsync(Url(path + "/fix"), Json(new JsonObject { ["note"] = " " }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noNote.StatusCode);
        Assert.Contains("note", await noNote.ErrorFieldsAsync());

        var assigned = await PostAsync(inspector, path + "/assign", new JsonObject { ["managingUnit"] = "永济市市政工程公司", ["note"] = "请于月底前整改" }, HttpStatusCode.OK);
        Assert.Equal("assigned", (string?)assigned["status"]);
        Assert.Equal("永济市市政工程公司", (string?)assigned["managingUnit"]);

        var fixedDefect = await PostAsync(inspector, path + "/fix", new JsonObject { ["note"] = "坡道已重新浇筑，坡度 1:12", ["photoIds"] = new JsonArray() }, HttpStatusCode.OK);
        Assert.Equal("fixed", (string?)fixedDefect["status"]);
        // A fixed defect cannot be assigned again.
        await PostAsync(inspector, path + "/assign", new JsonObject { ["note"] = "again" }, HttpStatusCode.Conflict);

        // The re-inspection still fails: reopened, not duplicated.
        var still = await SubmitAsync(inspector, Inspection(ramp, RecentTime(), Answer("slope", "1:11")));
        Assert.Equal(HttpStatusCode.Created, still.Status);
        var reopened = Assert.Single(still.Body["defects"]!.AsArray())!;
        Assert.Equal(id, (long)reopened["id"]!);
        Assert.Equal("open", (string?)reopened["status"]);
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM defects"));
        var history = reopened["history"]!.AsArray();
        Assert.Equal(["open", "assigned", "fixed", "open"], history.Select(h => (string)h!["to"]!));
        Assert.Equal([null, "open", "assigned", "fixed"], history.Select(h => (string?)h!["from"]));
        Assert.All(history, h => Assert.StartsWith("inspector-", (string)h!["actor"]!, StringComparison.Ordinal));
        Assert.Equal("坡道已重新浇筑，坡度 1:12", (string?)history[2]!["note"]);

        // Still failing while open: stays open, no new defect, no history entry.
        var again = await SubmitAsync(inspector, Inspection(ramp, RecentTime().AddMinutes(1), Answer("slope", "1:11")));
        Assert.Empty(again.Body["defects"]!.AsArray());
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM defects"));

        var pass = await SubmitAsync(inspector, Inspection(ramp, RecentTime().AddMinutes(2), Answer("slope", "1:12")));
        Assert.Equal("verified", (string?)pass.Body["defects"]![0]!["status"]);
        await PostAsync(inspector, path + "/reject", new JsonObject { ["reason"] = "too late" }, HttpStatusCode.Conflict);

        var audit = await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'defect' AND entity_id = $1", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(5, audit); // created, assigned, fixed, reopened, verified
    }

    [Fact]
    public async Task Rejecting_needs_a_reason_and_other_districts_cannot_touch_a_defect()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var ramp = await CreateRampAsync(inspector);
        var found = await SubmitAsync(inspector, Inspection(ramp, RecentTime(), Answer("slope", "1:10")));
        var path = "/api/v1/defects/" + (long)found.Body["defects"]![0]!["id"]!;

        using var yanshi = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        Assert.Equal(HttpStatusCode.Forbidden, (await yanshi.PostAsync(Url(path + "/assign"), Json(new JsonObject()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await inspector.PostAsync(Url("/api/v1/defects/999999/assign"), Json(new JsonObject()))).StatusCode);
        var noReason = await inspector.PostAsync(Url(path + "/reject"), Json(new JsonObject()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains("reason", await noReason.ErrorFieldsAsync());
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM defect_events"));

        var rejected = await PostAsync(inspector, path + "/reject", new JsonObject { ["reason"] = "测量位置错误" }, HttpStatusCode.OK);
        Assert.Equal("rejected", (string?)rejected["status"]);
        Assert.NotNull((string?)rejected["closedAt"]);
    }

    [Fact]
    public async Task Lists_filter_and_stats_give_open_overdue_and_the_median_days_to_repair()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var ramps = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ramps.Add(await CreateRampAsync(inspector, (Yongji.Lon + (i * 0.001), Yongji.Lat), "坡道" + i));
            await SubmitAsync(inspector, Inspection(ramps[i], RecentTime().AddDays(-1), Answer("slope", "1:10"), Answer("landing_length", 1.2, "m")));
        }

        // Three ramps repaired and verified; their defects took 2, 4 and 10 days (set in the past here).
        for (var i = 0; i < 3; i++)
        {
            await SubmitAsync(inspector, Inspection(ramps[i], RecentTime(), Answer("slope", "1:12"), Answer("landing_length", 1.5, "m")));
        }

        await registry.ScalarAsync<int>("""
            UPDATE defects d SET created_at = d.closed_at - make_interval(days => x.days)
            FROM (VALUES (1, 2), (2, 4), (3, 10)) AS x(facility, days) WHERE d.facility_id = x.facility AND d.item = 'slope' RETURNING 1
            """);
        await registry.ScalarAsync<int>("UPDATE defects SET created_at = closed_at - interval '1 day' WHERE item = 'landing_length' AND closed_at IS NOT NULL RETURNING 1");
        // The fourth ramp's slope defect is overdue and assigned; its landing defect is open and not due.
        var slopeOf4 = await registry.ScalarAsync<long>("SELECT id FROM defects WHERE facility_id = $1 AND item = 'slope'", ramps[3]);
        await PostAsync(inspector, "/api/v1/defects/" + slopeOf4 + "/assign", new JsonObject { ["managingUnit"] = "市政公司" }, HttpStatusCode.OK);
        await registry.ScalarAsync<int>("UPDATE defects SET due_at = now() - interval '1 day' WHERE id = $1 RETURNING 1", slopeOf4);

        using var anonymous = registry.CreateClient();
        var stats = await GetObjectAsync(anonymous, "/api/v1/defects/stats?district=140881");
        Assert.Equal(2, (int)stats["open"]!);
        Assert.Equal(1, (int)stats["overdue"]!);
        Assert.Equal(1, (int)stats["bySeverity"]!["major"]!);
        Assert.Equal(1, (int)stats["bySeverity"]!["minor"]!);
        Assert.Equal(0, (int)stats["bySeverity"]!["critical"]!);
        Assert.Equal(6, (int)stats["repaired"]!);
        // Median of 1, 1, 1, 2, 4, 10 days.
        Assert.Equal(1.5, (double)stats["medianDaysToRepair"]!, 3);
        var units = stats["byManagingUnit"]!.AsArray();
        Assert.Contains(units, u => (string?)u!["managingUnit"] == "市政公司" && (int)u["open"]! == 1 && (int)u["overdue"]! == 1);

        var overdue = await GetObjectAsync(anonymous, "/api/v1/defects?district=140881&overdue=true");
        Assert.Equal(slopeOf4, (long)Assert.Single(overdue["defects"]!.AsArray())!["id"]!);
        Assert.True((bool)overdue["defects"]![0]!["overdue"]!);
        Assert.Equal(6, (int)(await GetObjectAsync(anonymous, "/api/v1/defects?status=verified"))["total"]!);
        Assert.Equal(1, (int)(await GetObjectAsync(anonymous, "/api/v1/defects?managingUnit=" + Uri.EscapeDataString("市政公司")))["total"]!);
        Assert.Equal(0, (int)(await GetObjectAsync(anonymous, "/api/v1/defects?district=410307"))["total"]!);
        Assert.Equal(0, (int)(await GetObjectAsync(anonymous, "/api/v1/defects/stats?district=410307"))["open"]!);
        var bad = await anonymous.GetAsync(Url("/api/v1/defects?status=closed&severity=huge"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["severity", "status"], (await bad.ErrorFieldsAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Assigning_may_set_a_due_date_but_not_one_in_the_past()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var ramp = await CreateRampAsync(inspector);
        var found = await SubmitAsync(inspector, Inspection(ramp, RecentTime(), Answer("slope", "1:10")));
        var path = "/api/v1/defects/" + (long)found.Body["defects"]![0]!["id"]!;
        var past = await inspector.PostAsync(Url(path + "/assign"), Json(new JsonObject { ["managingUnit"] = "市政公司", ["dueAt"] = "2020-01-01T00:00:00Z" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, past.StatusCode);
        Assert.Contains("dueAt", await past.ErrorFieldsAsync());

        // A date with China's offset, as a clerk's client sends it.
        var due = DateTimeOffset.UtcNow.AddDays(10).ToOffset(TimeSpan.FromHours(8));
        var assigned = await PostAsync(inspector, path + "/assign", new JsonObject { ["managingUnit"] = "市政公司", ["dueAt"] = due }, HttpStatusCode.OK);
        Assert.Equal(due.ToUnixTimeSeconds(), DateTimeOffset.Parse((string)assigned["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds());
        Assert.Contains("due " + due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string?)assigned["history"]![1]!["note"], StringComparison.Ordinal);
    }
}
