using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Evaluations;
using Accessibility.Api.Infrastructure.History;
using Npgsql;

namespace Accessibility.Api.Tests.Evaluations;

/// <summary>
/// GET /api/v1/evaluations/{district}: mid-term and final evaluations of the seeded plan targets (data/plan-targets.json)
/// against records written with their effective dates, counted by hand. The period 2021–2025 has 1,826 days, a year of it
/// 365.2 days; the mid-term date 2023-06-30 is day 911, so 2.4945 years have elapsed and 2.5055 remain.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class EvaluationEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Yongji = "140881";
    private const string Xuecheng = "370403";
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateTimeOffset Day(int y, int m, int d) => new(y, m, d, 10, 0, 0, Cst);

    /// <summary>Runs <paramref name="sql"/> in one transaction taking effect at <paramref name="validFrom"/>.</summary>
    private async Task WriteAsync(string sql, DateTimeOffset validFrom, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await EffectiveTime.ApplyAsync(connection, transaction, validFrom, CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    /// <summary><paramref name="count"/> households of 永济市 in <paramref name="township"/> whose renovation was accepted on <paramref name="accepted"/>, entered with that date.</summary>
    private Task HouseholdsAsync(int count, string township, DateTimeOffset accepted) => WriteAsync(
        """
        INSERT INTO renovation_cases (district_code, township_code, status, status_changed_at, person_name, id_number_cipher, id_number_hash,
                                      birth_year, disability_category, disability_grade, mobility_aids, eligibility, lives_alone, address,
                                      location, barriers, items, identified_on, accepted_at, source, created_at, updated_at, photos_before, photos_after)
        SELECT '140881', @township, 'accepted', @accepted, '评估测试户' || n, '\x00'::bytea, decode(md5(random()::text), 'hex'),
               1950, 'physical', 1, '{}', 'dibao', false, '测试地址',
               ST_SetSRID(ST_MakePoint(110.44 + n * 0.0001, 34.86), 4490), '{}', '[]', @accepted::date, @accepted, 'test', @accepted, @accepted, '{}', '{}'
        FROM generate_series(1, @count) n
        """,
        accepted, ("township", township), ("accepted", accepted.ToUniversalTime()), ("count", count));

    private async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static JsonObject Target(JsonObject evaluation, string indicator) =>
        evaluation["targets"]!.AsArray().Single(t => (string?)t!["indicator"] == indicator)!.AsObject();

    private static decimal? Dec(JsonNode? node) => node?.GetValue<decimal>();

    /// <summary>
    /// 永济市: 2 households accepted in 2020 (before the period: not counted), 3 in 城西街道 on 2021-05-01, 4 in 城北街道 on
    /// 2022-03-01, 5 in 城西街道 on 2023-09-01 (after the mid-term date).
    /// </summary>
    private async Task YongjiHouseholdsAsync()
    {
        await HouseholdsAsync(2, "140881001", Day(2020, 11, 1));
        await HouseholdsAsync(3, "140881001", Day(2021, 5, 1));
        await HouseholdsAsync(4, "140881002", Day(2022, 3, 1));
        await HouseholdsAsync(5, "140881001", Day(2023, 9, 1));
    }

    [Fact]
    public async Task The_mid_term_evaluation_gives_the_district_staff_baseline_value_progress_and_trajectory_and_each_township()
    {
        await YongjiHouseholdsAsync();
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var e = await GetAsync(planner, $"/api/v1/evaluations/{Yongji}?period=2021-2025&stage=midterm");

        Assert.Equal("2023-06-30", (string?)e["evaluationDate"]);
        Assert.Equal("2020-12-31", (string?)e["baselineDate"]);
        Assert.False(e["dateGiven"]!.GetValue<bool>());
        Assert.Equal("staff", (string?)e["view"]);
        Assert.Equal(2.4945m, Dec(e["elapsedYears"]));
        Assert.Equal(2.5055m, Dec(e["remainingYears"]));

        // Binding first: 100 households (专栏1), then the key project's 150.
        var targets = e["targets"]!.AsArray();
        Assert.Equal(["household_renovations", "household_renovations_key_project"], targets.Select(t => (string)t!["indicator"]!).ToArray());
        Assert.True(targets[0]!["binding"]!.GetValue<bool>());

        var binding = Target(e, "household_renovations");
        Assert.Equal(0m, Dec(binding["baseline"]));
        Assert.Equal(7m, Dec(binding["value"]));                // 3 + 4 accepted by 2023-06-30
        Assert.Equal(100m, Dec(binding["target"]));
        Assert.Equal(0.07m, Dec(binding["progress"]));           // 7 / 100
        Assert.Equal(2.8062m, Dec(binding["pacePerYear"]));      // 7 / 2.4945
        Assert.Equal(37.1183m, Dec(binding["neededPerYear"]));   // (100 − 7) / 2.5055
        Assert.Equal("behind", (string?)binding["status"]);
        Assert.Null(binding["reason"]);

        var project = Target(e, "household_renovations_key_project");
        Assert.Equal(0.0467m, Dec(project["progress"]));         // 7 / 150
        Assert.Equal(57.0744m, Dec(project["neededPerYear"]));   // 143 / 2.5055

        var towns = e["subdivisions"]!.AsArray().ToDictionary(s => (string)s!["code"]!, s => s!["figures"]![TargetMeasures.HouseholdsRenovated]!);
        Assert.Equal(3m, Dec(towns["140881001"]["value"]));
        Assert.Equal(4m, Dec(towns["140881002"]["value"]));
        Assert.Equal(7m, towns.Values.Sum(f => Dec(f["value"]) ?? 0));
        Assert.False(towns["140881001"]["withheld"]!.GetValue<bool>());
        Assert.Equal(0m, Dec(e["unassigned"]![TargetMeasures.HouseholdsRenovated]!["value"]));

        // A date of the caller's choice: 2023-09-01 counts the five accepted that day as well.
        // A household registered without its township is counted by the district and shown apart from the townships
        // (the correction takes effect the day it was accepted: the subdivisions are read as of the date too).
        await WriteAsync("UPDATE renovation_cases SET township_code = NULL WHERE id = (SELECT min(id) FROM renovation_cases WHERE accepted_at >= '2023-01-01')", Day(2023, 9, 1));
        var later = await GetAsync(planner, $"/api/v1/evaluations/{Yongji}?period=2021-2025&stage=midterm&date=2023-09-01");
        Assert.Equal(12m, Dec(Target(later, "household_renovations")["value"]));
        Assert.Equal(1m, Dec(later["unassigned"]![TargetMeasures.HouseholdsRenovated]!["value"]));
        Assert.Equal(7m, Dec(later["subdivisions"]!.AsArray().Single(s => (string?)s!["code"] == "140881001")!["figures"]![TargetMeasures.HouseholdsRenovated]!["value"]));
        Assert.True(later["dateGiven"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_public_gets_household_figures_only_as_coverage_publishes_them()
    {
        await YongjiHouseholdsAsync();
        using var anonymous = registry.CreateClient();
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, Yongji);
        foreach (var client in new[] { anonymous, inspector })
        {
            // Mid-term: a date between the statistics' year ends, withheld whole.
            var mid = await GetAsync(client, $"/api/v1/evaluations/{Yongji}?period=2021-2025&stage=midterm");
            Assert.Equal("public", (string?)mid["view"]);
            Assert.Equal(5, mid["householdsSuppressedBelow"]!.GetValue<int>());
            var withheld = Target(mid, "household_renovations");
            Assert.Equal(0m, Dec(withheld["baseline"]));
            Assert.Null(withheld["value"]);
            Assert.Null(withheld["progress"]);
            Assert.Null(withheld["neededPerYear"]);
            Assert.Equal("notMeasurable", (string?)withheld["status"]);
            Assert.Equal("withheldDate", (string?)withheld["reason"]!["code"]);

            // Final (the period's last day): the period's total, 12, as the coverage indicators publish it.
            var final = await GetAsync(client, $"/api/v1/evaluations/{Yongji}?period=2021-2025&stage=final");
            Assert.Equal("2025-12-31", (string?)final["evaluationDate"]);
            var binding = Target(final, "household_renovations");
            Assert.Equal(12m, Dec(binding["value"]));
            Assert.Equal(0.12m, Dec(binding["progress"]));
            Assert.Equal(2.4m, Dec(binding["pacePerYear"]));     // 12 / 5 years
            Assert.Null(binding["neededPerYear"]);               // no year remains
            Assert.Equal("missed", (string?)binding["status"]);

            // Never per township, and a date of the caller's choice withholds them.
            Assert.Null(final["unassigned"]);
            Assert.All(final["subdivisions"]!.AsArray(), s =>
            {
                Assert.True(s!["figures"]![TargetMeasures.HouseholdsRenovated]!["withheld"]!.GetValue<bool>());
                Assert.Null(s["figures"]![TargetMeasures.HouseholdsRenovated]!["value"]);
            });
            var chosen = await GetAsync(client, $"/api/v1/evaluations/{Yongji}?period=2021-2025&stage=final&date=2025-12-30");
            Assert.Null(Target(chosen, "household_renovations")["value"]);
        }
    }

    [Fact]
    public async Task Fewer_than_five_households_are_withheld_from_the_public_with_the_reason()
    {
        await HouseholdsAsync(3, "140881001", Day(2022, 5, 1));
        using var anonymous = registry.CreateClient();
        var e = await GetAsync(anonymous, $"/api/v1/evaluations/{Yongji}?period=2021-2025&stage=final");
        var binding = Target(e, "household_renovations");
        Assert.Null(binding["value"]);
        Assert.Equal("notMeasurable", (string?)binding["status"]);
        Assert.Equal("withheld", (string?)binding["reason"]!["code"]);
        Assert.DoesNotContain("\"value\":3", e.ToJsonString(), StringComparison.Ordinal);

        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        var staff = await GetAsync(admin, $"/api/v1/evaluations/{Yongji}?period=2021-2025&stage=final");
        Assert.Equal(3m, Dec(Target(staff, "household_renovations")["value"]));
        Assert.Equal("missed", (string?)Target(staff, "household_renovations")["status"]);
    }

    /// <summary>
    /// 薛城区 (10 townships), township service coverage ≥ 100 % (binding): a service facility in its 1st township since
    /// 2020-06-01 (at the baseline), one in the 2nd since 2022-05-01, one in the 3rd from 2021-03-01 out of use from
    /// 2023-01-01, one in the 4th since 2024-02-01 (after the mid-term).
    /// </summary>
    [Fact]
    public async Task The_township_service_share_is_read_as_the_facilities_stood_at_the_baseline_and_the_evaluation_date()
    {
        var towns = new List<string>();
        await using (var connection = new NpgsqlConnection(registry.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT code FROM districts WHERE parent_code = '370403' ORDER BY code", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                towns.Add(reader.GetString(0));
            }
        }

        Assert.Equal(10, towns.Count);
        const string insert = """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, external_id, created_at, updated_at)
            VALUES ('disability_service', '残疾人之家', ST_SetSRID(ST_MakePoint(117.26, 34.80), 4490), '{}', 'operational', '370403', @town, 'test', @town, now(), now())
            """;
        await WriteAsync(insert, Day(2020, 6, 1), ("town", towns[0]));
        await WriteAsync(insert, Day(2022, 5, 1), ("town", towns[1]));
        await WriteAsync(insert, Day(2021, 3, 1), ("town", towns[2]));
        await WriteAsync("UPDATE facilities SET status = 'unusable', updated_at = now() WHERE township_code = @town", Day(2023, 1, 1), ("town", towns[2]));
        await WriteAsync(insert, Day(2024, 2, 1), ("town", towns[3]));

        using var anonymous = registry.CreateClient();
        var mid = await GetAsync(anonymous, $"/api/v1/evaluations/{Xuecheng}?period=2021-2025&stage=midterm");
        var t = Target(mid, "township_service_facility_coverage");
        Assert.Equal(0.1m, Dec(t["baseline"]));         // 1 of 10
        Assert.Equal(0.2m, Dec(t["value"]));            // 1st and 2nd of 10
        Assert.Equal(1m, Dec(t["target"]));
        Assert.Equal(0.1111m, Dec(t["progress"]));      // 0.1 / 0.9
        Assert.Equal(0.0401m, Dec(t["pacePerYear"]));   // 0.1 / 2.4945
        Assert.Equal(0.3193m, Dec(t["neededPerYear"])); // 0.8 / 2.5055
        Assert.Equal("behind", (string?)t["status"]);

        var byTown = mid["subdivisions"]!.AsArray().ToDictionary(s => (string)s!["code"]!, s => s!["figures"]![TargetMeasures.TownshipServiceShare]!);
        Assert.Equal((1m, 1m), (Dec(byTown[towns[0]]["baseline"]), Dec(byTown[towns[0]]["value"])));
        Assert.Equal((0m, 1m), (Dec(byTown[towns[1]]["baseline"]), Dec(byTown[towns[1]]["value"])));
        Assert.Equal((0m, 0m), (Dec(byTown[towns[2]]["baseline"]), Dec(byTown[towns[2]]["value"])));
        Assert.Equal((0m, 0m), (Dec(byTown[towns[3]]["baseline"]), Dec(byTown[towns[3]]["value"])));

        var final = Target(await GetAsync(anonymous, $"/api/v1/evaluations/{Xuecheng}?period=2021-2025&stage=final"), "township_service_facility_coverage");
        Assert.Equal(0.3m, Dec(final["value"]));        // 1st, 2nd, 4th
        Assert.Equal(0.2222m, Dec(final["progress"]));  // 0.2 / 0.9
        Assert.Equal(0.04m, Dec(final["pacePerYear"])); // 0.2 / 5
        Assert.Equal("missed", (string?)final["status"]);

        // 2022-12-31: the 3rd township still served.
        var before = Target(await GetAsync(anonymous, $"/api/v1/evaluations/{Xuecheng}?period=2021-2025&stage=midterm&date=2022-12-31"), "township_service_facility_coverage");
        Assert.Equal(0.3m, Dec(before["value"]));
    }

    [Fact]
    public async Task A_measured_target_with_nothing_to_measure_yet_says_why_and_gets_no_value()
    {
        using var anonymous = registry.CreateClient();
        var e = await GetAsync(anonymous, "/api/v1/evaluations/14?period=2021-2025&stage=final");
        // 新建项目无障碍设施建设率 with no construction project accepted: no rate, neither 0% nor 100% (tests in Projects/).
        var rate = Target(e, "new_project_accessibility_rate");
        Assert.Equal("notMeasurable", (string?)rate["status"]);
        Assert.Equal(TargetMeasures.NewProjectRate, (string?)rate["figure"]);
        Assert.Null(rate["baseline"]);
        Assert.Null(rate["value"]);
        Assert.Equal("noProjects", (string?)rate["reason"]!["code"]);
        Assert.Contains("新建项目", (string?)rate["reason"]!["zh"], StringComparison.Ordinal);
        Assert.Contains("new-build project", (string?)rate["reason"]!["en"], StringComparison.Ordinal);
        Assert.Equal(11, e["subdivisions"]!.AsArray().Count);
    }

    /// <summary>
    /// Targets of 盐湖区 for 2016–2020 written with their dates: an expected one (households, 10) and a binding one the
    /// registry does not measure, both from 2016; a third retired from 2019-01-01.
    /// </summary>
    [Fact]
    public async Task The_targets_are_those_in_force_at_the_evaluation_date_binding_first()
    {
        const string insert = """
            INSERT INTO plan_targets (district_code, indicator, title, kind, value, comparator, unit, period_start, period_end, binding, source_document)
            VALUES ('140802', @indicator, @indicator, @kind, @value, '>=', NULL, 2016, 2020, @binding, '盐湖区测试规划')
            """;
        await WriteAsync(insert, Day(2016, 1, 1), ("indicator", "household_renovations"), ("kind", "Count"), ("value", 10m), ("binding", false));
        await WriteAsync(insert, Day(2016, 1, 1), ("indicator", "accessible_toilets_added"), ("kind", "Count"), ("value", 20m), ("binding", true));
        await WriteAsync(insert, Day(2016, 1, 1), ("indicator", "township_service_facility_coverage"), ("kind", "Ratio"), ("value", 1m), ("binding", true));
        await WriteAsync("DELETE FROM plan_targets WHERE district_code = '140802' AND indicator = 'township_service_facility_coverage'", Day(2019, 1, 1));

        using var anonymous = registry.CreateClient();
        var mid = await GetAsync(anonymous, "/api/v1/evaluations/140802?period=2016-2020&stage=midterm");
        Assert.Equal("2018-06-30", (string?)mid["evaluationDate"]);
        Assert.Equal(
            ["accessible_toilets_added", "township_service_facility_coverage", "household_renovations"],
            mid["targets"]!.AsArray().Select(t => (string)t!["indicator"]!).ToArray());
        var final = await GetAsync(anonymous, "/api/v1/evaluations/140802?period=2016-2020&stage=final");
        Assert.Equal(["accessible_toilets_added", "household_renovations"], final["targets"]!.AsArray().Select(t => (string)t!["indicator"]!).ToArray());
        var unmeasured = Target(final, "accessible_toilets_added");
        Assert.Equal("notMeasured", (string?)unmeasured["reason"]!["code"]);
        Assert.Contains("accessible_toilets_added", (string?)unmeasured["reason"]!["en"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("period=2021-2025&stage=midterm&asOf=2023-01-01", "asOf")]
    [InlineData("period=2021-2025&stage=midterm&metres=500", "metres")]
    [InlineData("stage=midterm", "period")]
    [InlineData("period=2021&stage=midterm", "period")]
    [InlineData("period=2025-2021&stage=midterm", "period")]
    [InlineData("period=2001-2030&stage=midterm", "period")]
    [InlineData("period=1995-2000&stage=final", "period")]
    [InlineData("period=2091-2095&stage=final", "period")]
    [InlineData("period=2021-2025", "stage")]
    [InlineData("period=2021-2025&stage=annual", "stage")]
    [InlineData("period=2021-2025&stage=final&stage=midterm", "stage")]
    [InlineData("period=2021-2025&stage=final&date=2023-02-30", "date")]
    [InlineData("period=2021-2025&stage=final&date=20230630", "date")]
    [InlineData("period=2021-2025&stage=final&date=2020-12-31", "date")]
    [InlineData("period=2021-2025&stage=final&date=2026-01-01", "date")]
    [InlineData("period=2026-2030&stage=final&date=2099-01-01", "date")]
    public async Task A_bad_or_unknown_parameter_is_a_400_naming_it(string query, string field)
    {
        using var client = registry.CreateClient();
        using var response = await client.GetAsync(new Uri($"/api/v1/evaluations/{Yongji}?{query}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), body);
    }

    [Fact]
    public async Task An_unknown_district_is_a_404_and_a_bad_code_a_400()
    {
        using var client = registry.CreateClient();
        using var missing = await client.GetAsync(new Uri("/api/v1/evaluations/149999?period=2021-2025&stage=final", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var bad = await client.GetAsync(new Uri("/api/v1/evaluations/yongji?period=2021-2025&stage=final", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("districtCode", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_period_in_progress_is_evaluated_today_at_the_latest()
    {
        var today = AsOf.Today(TimeProvider.System);
        using var client = registry.CreateClient();
        var e = await GetAsync(client, $"/api/v1/evaluations/{Yongji}?period={today.Year}-{today.Year + 4}&stage=final");
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string?)e["evaluationDate"]);
        Assert.Empty(e["targets"]!.AsArray());
        Assert.Empty(e["satisfactionSurvey"]!["surveys"]!.AsArray());
    }

    [Fact]
    public async Task The_evaluation_carries_the_periods_satisfaction_survey_as_published()
    {
        var today = AsOf.Today(TimeProvider.System).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        using var anonymous = registry.CreateClient();
        static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
        using var opened = await admin.PostAsync(new Uri("/api/v1/surveys", UriKind.Relative), Body(
            $$"""{"districtCode":"{{Yongji}}","title":"评估测试调查","opensOn":"{{today}}","closesOn":"{{today}}","questions":["roads","problems"]}"""));
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var id = (long)JsonNode.Parse(await opened.Content.ReadAsStringAsync())!["id"]!;
        for (var n = 0; n < 6; n++)
        {
            var answer = new JsonObject
            {
                ["deviceId"] = $"evaluation-device-{n:D4}-0123456789",
                ["language"] = "zh",
                ["ratings"] = new JsonObject { ["roads"] = 4 },
                ["texts"] = new JsonObject { ["problems"] = $"坡道太陡 {n}" },
            };
            using var answered = await anonymous.PostAsync(new Uri($"/api/v1/surveys/{id}/answers", UriKind.Relative), Body(answer.ToJsonString()));
            Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
        }

        var year = int.Parse(today[..4], System.Globalization.CultureInfo.InvariantCulture);
        var path = $"/api/v1/evaluations/{Yongji}?period={year}-{year + 4}&stage=final";

        // While it runs the public sees the survey but not its figures (they would change answer by answer).
        var running = (await GetAsync(anonymous, path))["satisfactionSurvey"]!["surveys"]!.AsArray().Single()!;
        Assert.False(running["published"]!.GetValue<bool>());

        using (var closed = await admin.PostAsync(new Uri($"/api/v1/surveys/{id}/close", UriKind.Relative), null))
        {
            Assert.True(closed.IsSuccessStatusCode);
        }

        var survey = (await GetAsync(anonymous, path))["satisfactionSurvey"]!["surveys"]!.AsArray().Single()!;
        Assert.True(survey["published"]!.GetValue<bool>());
        Assert.Equal(6, survey["responses"]!.GetValue<int>());
        var roads = survey["questions"]!.AsArray().Single(q => (string?)q!["id"] == "roads")!;
        Assert.Equal(6, roads["answers"]!.GetValue<int>());
        Assert.Equal(6, roads["distribution"]!["4"]!.GetValue<int>());
        // Free text never reaches the public.
        Assert.DoesNotContain("坡道太陡", survey.ToJsonString(), StringComparison.Ordinal);
    }
}
