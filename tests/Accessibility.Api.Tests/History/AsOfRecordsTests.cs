using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Infrastructure.History;
using Accessibility.Api.Tests.Auth;
using Accessibility.Api.Tests.Renovations;
using Accessibility.Api.Tests.Staff;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using Npgsql;
using static Accessibility.Api.Tests.Inspections.InspectionApi;

namespace Accessibility.Api.Tests.History;

/// <summary>
/// Inspection states, defect figures, renovation figures and plan targets as of several dates (docs/history.md), on
/// hand-counted fixtures for the county 140881 (永济市), the prefecture 140800 (运城市) and the township 140881001. The
/// records are written through the API with their effective dates (validFrom, inspectedAt); only what the API cannot
/// date in the past (facilities, defects found and cases registered long ago) is written with SQL, in a transaction that
/// takes effect then.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class AsOfRecordsTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public Task InitializeAsync() => registry.ResetAsync();

    /// <summary>The reset keeps the seeded plan targets: the targets made here go.</summary>
    public Task DisposeAsync() => registry.ScalarAsync<long>("WITH d AS (DELETE FROM plan_targets WHERE indicator = 'test_asof_targets' RETURNING 1) SELECT count(*) FROM d");

    private static DateTimeOffset Day(int y, int m, int d) => new DateTimeOffset(y, m, d, 10, 0, 0, Cst).ToUniversalTime();

    private static string Text(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="sql"/> in one transaction taking effect at <paramref name="validFrom"/>; returns the first value.</summary>
    private async Task<object?> WriteAsync(string sql, DateTimeOffset validFrom, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await EffectiveTime.ApplyAsync(connection, transaction, validFrom, CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        var result = await command.ExecuteScalarAsync();
        await transaction.CommitAsync();
        return result;
    }

    /// <summary>A ramp (inspected every 12 months) in township <paramref name="township"/> of 永济市, in the registry from 2024-01-01.</summary>
    private async Task<long> RampAsync(string township, string name) => (long)(await WriteAsync(
        """
        INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, created_at, updated_at)
        VALUES ('ramp', $1, ST_SetSRID(ST_MakePoint(110.4470, 34.8670), 4490), '{"slope": 0.08}', 'operational', '140881', $2, 'test', now(), now())
        RETURNING id
        """, Day(2024, 1, 1), name, township))!;

    private async Task<string> OtherTownshipAsync() => await registry.ScalarAsync<string>(
        "SELECT code FROM districts WHERE code LIKE '140881%' AND length(code) = 9 AND code <> '140881001' ORDER BY code LIMIT 1")
        ?? throw new InvalidOperationException("No second township of 140881 in the districts.");

    private static async Task<JsonObject> OkAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static int[] Counts(JsonObject schedule) =>
        [.. new[] { "onTime", "dueSoon", "overdue", "neverInspected", "total" }.Select(k => (int)schedule["counts"]![k]!)];

    [Fact]
    public async Task Inspection_states_are_judged_by_the_last_inspection_carried_out_by_the_date_and_due_dates_against_it()
    {
        var other = await OtherTownshipAsync();
        var r1 = await RampAsync("140881001", "R1");
        var r2 = await RampAsync("140881001", "R2");
        await RampAsync(other, "R3");
        var beforeInspections = DateTimeOffset.UtcNow;
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        // Carried out offline and synced now: R1 on 2024-03-01 (due 2025-03-01), R2 on 2025-02-01 (due 2026-02-01); R3 never.
        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync(inspector, Inspection(r1, Day(2024, 3, 1), Answer("slope", "1:14")))).Status);
        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync(inspector, Inspection(r2, Day(2025, 2, 1), Answer("slope", "1:14")))).Status);
        using var anonymous = registry.CreateClient();

        async Task<int[]> At(string district, string? asOf, string? knownAt = null) => Counts(await OkAsync(anonymous,
            "/api/v1/inspections/schedule?district=" + district + (asOf is null ? "" : "&asOf=" + asOf)
            + (knownAt is null ? "" : "&knownAt=" + Uri.EscapeDataString(knownAt))));

        //                                     onTime dueSoon overdue never total
        Assert.Equal(new[] { 0, 0, 0, 0, 0 }, await At("140881", "2023-12-31"));
        Assert.Equal(new[] { 0, 0, 0, 3, 3 }, await At("140881", "2024-02-01"));
        Assert.Equal(new[] { 1, 0, 0, 2, 3 }, await At("140881", "2024-12-31")); // R1 due in 60 days
        Assert.Equal(new[] { 1, 1, 0, 1, 3 }, await At("140881", "2025-02-15")); // R1 due in 14 days, R2 just inspected
        Assert.Equal(new[] { 1, 0, 1, 1, 3 }, await At("140881", "2025-06-30"));
        Assert.Equal(new[] { 0, 0, 2, 1, 3 }, await At("140881", null));         // today: both due dates passed
        Assert.Equal(new[] { 1, 0, 1, 0, 2 }, await At("140881001", "2025-06-30"));
        Assert.Equal(new[] { 1, 1, 0, 0, 2 }, await At("140881001", "2025-02-15"));
        Assert.Equal(new[] { 1, 0, 1, 1, 3 }, await At("140800", "2025-06-30"));
        // As the registry knew it before the inspections were synced: never inspected.
        Assert.Equal(new[] { 0, 0, 0, 3, 3 }, await At("140800", "2025-06-30", Text(beforeInspections)));

        var states = await OkAsync(anonymous, "/api/v1/inspections/schedule?district=140881&asOf=2025-02-15");
        Assert.Equal("2025-02-15", (string?)states["asOf"]);
        var soon = Assert.Single(states["dueSoon"]!.AsArray())!;
        Assert.Equal(r1, (long)soon["facilityId"]!);
    }

    [Fact]
    public async Task Defect_figures_stand_as_they_were_with_fixes_and_closures_entered_late()
    {
        var other = await OtherTownshipAsync();
        var r1 = await RampAsync("140881001", "R1");
        var r3 = await RampAsync(other, "R3");
        const string Found = """
            INSERT INTO defects (facility_id, district_code, item, severity, status, due_at, location, created_at, updated_at)
            SELECT f.id, f.district_code, $5, $2, 'open', $3, ST_PointOnSurface(f.geometry), $4, $4 FROM facilities f WHERE f.id = $1
            RETURNING id
            """;
        // Found on their dates: D1 critical and D2 minor on R1 (township 140881001) on 2025-01-10, D3 major on R3 on 2025-02-01.
        var d1 = (long)(await WriteAsync(Found, Day(2025, 1, 10), r1, "critical", Day(2025, 1, 17), Day(2025, 1, 10), "slope"))!;
        var d2 = (long)(await WriteAsync(Found, Day(2025, 1, 10), r1, "minor", Day(2025, 4, 10), Day(2025, 1, 10), "handrail"))!;
        var d3 = (long)(await WriteAsync(Found, Day(2025, 2, 1), r3, "major", Day(2025, 3, 1), Day(2025, 2, 1), "slope"))!;

        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        // D1 fixed on 2025-01-15, D3 closed (rejected) on 2025-05-01, both entered now.
        var fix = await admin.PostAsJsonAsync($"/api/v1/defects/{d1}/fix", new { note = "已修复", validFrom = "2025-01-15" }, ApiJson.Options);
        Assert.True(fix.StatusCode == HttpStatusCode.OK, await fix.Content.ReadAsStringAsync());
        var reject = await admin.PostAsJsonAsync($"/api/v1/defects/{d3}/reject", new { reason = "重复", validFrom = "2025-05-01" }, ApiJson.Options);
        Assert.True(reject.StatusCode == HttpStatusCode.OK, await reject.Content.ReadAsStringAsync());
        Assert.Equal("2025-01-14T16:00:00Z", await registry.ScalarAsync<string>(
            "SELECT after->>'validFrom' FROM audit_entries WHERE entity_type = 'defect' AND entity_id = $1 ORDER BY id DESC LIMIT 1", d1.ToString(CultureInfo.InvariantCulture)));

        // A fix before the defect was found, in the future, or not a date: 400 naming validFrom; nothing changes.
        foreach (var bad in new[] { "2025-01-05", "2099-01-01", "yesterday" })
        {
            var refused = await admin.PostAsJsonAsync($"/api/v1/defects/{d2}/fix", new { note = "x", validFrom = bad }, ApiJson.Options);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull(JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["errors"]!["validFrom"]);
        }

        using var anonymous = registry.CreateClient();
        async Task<(int Open, int Overdue, int Critical, int Major, int Minor, int Fixed)> At(string district, string? asOf)
        {
            var s = await OkAsync(anonymous, "/api/v1/defects/stats?district=" + district + (asOf is null ? "" : "&asOf=" + asOf));
            return ((int)s["open"]!, (int)s["overdue"]!, (int)s["bySeverity"]!["critical"]!, (int)s["bySeverity"]!["major"]!,
                (int)s["bySeverity"]!["minor"]!, (int)s["byStatus"]!["fixed"]!);
        }

        Assert.Equal((0, 0, 0, 0, 0, 0), await At("140881", "2025-01-09"));
        Assert.Equal((2, 0, 1, 0, 1, 0), await At("140881", "2025-01-12"));
        Assert.Equal((3, 0, 1, 1, 1, 1), await At("140881", "2025-02-15")); // D1 fixed (awaiting verification) is still open
        Assert.Equal((3, 1, 1, 1, 1, 1), await At("140881", "2025-03-15")); // D3 past its due date
        Assert.Equal((3, 2, 1, 1, 1, 1), await At("140881", "2025-04-30")); // and D2
        Assert.Equal((2, 1, 1, 0, 1, 1), await At("140881", "2025-05-31")); // D3 closed
        Assert.Equal((2, 1, 1, 0, 1, 1), await At("140881", null));
        Assert.Equal((2, 0, 1, 0, 1, 1), await At("140881001", "2025-03-15"));
        Assert.Equal((3, 2, 1, 1, 1, 1), await At("140800", "2025-04-30"));
    }

    /// <summary>Seven households whose works were completed on 2025-01-05, registered then (before the API could date a registration).</summary>
    private async Task<long[]> CompletedCasesAsync()
    {
        await using var scope = registry.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<PersonalDataProtector>();
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var cases = new List<RenovationCase>();
        for (var n = 0; n < 7; n++)
        {
            var id = RenovationApi.IdNumber("140881", "19600101", 300 + n);
            cases.Add(new RenovationCase
            {
                DistrictCode = "140881",
                Status = RenovationWorkflow.Completed,
                StatusChangedAt = Day(2025, 1, 5),
                PersonName = "历史户" + n.ToString(CultureInfo.InvariantCulture),
                IdNumberCipher = protector.Encrypt(id, "id_number"),
                IdNumberHash = protector.Hash(id),
                BirthYear = 1960,
                DisabilityCategory = "physical",
                DisabilityGrade = 1,
                Eligibility = "dibao",
                Address = "测试",
                Location = new Point(at[0], at[1]) { SRID = 4490 },
                IdentifiedOn = new DateOnly(2024, 6, 1),
                ContractedAt = Day(2024, 9, 1),
                CompletedAt = Day(2025, 1, 5),
                Subsidy = 5000,
                FinalCost = 6000,
            });
        }

        await using (var transaction = await EffectiveTime.BeginAsync(db, Day(2025, 1, 5), CancellationToken.None))
        {
            db.RenovationCases.AddRange(cases);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        return [.. cases.Select(c => c.Id)];
    }

    [Fact]
    public async Task Renovation_figures_count_acceptances_from_the_day_of_the_visit_and_stay_suppressed_below_5_on_any_date()
    {
        var ids = await CompletedCasesAsync();
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        // Accepted at visits on 2025-03-01 (3 households) and 2025-06-01 (2), recorded now.
        for (var i = 0; i < 5; i++)
        {
            var response = await admin.PostAsJsonAsync($"/api/v1/renovations/cases/{ids[i]}/transitions",
                new { to = "accepted", acceptanceNote = "验收合格", validFrom = i < 3 ? "2025-03-01" : "2025-06-01" }, ApiJson.Options);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        var early = await admin.PostAsJsonAsync($"/api/v1/renovations/cases/{ids[5]}/transitions",
            new { to = "accepted", validFrom = "2025-01-01" }, ApiJson.Options); // before the works were completed
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.NotNull(JsonNode.Parse(await early.Content.ReadAsStringAsync())!["errors"]!["validFrom"]);
        Assert.Equal(3L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'renovation_case' AND after->>'validFrom' = '2025-02-28T16:00:00Z'"));

        // Staff planning against the binding target (100 households, 2021–2025: 1826 days).
        async Task<(int Accepted, int Pipeline, int Elapsed, int Forecast)> Plan(string? asOf)
        {
            var plan = (await admin.GetFromJsonAsync<PlanningResponse>("/api/v1/renovations/planning?district=140881" + (asOf is null ? "" : "&asOf=" + asOf), ApiJson.Options))!;
            var t = Assert.Single(plan.Targets, t => t.Indicator == "household_renovations");
            return (t.Accepted, t.Pipeline, t.ElapsedDays, t.Forecast);
        }

        Assert.Equal((0, 0, 1461, 0), await Plan("2024-12-31"));
        Assert.Equal((0, 7, 1493, 0), await Plan("2025-02-01"));
        Assert.Equal((3, 4, 1552, 3), await Plan("2025-04-01"));   // ⌊3 × 1826 ÷ 1552⌋
        Assert.Equal((5, 2, 1643, 5), await Plan("2025-07-01"));   // ⌊5 × 1826 ÷ 1643⌋
        Assert.Equal((5, 2, 1826, 5), await Plan(null));

        // The public statistics: the county's households by status and year, counts below 5 withheld on every date.
        using var anonymous = registry.CreateClient();
        async Task<JsonObject?> County(string district, string asOf)
        {
            var s = await OkAsync(anonymous, "/api/v1/renovations/statistics?district=" + district + "&asOf=" + asOf);
            return s["districts"]!.AsArray().Select(d => d!.AsObject()).SingleOrDefault(d => (string?)d["districtCode"] == "140881");
        }

        int? Cell(JsonObject county, string status) =>
            (int?)county["cells"]!.AsArray().Single(c => (string?)c!["status"] == status && (int?)c["year"] == 2025)!["count"];

        Assert.Null(await County("140881", "2024-12-31"));
        var february = (await County("140881", "2025-02-01"))!;
        Assert.Equal(7, Cell(february, "completed"));
        foreach (var district in new[] { "140881", "140800" })
        {
            var april = (await County(district, "2025-04-01"))!;
            Assert.Null(Cell(april, "accepted"));  // 3
            Assert.Null(Cell(april, "completed")); // 4
            Assert.Equal(7, (int?)april["total"]!["count"]);
        }

        // The coverage panel's renovation targets: the staff see 3 accepted on 2025-04-01; the public nothing below 5.
        await using var scope = registry.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        async Task<int?> Panel(HouseholdView view, DateOnly date)
        {
            var figures = await CoverageEndpoints.IndicatorsAsync(db, "140881", 500, view, date, CancellationToken.None, new AsOf(date, DateTimeOffset.UtcNow));
            return (int?)figures!["renovations"]!["targets"]!.AsArray().Single(t => (string?)t!["indicator"] == "household_renovations")!["accepted"];
        }

        Assert.Equal(3, await Panel(HouseholdView.Staff, new DateOnly(2025, 4, 1)));
        Assert.Null(await Panel(HouseholdView.Public, new DateOnly(2025, 4, 1)));
        Assert.Equal(5, await Panel(HouseholdView.Public, new DateOnly(2025, 7, 1)));
    }

    [Fact]
    public async Task The_case_page_takes_the_date_of_an_acceptance_recorded_later_and_refuses_a_bad_one_at_the_field()
    {
        var ids = await CompletedCasesAsync();
        await AuthTestData.CreateUserAsync(registry, "zhao", Roles.DistrictAdmin, "140881");
        using var browser = new StaffBrowser(registry);
        Assert.True(await browser.SignInAsync("zhao", AuthTestData.Password));

        using var page = await browser.GetAsync($"/staff/cases/{ids[0]}");
        Assert.Contains("name=\"Step.ValidFrom\"", browser.LastHtml, StringComparison.Ordinal);
        using var future = await browser.PostFormAsync($"/staff/cases/{ids[0]}?handler=Step", [new("Step.To", "accepted"), new("Step.ValidFrom", "2099-01-01")]);
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Contains("id=\"step-accepted-validFrom-error\"", browser.LastHtml, StringComparison.Ordinal);

        using var page2 = await browser.GetAsync($"/staff/cases/{ids[0]}");
        using var accepted = await browser.PostFormAsync($"/staff/cases/{ids[0]}?handler=Step", [new("Step.To", "accepted"), new("Step.ValidFrom", "2025-03-01")]);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);

        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var plan = (await admin.GetFromJsonAsync<PlanningResponse>("/api/v1/renovations/planning?district=140881&asOf=2025-04-01", ApiJson.Options))!;
        Assert.Equal(1, Assert.Single(plan.Targets, t => t.Indicator == "household_renovations").Accepted);
        var before = (await admin.GetFromJsonAsync<PlanningResponse>("/api/v1/renovations/planning?district=140881&asOf=2025-02-28", ApiJson.Options))!;
        Assert.Equal(0, Assert.Single(before.Targets, t => t.Indicator == "household_renovations").Accepted);
    }

    private static object Target(string district, decimal value, string validFrom) => new
    {
        districtCode = district,
        indicator = "test_asof_targets",
        title = "测试指标",
        kind = "count",
        value,
        comparator = ">=",
        unit = "个",
        periodStart = 2021,
        periodEnd = 2025,
        binding = true,
        sourceDocument = "测试规划",
        validFrom,
    };

    [Fact]
    public async Task The_plan_targets_in_force_are_those_of_the_date_with_their_values_then()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140800");
        async Task<JsonObject> Create(string district, decimal value, string validFrom)
        {
            var response = await admin.PostAsJsonAsync("/api/v1/plan-targets", Target(district, value, validFrom), ApiJson.Options);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        }

        // T1 adopted 2024-01-01 at 10, raised to 20 from 2025-01-01; T2 adopted 2024-06-01, retired from 2025-03-01;
        // the prefecture's T3 adopted 2024-01-01.
        var t1 = await Create("140881", 10, "2024-01-01");
        var t2 = await Create("140881", 7, "2024-06-01");
        var t3 = await Create("140800", 30, "2024-01-01");
        var beforeChanges = DateTimeOffset.UtcNow;
        var raise = new HttpRequestMessage(HttpMethod.Put, "/api/v1/plan-targets/" + (long)t1["id"]!)
        {
            Content = JsonContent.Create(Target("140881", 20, "2025-01-01"), options: ApiJson.Options),
        };
        raise.Headers.TryAddWithoutValidation("If-Match", "\"" + (long)t1["version"]! + "\"");
        var raised = await admin.SendAsync(raise);
        Assert.True(raised.StatusCode == HttpStatusCode.OK, await raised.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri("/api/v1/plan-targets/" + (long)t2["id"]! + "?validFrom=2025-03-01", UriKind.Relative))).StatusCode);

        // A change dated before the target's current value took effect: 400 naming validFrom.
        var stale = new HttpRequestMessage(HttpMethod.Put, "/api/v1/plan-targets/" + (long)t1["id"]!)
        {
            Content = JsonContent.Create(Target("140881", 30, "2024-12-01"), options: ApiJson.Options),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"" + await registry.ScalarAsync<long>("SELECT xmin::text::bigint FROM plan_targets WHERE id = $1", (long)t1["id"]!) + "\"");
        var refused = await admin.SendAsync(stale);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotNull(JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["errors"]!["validFrom"]);

        using var anonymous = registry.CreateClient();
        async Task<string> At(string query)
        {
            var list = await OkAsync(anonymous, "/api/v1/plan-targets?" + query);
            return string.Join(" ", list["items"]!.AsArray().Where(t => (string?)t!["indicator"] == "test_asof_targets")
                .Select(t => (string)t!["districtCode"]! + ":" + ((decimal)t["value"]!).ToString("0", CultureInfo.InvariantCulture)));
        }

        Assert.Equal("", await At("district=140881&asOf=2023-12-31"));
        Assert.Equal("140881:10", await At("district=140881&asOf=2024-03-01"));
        Assert.Equal("140881:10 140881:7", await At("district=140881&asOf=2024-12-31"));
        Assert.Equal("140881:20 140881:7", await At("district=140881&asOf=2025-02-01"));
        Assert.Equal("140881:20", await At("district=140881&asOf=2025-06-01"));
        Assert.Equal("140881:20", await At("district=140881"));
        Assert.Equal("140800:30 140881:20", await At("district=140881001&ancestors=true&asOf=2025-06-01"));
        Assert.Equal("140800:30", await At("district=140800&asOf=2024-01-01"));
        // As known before the change and the retirement were entered.
        Assert.Equal("140881:10 140881:7", await At("district=140881&asOf=2025-06-01&knownAt=" + Uri.EscapeDataString(Text(beforeChanges))));
        Assert.Equal("2024-12-31T16:00:00Z", await registry.ScalarAsync<string>(
            "SELECT after->>'validFrom' FROM audit_entries WHERE entity_type = 'plan_target' AND entity_id = $1 AND action = 'update'", ((long)t1["id"]!).ToString(CultureInfo.InvariantCulture)));
        Assert.NotNull(t3);
    }

    [Theory]
    [InlineData("/api/v1/inspections/schedule?district=140881&asOf=2025-13-01", "asOf")]
    [InlineData("/api/v1/defects/stats?district=140881&asOf=2099-01-01", "asOf")]
    [InlineData("/api/v1/defects/stats?district=140881&knownAt=2025-01-01T00:00:00Z", "knownAt")]
    [InlineData("/api/v1/renovations/statistics?district=140881&asOf=2025-12-31&knownAt=yesterday", "knownAt")]
    [InlineData("/api/v1/plan-targets?district=140881&asOf=31.12.2025", "asOf")]
    public async Task A_bad_date_is_a_400_naming_its_parameter(string path, string field)
    {
        using var anonymous = registry.CreateClient();
        var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    [Fact]
    public async Task A_bad_date_of_the_planning_is_a_400_naming_it()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var response = await admin.GetAsync(new Uri("/api/v1/renovations/planning?district=140881&asOf=2099-01-01", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["asOf"]);
    }
}
