using System.Net;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Auth;
using Accessibility.Api.Tests.Staff;
using static Accessibility.Api.Tests.Projects.ProjectApi;

namespace Accessibility.Api.Tests.Projects;

/// <summary>
/// The housing bureau's project pages (/staff/projects) as a browser without script posts them: every error of a form
/// at once in the summary, linked to its field; a failing check blocks the next stage with the failure named; waivers for
/// administrators only, with a reason; another county's staff refused.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ProjectPagesTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<StaffBrowser> SignedInAsync(string name, string role, string district = Yongji)
    {
        await AuthTestData.CreateUserAsync(registry, name, role, district);
        var browser = new StaffBrowser(registry);
        Assert.True(await browser.SignInAsync(name, AuthTestData.Password), name + " signs in");
        return browser;
    }

    [Fact]
    public async Task Registering_names_every_missing_field_then_registers_the_project_in_the_district_of_its_site()
    {
        using var browser = await SignedInAsync("li", Roles.Planner);
        using var form = await browser.GetAsync("/staff/projects/new");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);

        using var empty = await browser.PostFormAsync("/staff/projects/new", [new("Input.PlannedCompletion", "明年")]);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        foreach (var field in new[] { "Input_Name", "Input_Builder", "Input_ProjectType", "Input_Works", "Input_Latitude", "Input_PlannedCompletion" })
        {
            Assert.Contains("href=\"#" + field + "\"", browser.LastHtml, StringComparison.Ordinal);
        }

        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM construction_projects"));

        using var registered = await browser.PostFormAsync("/staff/projects/new",
        [
            new("Input.Name", "永济市残疾人综合服务中心"), new("Input.Builder", "永济市城市建设投资有限公司"), new("Input.ProjectType", "building"),
            new("Input.Works", "new"), new("Input.Latitude", "34.8670"), new("Input.Longitude", "110.4470"), new("Input.PlannedCompletion", "2027-06-30"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        var id = await registry.ScalarAsync<long>("SELECT id FROM construction_projects WHERE name = '永济市残疾人综合服务中心'");
        Assert.Equal($"/staff/projects/{id}?done=registered", registered.Headers.Location?.OriginalString);
        Assert.Equal(Yongji, await registry.ScalarAsync<string>($"SELECT district_code FROM construction_projects WHERE id = {id}"));

        // A footprint that is not GeoJSON is named at its field, not taken for the point.
        using var bad = await browser.GetAsync("/staff/projects/new");
        using var footprint = await browser.PostFormAsync("/staff/projects/new",
        [
            new("Input.Name", "另一个项目"), new("Input.Builder", "某单位"), new("Input.ProjectType", "building"), new("Input.Works", "alteration"),
            new("Input.Footprint", "POLYGON((110 34, 111 34, 111 35, 110 34))"),
        ]);
        Assert.Equal(HttpStatusCode.OK, footprint.StatusCode);
        Assert.Contains("href=\"#Input_Footprint\"", browser.LastHtml, StringComparison.Ordinal);

        // A planner of another county does not see it.
        using var other = await SignedInAsync("zhao", Roles.Planner, "410307");
        using var refused = await other.GetAsync($"/staff/projects/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_failing_design_review_check_blocks_the_next_stage_and_the_refusal_names_the_failure()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var id = (long)(await CreateAsync(planner))["id"]!;
        var ramp = await AddAsync(planner, id, Ramp("东侧轮椅坡道"));
        await MoveAsync(planner, id, "design-review");
        using var browser = await SignedInAsync("li", Roles.Planner);
        var path = $"/staff/projects/{id}/facilities/{ramp}/checks/new";
        using var form = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("GB 55019 §2.3", browser.LastHtml, StringComparison.Ordinal);

        // "Not applicable" without its reason, and the slope missing: both named; nothing stored.
        using var missing = await browser.PostFormAsync(path,
        [
            new("Input.NotApplicable[handrail_height]", "true"), new("Input.Values[rise]", "0.6"), new("Input.Units[rise]", "m"),
            new("Input.Values[landing_length]", "1.6"), new("Input.Units[landing_length]", "m"), new("Input.Units[slope]", "ratio"),
        ]);
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains("href=\"#Input_Reasons_handrail_height_\"", browser.LastHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"#Input_Values_slope_\"", browser.LastHtml, StringComparison.Ordinal);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM project_checks"));

        using var failing = await browser.PostFormAsync(path,
        [
            new("Input.NotApplicable[handrail_height]", "true"), new("Input.Reasons[handrail_height]", "扶手另行设计"),
            new("Input.Values[slope]", "1:8"), new("Input.Units[slope]", "ratio"), new("Input.Values[rise]", "0.6"), new("Input.Units[rise]", "m"),
            new("Input.Values[landing_length]", "1.6"), new("Input.Units[landing_length]", "m"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, failing.StatusCode);
        Assert.Equal("fail", await registry.ScalarAsync<string>("SELECT result FROM project_checks"));
        using var result = await browser.GetAsync(failing.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Contains("data-item=\"slope\" data-verdict=\"fail\"", browser.LastHtml, StringComparison.Ordinal);
        Assert.Contains("data-item=\"handrail_height\" data-verdict=\"not-applicable\"", browser.LastHtml, StringComparison.Ordinal);

        using var question = await browser.GetAsync($"/staff/projects/{id}/advance");
        Assert.Equal(HttpStatusCode.OK, question.StatusCode);
        using var refused = await browser.PostFormAsync($"/staff/projects/{id}/advance", []);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("href=\"#Blockers_0_\"", browser.LastHtml, StringComparison.Ordinal);
        Assert.Contains("东侧轮椅坡道", browser.LastHtml, StringComparison.Ordinal);
        Assert.Equal("design-review", await registry.ScalarAsync<string>($"SELECT stage FROM construction_projects WHERE id = {id}"));
    }

    [Fact]
    public async Task Only_an_administrator_waives_a_failure_and_only_with_a_reason()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var id = (long)(await CreateAsync(planner))["id"]!;
        var ramp = await AddAsync(planner, id, Ramp("侧门坡道"));
        await MoveAsync(planner, id, "design-review");
        await CheckAsync(planner, id, ramp, RampAnswers(0.1));
        var path = $"/staff/projects/{id}/waivers/new?facility={ramp}&item=slope";

        using var clerk = await SignedInAsync("li", Roles.Planner);
        using var notAllowed = await clerk.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, notAllowed.StatusCode);
        Assert.Equal("/staff/forbidden", notAllowed.Headers.Location?.AbsolutePath);

        using var admin = await SignedInAsync("wang", Roles.DistrictAdmin);
        using var form = await admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        using var noReason = await admin.PostFormAsync(path, [new("facility", ramp.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("Item", "slope"), new("Reason", " ")]);
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        Assert.Contains("href=\"#Reason\"", admin.LastHtml, StringComparison.Ordinal);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM project_waivers"));

        using var waived = await admin.PostFormAsync(path, [new("facility", ramp.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("Item", "slope"), new("Reason", "既有建筑场地受限，另设升降平台")]);
        Assert.Equal(HttpStatusCode.Redirect, waived.StatusCode);
        Assert.Equal("既有建筑场地受限，另设升降平台", await registry.ScalarAsync<string>("SELECT reason FROM project_waivers WHERE item_code = 'slope'"));
        using var page = await admin.GetAsync($"/staff/projects/{id}");
        Assert.DoesNotContain("data-blockers", admin.LastHtml, StringComparison.Ordinal);
    }
}
