using System.Net;
using System.Net.Http.Json;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Infrastructure.History;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Tests.Renovations;

/// <summary>
/// Target progress and forecast on a hand-computed fixture. Yongji's binding target: 100 households
/// in 2021–2025, a period of 1826 days (2024 is a leap year). On 2023-07-02 the period is 913 days
/// old, exactly half. 40 households were accepted by then (15 in 2021, 15 in 2022, 10 in 2023 up to
/// July); one accepted in 2020 and one on 2023-08-01 do not count. Forecast ⌊40 × 1826 ÷ 913⌋ = 80 &lt; 100:
/// the binding target will be missed; the key project (150, expected) too, without a warning.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RenovationPlanningTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateTimeOffset Day(int y, int m, int d) => new DateTimeOffset(y, m, d, 10, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    private async Task ArrangeAsync()
    {
        await using var scope = registry.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<PersonalDataProtector>();
        var yongji = await RenovationApi.InsideAsync(registry, "140881");
        var yanshi = await RenovationApi.InsideAsync(registry, "410307");
        var n = 100;
        void Add(string district, double[] at, string status, DateTimeOffset? accepted = null, DateTimeOffset? contracted = null, decimal? subsidy = null, decimal? cost = null)
        {
            var id = RenovationApi.IdNumber(district, "19600101", n++);
            db.RenovationCases.Add(new RenovationCase
            {
                DistrictCode = district,
                Status = status,
                StatusChangedAt = accepted ?? contracted ?? Day(2023, 1, 1),
                PersonName = "测试户" + n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                IdNumberCipher = protector.Encrypt(id, "id_number"),
                IdNumberHash = protector.Hash(id),
                BirthYear = 1960,
                DisabilityCategory = "physical",
                DisabilityGrade = 1,
                Eligibility = "dibao",
                Address = "测试",
                Location = new Point(at[0], at[1]) { SRID = 4490 },
                IdentifiedOn = new DateOnly(2021, 1, 1),
                AcceptedAt = accepted,
                ContractedAt = contracted ?? accepted,
                Subsidy = subsidy,
                FinalCost = cost,
            });
        }

        for (var i = 0; i < 15; i++)
        {
            Add("140881", yongji, "accepted", Day(2021, 6, 1), subsidy: 5000, cost: 6000);
        }

        for (var i = 0; i < 15; i++)
        {
            Add("140881", yongji, i % 2 == 0 ? "followed_up" : "accepted", Day(2022, 6, 1), subsidy: 5000, cost: 6000);
        }

        for (var i = 0; i < 10; i++)
        {
            Add("140881", yongji, "accepted", Day(2023, 7, 2), subsidy: 5000, cost: 6000);
        }

        Add("140881", yongji, "accepted", Day(2020, 12, 31), subsidy: 5000, cost: 6000); // before the period
        Add("140881", yongji, "accepted", Day(2023, 8, 1), subsidy: 5000, cost: 6000);   // after asOf, same period
        Add("140881", yongji, "approved");
        Add("140881", yongji, "contracted", contracted: Day(2023, 3, 1), subsidy: 4000);
        Add("140881", yongji, "in_progress", contracted: Day(2023, 5, 1), subsidy: 4000);
        Add("140881", yongji, "identified");
        Add("140881", yongji, "identified");
        Add("140881", yongji, "rejected");

        for (var i = 0; i < 10; i++)
        {
            Add("410307", yanshi, "accepted", Day(2022, 3, 1), subsidy: 3000, cost: 3000);
        }

        // In the registry since before the plan period, so that planning as of 2023 sees them (docs/history.md).
        await using var transaction = await EffectiveTime.BeginAsync(db, Day(2020, 1, 1), CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    [Fact]
    public async Task Progress_and_forecast_match_the_hand_computed_figures()
    {
        await ArrangeAsync();
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881", "410307");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("/api/v1/renovations/budgets/140881/2022", new { allocated = 100000 }, ApiJson.Options)).StatusCode);
        // The budget was set now: planning as of 2023 does not know it yet (docs/history.md); today's does.
        var then = (await admin.GetFromJsonAsync<PlanningResponse>("/api/v1/renovations/planning?district=140881&asOf=2023-07-02", ApiJson.Options))!;
        Assert.Null(Assert.Single(then.Years, y => y.Year == 2022).Allocated);
        await registry.ScalarAsync<int>(
            "DELETE FROM renovation_budgets WHERE district_code = '140881' AND year = 2022 RETURNING 1");
        await using (var connection = new Npgsql.NpgsqlConnection(registry.ConnectionString))
        {
            await connection.OpenAsync();
            await using var backdated = await connection.BeginTransactionAsync();
            await EffectiveTime.ApplyAsync(connection, backdated, Day(2022, 1, 1), CancellationToken.None);
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO renovation_budgets (district_code, year, allocated, updated_at) VALUES ('140881', 2022, 100000, now())", connection, backdated);
            await insert.ExecuteNonQueryAsync();
            await backdated.CommitAsync();
        }

        var plan = (await admin.GetFromJsonAsync<PlanningResponse>("/api/v1/renovations/planning?district=140881&asOf=2023-07-02", ApiJson.Options))!;
        var binding = Assert.Single(plan.Targets, t => t.Indicator == "household_renovations");
        Assert.Equal((1826, 913, 40, 3, 80), (binding.PeriodDays, binding.ElapsedDays, binding.Accepted, binding.Pipeline, binding.Forecast));
        Assert.True(binding.WillMiss);
        Assert.Contains("80 households", binding.Warning, StringComparison.Ordinal);
        var project = Assert.Single(plan.Targets, t => t.Indicator == "household_renovations_key_project");
        Assert.True(project.WillMiss);
        Assert.Null(project.Warning); // expected (预期性), not binding

        var y2022 = Assert.Single(plan.Years, y => y.Year == 2022);
        Assert.Equal((15, 100000m, 75000m, 6000m), (y2022.Accepted, y2022.Allocated, y2022.Spent, y2022.CostPerHousehold));
        var y2023 = Assert.Single(plan.Years, y => y.Year == 2023);
        Assert.Equal((11, 8000m, 55000m), (y2023.Accepted, y2023.Committed, y2023.Spent));
        Assert.Null(y2023.Allocated);
        Assert.Equal(2, plan.ByStatus["identified"]);

        // A pace of 50 by mid-period reaches 100: on track, no warning.
        var onTrack = RenovationPlanning.Progress(new() { DistrictCode = "140881", Indicator = "x", Title = "x", SourceDocument = "x", Value = 100, PeriodStart = 2021, PeriodEnd = 2025, Binding = true },
            50, 0, null, new DateOnly(2023, 7, 2));
        Assert.Equal((100, false, (string?)null), (onTrack.Forecast, onTrack.WillMiss, onTrack.Warning));
    }

    [Fact]
    public async Task A_coverage_target_divides_by_the_eligible_households_set_by_the_federation()
    {
        await ArrangeAsync();
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "410307");
        Assert.Equal(HttpStatusCode.Forbidden, (await planner.PutAsJsonAsync("/api/v1/renovations/settings/410307", new { eligibleHouseholds = 40 }, ApiJson.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/renovations/settings/410307", new { eligibleHouseholds = 40 }, ApiJson.Options)).StatusCode);
        // Set now, the figure is not known to planning as of 2023 (docs/history.md): the federation's figure of then is.
        await registry.ScalarAsync<int>("DELETE FROM renovation_district_settings WHERE district_code = '410307' RETURNING 1");
        await using (var connection = new Npgsql.NpgsqlConnection(registry.ConnectionString))
        {
            await connection.OpenAsync();
            await using var backdated = await connection.BeginTransactionAsync();
            await EffectiveTime.ApplyAsync(connection, backdated, Day(2021, 1, 1), CancellationToken.None);
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO renovation_district_settings (district_code, weights, eligible_households, updated_at) VALUES ('410307', '{}', 40, now())", connection, backdated);
            await insert.ExecuteNonQueryAsync();
            await backdated.CommitAsync();
        }

        // 10 of 40 accepted by mid-period: 25 %; at that pace 20 of 40 = 50 %, and the plan asks for more than 50 %.
        var plan = (await planner.GetFromJsonAsync<PlanningResponse>("/api/v1/renovations/planning?district=410307&asOf=2023-07-02", ApiJson.Options))!;
        var coverage = Assert.Single(plan.Targets);
        Assert.Equal((10, 20, 40), (coverage.Accepted, coverage.Forecast, coverage.EligibleHouseholds!.Value));
        Assert.Equal((0.25m, 0.5m), (coverage.CurrentRatio!.Value, coverage.ForecastRatio!.Value));
        Assert.True(coverage.WillMiss);
        Assert.NotNull(coverage.Warning);
    }

    [Fact]
    public async Task The_priority_list_shows_each_term_and_follows_the_district_weights()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var old = RenovationApi.Body("140881", at, RenovationApi.IdNumber(birth: "19400101", sequence: 921), name: "老人甲");
        old["identifiedOn"] = "2025-01-01";
        var young = RenovationApi.Body("140881", at, RenovationApi.IdNumber(birth: "19900101", sequence: 922), name: "青年乙", grade: 2);
        young["livesAlone"] = false;
        young["eligibility"] = "other";
        young["identifiedOn"] = "2025-07-02";
        await RenovationApi.CreateAsync(planner, old);
        await RenovationApi.CreateAsync(planner, young);

        var list = (await planner.GetFromJsonAsync<PriorityList>("/api/v1/renovations/priority?district=140881&asOf=2026-01-01", ApiJson.Options))!;
        Assert.Equal(["老人甲", "青年乙"], list.Items.Select(i => i.PersonName));
        var first = list.Items[0];
        // grade 1 → 30, 低保 → 25, 365 days → 20, alone → 15, age 86 → 10: 100.
        Assert.Equal(100m, first.Score);
        Assert.Equal([30m, 25m, 20m, 15m, 10m], first.Terms.Select(t => t.Points));
        // grade 2 → 15, other → 0, 183 days → 20 × 0.5014 = 10.03, not alone → 0, age 36 → 0.
        Assert.Equal(25.03m, list.Items[1].Score);

        var weights = await admin.PutAsJsonAsync("/api/v1/renovations/settings/140881", new { weights = new { age = 0, livingAlone = 0 } }, ApiJson.Options);
        Assert.Equal(HttpStatusCode.OK, weights.StatusCode);
        var reweighted = (await planner.GetFromJsonAsync<PriorityList>("/api/v1/renovations/priority?district=140881&asOf=2026-01-01", ApiJson.Options))!;
        Assert.Equal(75m, reweighted.Items[0].Score);

        var bad = await admin.PutAsJsonAsync("/api/v1/renovations/settings/140881", new { weights = new { age = -1 } }, ApiJson.Options);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("weights.age", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
