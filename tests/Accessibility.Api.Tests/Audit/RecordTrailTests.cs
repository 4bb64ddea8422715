using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Facilities;
using Accessibility.Api.Tests.Renovations;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Audit;

/// <summary>The audit trail of one record as a reader sees it: field by field, before → after, in the reader's districts.</summary>
[Collection(RegistryCollection.Name)]
public sealed class RecordTrailTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_facility_trail_names_who_and_each_changed_field_before_and_after()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var created = await (await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji, "旧名")))).ReadObjectAsync();
        var id = (long)created["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await inspector.PutAsync("/api/v1/facilities/" + id, CurbRamp(Yongji, "新名"), (long)created["properties"]!["version"]!)).StatusCode);

        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var response = await admin.GetAsync(Url("/api/v1/audit/facility/" + id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.ReadObjectAsync())["entries"]!.AsArray();
        Assert.Equal(["create", "update"], entries.Select(e => (string)e!["action"]!).ToArray());
        var update = entries[1]!;
        Assert.StartsWith("inspector-", (string?)update["actor"], StringComparison.Ordinal);
        var changes = update["changes"]!.AsArray();
        // Only what changed: the name, not the kind, the district or the row version.
        var name = Assert.Single(changes, c => (string?)c!["field"] == "name")!;
        Assert.Equal("旧名", (string?)name["before"]);
        Assert.Equal("新名", (string?)name["after"]);
        Assert.DoesNotContain(changes, c => (string?)c!["field"] is "kind" or "districtCode" or "version");
        // On create, every field set shows with nothing before it.
        Assert.Contains(entries[0]!["changes"]!.AsArray(), c => (string?)c!["field"] == "name" && c["before"] is null && (string?)c["after"] == "旧名");
    }

    [Fact]
    public async Task A_trail_outside_the_readers_districts_is_refused()
    {
        using var yanshi = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        var id = (long)(await (await yanshi.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yanshi)))).ReadObjectAsync())["id"]!;
        using var yongjiAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        Assert.Equal(HttpStatusCode.Forbidden, (await yongjiAdmin.GetAsync(Url("/api/v1/audit/facility/" + id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await yanshi.GetAsync(Url("/api/v1/audit/facility/" + id))).StatusCode);
        using var luoyangAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410300");
        Assert.Single((await (await luoyangAdmin.GetAsync(Url("/api/v1/audit/facility/" + id))).ReadObjectAsync())["entries"]!.AsArray());
    }

    [Fact]
    public async Task A_plan_target_trail_is_readable_by_its_districts_administrator()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var body = new JsonObject
        {
            ["districtCode"] = "140881",
            ["indicator"] = "household_renovations",
            ["title"] = "困难重度残疾人家庭无障碍改造",
            ["kind"] = "count",
            ["value"] = 120,
            ["periodStart"] = 2026,
            ["periodEnd"] = 2030,
            ["binding"] = true,
            ["sourceDocument"] = "永济市“十五五”残疾人事业发展规划",
        };
        var id = (long)(await (await admin.PostAsync(Url("/api/v1/plan-targets"), Json(body))).ReadObjectAsync())["id"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url("/api/v1/plan-targets/" + id))).StatusCode);

        var entries = (await (await admin.GetAsync(Url("/api/v1/audit/plan-target/" + id))).ReadObjectAsync())["entries"]!.AsArray();
        Assert.Equal(["create", "delete"], entries.Select(e => (string)e!["action"]!).ToArray());
        var value = Assert.Single(entries[1]!["changes"]!.AsArray(), c => (string?)c!["field"] == "value")!;
        Assert.Equal(120m, decimal.Parse((string)value["before"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(value["after"]);
        using var other = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(Url("/api/v1/audit/plan_target/" + id))).StatusCode);
    }

    [Fact]
    public async Task What_a_household_case_changed_is_withheld_from_a_system_administrator()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var c = await RenovationApi.CreateAsync(planner, RenovationApi.Body("140881", at, RenovationApi.IdNumber()));
        var path = "/api/v1/audit/renovation_case/" + c.Id;

        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var seen = (await (await admin.GetAsync(Url(path))).ReadObjectAsync())["entries"]!.AsArray();
        Assert.Contains(seen, e => (string?)e!["action"] == "create" && (bool)e["withheld"]! == false
            && e["changes"]!.AsArray().Any(ch => (string?)ch!["field"] == "disabilityCategory" && (string?)ch["after"] == "physical"));

        using var system = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var response = await system.GetAsync(Url(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var entries = JsonNode.Parse(text)!["entries"]!.AsArray();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.True((bool)e!["withheld"]! && e["changes"]!.AsArray().Count == 0));
        Assert.DoesNotContain("physical", text, StringComparison.Ordinal);

        // The log search withholds the same entries.
        var list = await (await system.GetAsync(Url("/api/v1/audit?entityType=renovation_case"))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("physical", list, StringComparison.Ordinal);
        Assert.Contains("\"withheld\":true", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_record_name_is_a_400_naming_the_field()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var response = await admin.GetAsync(Url("/api/v1/audit/facility/" + new string('9', 41)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("entityId", await response.ErrorFieldsAsync());
    }
}
