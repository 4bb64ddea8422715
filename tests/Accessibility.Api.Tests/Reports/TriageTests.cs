using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Inspections.InspectionApi;
using static Accessibility.Api.Tests.Reports.ReportApi;

namespace Accessibility.Api.Tests.Reports;

/// <summary>Triage by district staff and closing the loop through the defects feature.</summary>
[Collection(RegistryCollection.Name)]
public sealed class TriageTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static async Task<JsonObject> PostAsync(HttpClient client, string path, JsonObject? body, HttpStatusCode expected)
    {
        var response = await client.PostAsync(Url(path), body is null ? null : Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, path + " → " + response.StatusCode + ": " + text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Accepted_report_becomes_a_defect_and_closes_when_the_defect_is_verified_then_the_reporter_may_reopen()
    {
        using var staff = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        using var outsider = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        var ramp = await CreateRampAsync(staff);
        using var client = registry.CreateClientFromOwnAddress();
        var form = Form(Yongji, "ramp", "坡道太陡，轮椅上不去");
        form["email"] = "someone@example.cn";
        var (id, answer) = await FileAsync(client, form);
        var key = (string)answer["reporter_key"]!;
        var (duplicate, _) = await FileAsync(client, Form(Yongji, "ramp", "同样的问题"));

        var queue = JsonNode.Parse(await staff.GetStringAsync(Url("/api/v1/reports?status=new")))!["reports"]!.AsArray();
        Assert.Equal(2, queue.Count);
        Assert.Equal("someone@example.cn", (string?)queue.Single(r => (string?)r!["service_request_id"] == Id(id))!["contact"]!["email"]);
        Assert.Empty(JsonNode.Parse(await outsider.GetStringAsync(Url("/api/v1/reports")))!["reports"]!.AsArray());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Url("/api/v1/reports"))).StatusCode);

        await PostAsync(outsider, "/api/v1/reports/" + Id(id) + "/accept", new JsonObject { ["facilityId"] = ramp, ["item"] = "slope" }, HttpStatusCode.Forbidden);
        // A ramp has a checklist: the item is needed so that a re-inspection can verify the repair.
        await PostAsync(staff, "/api/v1/reports/" + Id(id) + "/accept", new JsonObject { ["facilityId"] = ramp }, HttpStatusCode.UnprocessableEntity);
        var accepted = await PostAsync(staff, "/api/v1/reports/" + Id(id) + "/accept", new JsonObject { ["facilityId"] = ramp, ["item"] = "slope" }, HttpStatusCode.OK);
        Assert.Equal("open", (string?)accepted["status"]);
        Assert.Equal("accepted", (string?)accepted["state"]);
        await PostAsync(staff, "/api/v1/reports/" + Id(id) + "/accept", new JsonObject { ["facilityId"] = ramp, ["item"] = "slope" }, HttpStatusCode.Conflict);

        var defectId = await registry.ScalarAsync<long>("SELECT defect_id FROM reports WHERE id = $1", id);
        var defect = await GetObjectAsync(staff, "/api/v1/defects/" + Id(defectId));
        Assert.Equal("open", (string?)defect["status"]);
        Assert.Equal("slope", (string?)defect["item"]);
        Assert.Null((long?)defect["inspectionId"]);
        Assert.Contains("坡道太陡", (string?)defect["history"]![0]!["note"], StringComparison.Ordinal);
        Assert.Equal("accepted", await registry.ScalarAsync<string>("SELECT status FROM reports WHERE id = $1", duplicate));

        // The re-inspection passes: the defect is verified, and both reports close with a note.
        var pass = await SubmitAsync(staff, Inspection(ramp, DateTimeOffset.UtcNow.AddMinutes(-1), Answer("slope", "1:12")));
        Assert.Equal(HttpStatusCode.Created, pass.Status);
        Assert.Equal("verified", (string?)(await GetObjectAsync(staff, "/api/v1/defects/" + Id(defectId)))["status"]);
        var closed = await GetObjectAsync(client, "/api/v1/reports/" + Id(id));
        Assert.Equal("closed", (string?)closed["status"]);
        Assert.Contains("verified", (string?)closed["status_notes"], StringComparison.Ordinal);
        Assert.Equal(["new", "accepted", "closed"], closed["history"]!.AsArray().Select(h => (string)h!["to"]!));
        Assert.DoesNotContain("someone@example.cn", closed.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("closed", (string?)(await GetRequestAsync(client, duplicate))["status"]);

        // Only the reporter's key reopens, within 30 days.
        await PostAsync(client, "/api/v1/reports/" + Id(id) + "/reopen", new JsonObject { ["reporterKey"] = "guess" }, HttpStatusCode.Forbidden);
        var reopened = await PostAsync(client, "/api/v1/reports/" + Id(id) + "/reopen", new JsonObject { ["reporterKey"] = key, ["reason"] = "又坏了" }, HttpStatusCode.OK);
        Assert.Equal("open", (string?)reopened["status"]);
        Assert.Equal("new", (string?)reopened["state"]);
        await registry.ScalarAsync<int>("UPDATE reports SET status = 'closed', closed_at = now() - interval '31 days' WHERE id = $1", id);
        await PostAsync(client, "/api/v1/reports/" + Id(id) + "/reopen", new JsonObject { ["reporterKey"] = key }, HttpStatusCode.Conflict);

        // Each change of the report with an e-mail went to the outbox, and the log sender delivers it.
        Assert.Equal(3, await registry.ScalarAsync<long>("SELECT count(*) FROM report_notifications WHERE report_id = $1", id));
        for (var i = 0; i < 50 && await registry.ScalarAsync<long>("SELECT count(*) FROM report_notifications WHERE sent_at IS NULL") > 0; i++)
        {
            await Task.Delay(200);
        }

        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM report_notifications WHERE sent_at IS NULL"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM report_notifications WHERE report_id = $1", duplicate));
    }

    [Fact]
    public async Task Reject_needs_a_reason_and_accept_without_a_facility_is_a_registration_task()
    {
        using var staff = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        using var client = registry.CreateClientFromOwnAddress();
        var (id, _) = await FileAsync(client, Form(YongjiEast, "other", "这里需要一个无障碍厕所"));
        await PostAsync(staff, "/api/v1/reports/" + Id(id) + "/reject", new JsonObject { ["reason"] = " " }, HttpStatusCode.UnprocessableEntity);
        var task = await PostAsync(staff, "/api/v1/reports/" + Id(id) + "/accept", new JsonObject(), HttpStatusCode.OK);
        Assert.Equal("accepted", (string?)task["state"]);
        Assert.Contains("register", (string?)task["status_notes"], StringComparison.Ordinal);
        var rejected = await PostAsync(staff, "/api/v1/reports/" + Id(id) + "/reject", new JsonObject { ["reason"] = "已有规划，明年建设" }, HttpStatusCode.OK);
        Assert.Equal("closed", (string?)rejected["status"]);
        Assert.Equal("已有规划，明年建设", (string?)rejected["status_notes"]);
        Assert.Equal(2, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'report' AND action = 'update'"));
    }
}
