using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Evaluations;
using static Accessibility.Api.Tests.Projects.ProjectFixtures;

namespace Accessibility.Api.Tests.Projects;

/// <summary>
/// The indicator 新建项目无障碍设施建设率 (docs/construction-indicator.md) against projects counted by hand, each written
/// with its acceptance as its effective time:
/// <list type="bullet">
/// <item>永济市 (140881): Y1 new, accepted 2024-05-10, compliant; Y2 new, accepted 2024-11-20, an item waived so not
/// compliant; Y3 new, accepted 2025-03-01 in 城西街道 (140881001), compliant; Y4 an alteration accepted 2025-04-01
/// (excluded); Y5 new, under construction (excluded); Y6 new, accepted 2025-06-01, not compliant, deleted later with
/// effect from 2025-07-01 (entered after the instant <c>pinned</c>); Y7 new, accepted 2025-01-01 00:30 China Standard
/// Time (still 2024 in UTC), compliant;</item>
/// <item>盐湖区 (140802, the second county of 运城市 140800): H1 new, accepted 2025-07-01, compliant; H2 new, accepted
/// 2025-08-01, not compliant.</item>
/// </list>
/// Counted: 永济市 2024 Y1 Y2 = 1 of 2; 2025 Y3 Y7 = 2 of 2 (with Y6 as known at <c>pinned</c>: 2 of 3); 2021–2025 = 3 of 4.
/// 运城市 2024 = 1 of 2; 2025 Y3 Y7 H1 H2 = 3 of 4; 2021–2025 = 4 of 6. The plan target is Shanxi's (140000, 2021–2025,
/// ≥ 100%, from the seeds). Nothing is accepted in the current year (2026 or later).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ProjectIndicatorTests(RegistryFixture registry) : IAsyncLifetime
{
    private DateTimeOffset pinned;

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await ProjectAsync(registry, "Y1 永济市图书馆", "new", "140881", null, "accepted", Day(2024, 5, 10), true, Day(2024, 5, 10));
        var y2 = await ProjectAsync(registry, "Y2 永济市体育馆", "new", "140881", null, "accepted", Day(2024, 11, 20), false, Day(2024, 11, 20));
        var y2Toilet = await PlannedFacilityAsync(registry, y2, "accessible_toilet", "体育馆无障碍厕所", Day(2024, 11, 20));
        await WaiverAsync(registry, y2, y2Toilet, "door_width", "既有结构限制，门宽无法达到 900 mm", Day(2024, 11, 20));
        await ProjectAsync(registry, "Y3 城西社区服务中心", "new", "140881", "140881001", "accepted", Day(2025, 3, 1), true, Day(2025, 3, 1));
        await ProjectAsync(registry, "Y4 老城区道路改造", "alteration", "140881", null, "accepted", Day(2025, 4, 1), true, Day(2025, 4, 1), type: "road");
        await ProjectAsync(registry, "Y5 永济市医院新院区", "new", "140881", null, "construction", null, null, Day(2025, 2, 1));
        var y6 = await ProjectAsync(registry, "Y6 误登记项目", "new", "140881", null, "accepted", Day(2025, 6, 1), false, Day(2025, 6, 1));
        await ProjectAsync(registry, "Y7 永济市档案馆", "new", "140881", null, "accepted", new DateTimeOffset(2025, 1, 1, 0, 30, 0, Cst), true, new DateTimeOffset(2025, 1, 1, 0, 30, 0, Cst));
        await ProjectAsync(registry, "H1 盐湖区文化馆", "new", "140802", null, "accepted", Day(2025, 7, 1), true, Day(2025, 7, 1), lon: 111.0, lat: 35.0);
        await ProjectAsync(registry, "H2 盐湖区公交站场", "new", "140802", null, "accepted", Day(2025, 8, 1), false, Day(2025, 8, 1), lon: 111.0, lat: 35.0, type: "transport");

        pinned = new DateTimeOffset(DateTime.SpecifyKind(await registry.ScalarAsync<DateTime>("SELECT clock_timestamp()"), DateTimeKind.Utc));
        await Task.Delay(20);
        // The late correction: Y6 was registered in error, deleted with effect from 2025-07-01.
        await WriteAsync(registry, "UPDATE construction_projects SET deleted_at = now() WHERE id = @id", Day(2025, 7, 1), ("id", y6));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> GetAsync(string path)
    {
        using var client = registry.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + " → " + response.StatusCode + ": " + text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static (int Accepted, int Compliant, decimal? Rate) Window(JsonNode? w) =>
        ((int)w!["accepted"]!, (int)w["compliant"]!, (decimal?)w["rate"]);

    [Fact]
    public async Task Today_the_panel_counts_the_accepted_new_projects_of_the_plan_period_against_the_province_target()
    {
        var yongji = (await GetAsync("/api/v1/coverage/140881"))["newProjects"]!;
        var year = yongji["year"]!;
        Assert.True((int)year["year"]! >= 2026);
        // Nothing accepted this year: no rate, neither 0% nor 100%.
        Assert.Equal((0, 0, null), Window(year));
        var period = yongji["period"]!;
        Assert.Equal((2021, 2025, true), ((int)period["firstYear"]!, (int)period["lastYear"]!, (bool)period["ended"]!));
        Assert.Equal((4, 3, 0.75m), Window(period));
        var target = yongji["target"]!;
        Assert.Equal("140000", (string?)target["districtCode"]);
        Assert.Equal(1m, (decimal)target["value"]!);
        Assert.False((bool)target["met"]!);
        Assert.Contains("改建", (string?)yongji["definition"]!["zh"], StringComparison.Ordinal);
        Assert.Contains("no accepted projects", (string?)yongji["definition"]!["en"], StringComparison.Ordinal);

        Assert.Equal((6, 4, 0.6667m), Window((await GetAsync("/api/v1/coverage/140800"))["newProjects"]!["period"]));
        Assert.Equal((2, 1, 0.5m), Window((await GetAsync("/api/v1/coverage/140802"))["newProjects"]!["period"]));
        Assert.Equal((1, 1, 1m), Window((await GetAsync("/api/v1/coverage/140881001"))["newProjects"]!["period"]));
        // A county of another province: no project, and no Shanxi target.
        var other = (await GetAsync("/api/v1/coverage/410307"))["newProjects"]!;
        Assert.Equal((0, 0, null), Window(other["period"]));
        Assert.Null(other["target"]);

        // The children's comparison carries it for every child.
        var children = (await GetAsync("/api/v1/coverage?parent=140800"))["children"]!.AsArray();
        var yanhu = children.Single(c => (string?)c!["code"] == "140802")!;
        Assert.Equal((2, 1, 0.5m), Window(yanhu["newProjects"]!["period"]));
    }

    [Fact]
    public async Task As_of_a_past_date_the_year_and_the_period_end_that_day_and_a_pinned_knownAt_ignores_the_later_correction()
    {
        var end2024 = (await GetAsync("/api/v1/coverage/140881?asOf=2024-12-31"))["newProjects"]!;
        Assert.Equal(2024, (int)end2024["year"]!["year"]!);
        // Y7 was accepted half an hour into 2025 in China Standard Time: not in 2024.
        Assert.Equal((2, 1, 0.5m), Window(end2024["year"]));
        Assert.Equal((2, 1, 0.5m), Window(end2024["period"]));
        Assert.Equal("2024-12-31", (string?)end2024["period"]!["to"]);
        Assert.False((bool)end2024["period"]!["ended"]!);

        // Known now: Y6 was deleted with effect from 2025-07-01.
        var end2025 = (await GetAsync("/api/v1/coverage/140881?asOf=2025-12-31"))["newProjects"]!;
        Assert.Equal((2, 2, 1m), Window(end2025["year"]));
        Assert.Equal((4, 3, 0.75m), Window(end2025["period"]));

        // Known at the pinned instant, before the correction was entered: Y6 counts.
        var knownAt = Uri.EscapeDataString(pinned.ToString("o", CultureInfo.InvariantCulture));
        var asKnown = await GetAsync($"/api/v1/coverage/140881?asOf=2025-12-31&knownAt={knownAt}");
        Assert.Equal((3, 2, 0.6667m), Window(asKnown["newProjects"]!["year"]));
        Assert.Equal((5, 3, 0.6m), Window(asKnown["newProjects"]!["period"]));
        Assert.NotNull(asKnown["knownAt"]);

        // Yuncheng on 2025-06-30: before Yanhu's projects, and before Y6's deletion took effect: Y3, Y6, Y7.
        Assert.Equal((3, 2, 0.6667m), Window((await GetAsync("/api/v1/coverage/140800?asOf=2025-06-30"))["newProjects"]!["year"]));
    }

    [Fact]
    public async Task The_annual_report_carries_the_year_for_the_district_and_each_child()
    {
        var report = await GetAsync("/api/v1/annual-reports/140800/2025");
        var parent = report["coverage"]!["parent"]!["newProjects"]!;
        Assert.Equal(2025, (int)parent["year"]!["year"]!);
        Assert.Equal((4, 3, 0.75m), Window(parent["year"]));
        var children = report["coverage"]!["children"]!.AsArray().ToDictionary(c => (string)c!["code"]!, c => c!["newProjects"]!["year"]);
        Assert.Equal((2, 2, 1m), Window(children["140881"]));
        Assert.Equal((2, 1, 0.5m), Window(children["140802"]));
        Assert.Equal((0, 0, null), Window(children["140821"]));

        var report2024 = await GetAsync("/api/v1/annual-reports/140881/2024");
        Assert.Equal((2, 1, 0.5m), Window(report2024["coverage"]!["parent"]!["newProjects"]!["year"]));
    }

    [Fact]
    public async Task The_evaluation_judges_the_province_target_on_the_period_rate_with_no_baseline()
    {
        var final = await GetAsync("/api/v1/evaluations/14?period=2021-2025&stage=final");
        var rate = final["targets"]!.AsArray().Single(t => (string?)t!["indicator"] == "new_project_accessibility_rate")!;
        Assert.Equal(TargetMeasures.NewProjectRate, (string?)rate["figure"]);
        Assert.Equal(0.6667m, (decimal)rate["value"]!);
        Assert.Null(rate["baseline"]);
        Assert.Null(rate["progress"]);
        Assert.Equal("missed", (string?)rate["status"]);
        Assert.Null(rate["reason"]);
        Assert.Contains("新建项目", (string?)rate["definition"]!["zh"], StringComparison.Ordinal);
        var figure = final["figures"]!.AsArray().Single(f => (string?)f!["key"] == TargetMeasures.NewProjectRate)!;
        Assert.True((bool)figure["share"]!);
        Assert.False((bool)figure["households"]!);

        var byPrefecture = final["subdivisions"]!.AsArray().ToDictionary(s => (string)s!["code"]!, s => s!["figures"]![TargetMeasures.NewProjectRate]!);
        Assert.Equal(0.6667m, (decimal)byPrefecture["140800"]["value"]!);
        Assert.Null(byPrefecture["140100"]["value"]);

        // Mid-term (2023-06-30): no new project accepted yet, so nothing to judge by.
        var mid = await GetAsync("/api/v1/evaluations/14?period=2021-2025&stage=midterm");
        var early = mid["targets"]!.AsArray().Single(t => (string?)t!["indicator"] == "new_project_accessibility_rate")!;
        Assert.Null(early["value"]);
        Assert.Equal("notMeasurable", (string?)early["status"]);
        Assert.Equal("noProjects", (string?)early["reason"]!["code"]);
    }

    [Fact]
    public async Task A_district_whose_new_projects_all_met_their_items_meets_the_target()
    {
        // 城西街道's only accepted new project is Y3, compliant.
        var township = (await GetAsync("/api/v1/coverage/140881001?asOf=2025-12-31"))["newProjects"]!;
        Assert.Equal((1, 1, 1m), Window(township["period"]));
        Assert.True((bool)township["target"]!["met"]!);
    }
}
