using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Coverage.GapFixture;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Coverage;

/// <summary>
/// The indicators the first fixture (<see cref="CoverageEndpointsTests"/>) does not pin down, each against its own
/// hand count in 城西街道 (140881001) and 永济市 (140881): inspection states with due soon, defects by severity with
/// overdue and median days to repair, public reports, renovation progress, the monthly trends, and that a write is
/// visible on the next read although the indicators are cached.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class IndicatorFixtureTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => PrepareAsync(registry);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> GetAsync(string path, HttpClient? client = null)
    {
        using var anonymous = registry.CreateClient();
        var response = await (client ?? anonymous).GetAsync(Url(path));
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }

    /// <summary>
    /// In service: P1 (public building, 12-month interval) inspected 11 months 10 days ago (due in about 20 days:
    /// due soon), P2 a month ago (on time), P3 13 months ago (overdue), T (toilet, 3-month interval) 2 months 10 days
    /// ago (due soon), N (bus stop) never. Not in service: U under construction, X removed, both inspected long ago.
    /// Defects on P3: open critical past due (overdue), assigned major due next month, fixed minor awaiting
    /// verification, two verified (one reported fixed 3 days after it was found, one closed 5 days after without a
    /// fix report), one rejected.
    /// </summary>
    [Fact]
    public async Task Inspection_states_and_defects_match_the_hand_count()
    {
        await ExecAsync(registry, """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, external_id, created_at, updated_at)
            SELECT kind, ext, ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '{}', status, '140881', '140881001', 'test', ext, now(), now()
            FROM (VALUES ('public_building', 'P1', 'operational'), ('public_building', 'P2', 'operational'), ('public_building', 'P3', 'defective_usable'),
                         ('accessible_toilet', 'T', 'operational'), ('bus_stop', 'N', 'operational'),
                         ('bus_stop', 'U', 'under_construction'), ('bus_stop', 'X', 'removed')) v(kind, ext, status);
            INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result, facility_status, answers, photo_ids, source, created_at)
            SELECT gen_random_uuid(), 'fp' || f.id, f.id, '140881', '检查员', now() - v.ago, 'pass', f.status, '[]', '{}', 'test', now()
            FROM facilities f JOIN (VALUES ('P1', interval '11 months 10 days'), ('P2', interval '1 month'), ('P3', interval '13 months'),
                                           ('T', interval '2 months 10 days'), ('U', interval '3 years'), ('X', interval '3 years')) v(ext, ago)
              ON v.ext = f.external_id;
            WITH d AS (
              INSERT INTO defects (facility_id, district_code, item, severity, status, due_at, location, created_at, updated_at, closed_at)
              SELECT f.id, '140881', v.item, v.severity, v.status, now() + v.due, f.geometry, now() - v.found, now(), now() - v.found + v.closed
              FROM facilities f CROSS JOIN (VALUES
                ('a', 'critical', 'open', interval '-2 days', interval '20 days', NULL::interval),
                ('b', 'major', 'assigned', interval '30 days', interval '5 days', NULL),
                ('c', 'minor', 'fixed', interval '-1 day', interval '9 days', NULL),
                ('d', 'major', 'verified', interval '-30 days', interval '40 days', interval '12 days'),
                ('e', 'minor', 'verified', interval '-30 days', interval '30 days', interval '5 days'),
                ('f', 'critical', 'rejected', interval '-30 days', interval '30 days', interval '1 day')) v(item, severity, status, due, found, closed)
              WHERE f.external_id = 'P3'
              RETURNING id, item, created_at)
            INSERT INTO defect_events (defect_id, at, actor, to_status, photo_ids)
            SELECT d.id, d.created_at + interval '3 days', '整改单位', 'fixed', '{}' FROM d WHERE d.item = 'd';
            """);

        var c = await GetAsync("/api/v1/coverage/" + Township);
        var inspections = c["inspections"]!;
        Assert.Equal(5, (int)inspections["facilities"]!);
        Assert.Equal(1, (int)inspections["onTime"]!);
        Assert.Equal(2, (int)inspections["dueSoon"]!);
        Assert.Equal(1, (int)inspections["overdue"]!);
        Assert.Equal(1, (int)inspections["never"]!);
        Assert.Equal(0.6m, (decimal)inspections["withinIntervalShare"]!); // (1 + 2) ÷ 5

        var defects = c["defects"]!;
        Assert.Equal(3, (int)defects["open"]!); // open, assigned, fixed
        Assert.Equal(1, (int)defects["overdue"]!); // the open one past due; a fixed one awaits verification
        Assert.Equal(1, (int)defects["openBySeverity"]!["critical"]!);
        Assert.Equal(1, (int)defects["openBySeverity"]!["major"]!);
        Assert.Equal(1, (int)defects["openBySeverity"]!["minor"]!);
        Assert.Equal(2, (int)defects["repaired"]!);
        Assert.Equal(4.0m, (decimal)defects["medianDaysToRepair"]!); // median of 3 (reported fixed) and 5 (closed)
    }

    /// <summary>
    /// 城西街道: new, accepted (open); closed after 4 days, rejected after 2, closed after 10 (closed); 城东街道
    /// (140881002): closed after 1 day. Median days to close: 4 in the township; (2 + 4) ÷ 2 = 3 in the county.
    /// </summary>
    [Fact]
    public async Task Public_reports_are_counted_open_and_closed_with_the_median_days_to_close()
    {
        await ExecAsync(registry, """
            INSERT INTO reports (service_code, attributes, location, district_code, township_code, status, me_too_count, source, requested_at, updated_at, closed_at)
            SELECT 'blocked_tactile_paving', '{}', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '140881', town, status, 0, 'web',
                   now() - interval '30 days', now(), now() - interval '30 days' + took
            FROM (VALUES ('140881001', 'new', NULL::interval), ('140881001', 'accepted', NULL),
                         ('140881001', 'closed', interval '4 days'), ('140881001', 'rejected', interval '2 days'),
                         ('140881001', 'closed', interval '10 days'), ('140881002', 'closed', interval '1 day')) v(town, status, took);
            """);

        var township = (await GetAsync("/api/v1/coverage/" + Township))["reports"]!;
        Assert.Equal(2, (int)township["open"]!);
        Assert.Equal(3, (int)township["closed"]!);
        Assert.Equal(4.0m, (decimal)township["medianDaysToClose"]!);
        Assert.Contains("median", (string?)township["definition"]!["en"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)township["definition"]!["zh"]));

        var county = (await GetAsync("/api/v1/coverage/140881"))["reports"]!;
        Assert.Equal(2, (int)county["open"]!);
        Assert.Equal(4, (int)county["closed"]!);
        Assert.Equal(3.0m, (decimal)county["medianDaysToClose"]!);

        var none = (await GetAsync("/api/v1/coverage/140802"))["reports"]!;
        Assert.Equal(0, (int)none["open"]!);
        Assert.Null(none["medianDaysToClose"]);
    }

    /// <summary>
    /// 永济市's seeded targets for 2021–2025: 100 households (binding) and 150 (expected). Accepted inside the period:
    /// 7 (in 2024); accepted after it: 2; in the pipeline (approved to completed): 6; rejected: 1.
    /// </summary>
    [Fact]
    public async Task Renovation_progress_is_measured_against_each_target()
    {
        await HouseholdsAsync(registry, 7, I0, J0, acceptedAt: "timestamptz '2024-06-01 10:00+08'");
        await HouseholdsAsync(registry, 2, I0, J0, 100, 0, acceptedAt: "timestamptz '2026-01-10 10:00+08'");
        foreach (var status in new[] { "approved", "approved", "contracted", "in_progress", "in_progress", "completed", "rejected" })
        {
            await HouseholdsAsync(registry, 1, I0, J0, 200, 0, status);
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var start = new DateOnly(2021, 1, 1);
        var end = new DateOnly(2025, 12, 31);
        var periodDays = end.DayNumber - start.DayNumber + 1;
        var elapsed = Math.Clamp(today.DayNumber - start.DayNumber + 1, 0, periodDays);
        const int accepted = 7; // the two accepted in 2026 fall outside the period
        var forecast = elapsed >= periodDays ? accepted : (int)Math.Floor((decimal)accepted * periodDays / elapsed);

        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var renovations = (await GetAsync("/api/v1/coverage/140881", planner))["renovations"]!;
        var targets = renovations["targets"]!.AsArray();
        var binding = targets.Single(t => (string?)t!["indicator"] == "household_renovations")!;
        Assert.Equal(100m, (decimal)binding["value"]!);
        Assert.True((bool)binding["binding"]!);
        Assert.Equal(accepted, (int)binding["accepted"]!);
        Assert.Equal(6, (int)binding["pipeline"]!);
        Assert.Equal(forecast, (int)binding["forecast"]!);
        Assert.True((bool)binding["willMiss"]!);
        Assert.NotNull((string?)binding["warning"]);
        var expected = targets.Single(t => (string?)t!["indicator"] == "household_renovations_key_project")!;
        Assert.Equal(accepted, (int)expected["accepted"]!);
        Assert.True((bool)expected["willMiss"]!);
        Assert.Null(expected["warning"]); // expected, not binding: no warning
        Assert.False(string.IsNullOrEmpty((string?)renovations["definition"]!["en"]));

        // The public: the 7 accepted, but not the pipeline, whose statuses (2, 1, 2, 1) the statistics withhold.
        var open = (await GetAsync("/api/v1/coverage/140881"))["renovations"]!["targets"]!.AsArray()
            .Single(t => (string?)t!["indicator"] == "household_renovations")!;
        Assert.Equal(accepted, (int)open["accepted"]!);
        Assert.Equal(forecast, (int)open["forecast"]!);
        Assert.Null(open["pipeline"]);
        Assert.True((bool)open["willMiss"]!);

        // Below 5 the figures are withheld from the public, and so is the judgement resting on them; staff see them.
        await ExecAsync(registry, "UPDATE renovation_cases SET status = 'withdrawn' WHERE id IN (SELECT id FROM renovation_cases WHERE status = 'accepted' ORDER BY id LIMIT 4)");
        var few = (await GetAsync("/api/v1/coverage/140881"))["renovations"]!["targets"]!.AsArray()
            .Single(t => (string?)t!["indicator"] == "household_renovations")!;
        Assert.Null(few["accepted"]); // 3 left in the period
        Assert.Null(few["forecast"]);
        Assert.Null(few["willMiss"]);
        Assert.Null(few["warning"]);
        var staffFew = (await GetAsync("/api/v1/coverage/140881", planner))["renovations"]!["targets"]!.AsArray()
            .Single(t => (string?)t!["indicator"] == "household_renovations")!;
        Assert.Equal(3, (int)staffFew["accepted"]!);
        Assert.True((bool)staffFew["willMiss"]!);
    }

    /// <summary>
    /// Months M-3 … M (Asia/Shanghai) of 城西街道, by hand:
    /// facilities added: M-3 one; M-1 two on the 15th and one at 00:30 on the 1st (the previous day in UTC), one
    /// deleted and one in Yanshi not counted; one in M-5 outside the window → [1, 0, 3, 0].
    /// Inspections of F1: one in M-2, two now → [0, 1, 0, 2]. Defects of F1: found M-3 (verified in M-1), two found in
    /// M-1 (one open, one verified now) → found [1, 0, 2, 0], repaired [0, 0, 1, 1]. Reports: filed M-3 (accepted),
    /// M-2 (rejected in M-1), two in M-1 (one new, one closed now) → received [1, 1, 2, 0], closed [0, 0, 1, 1].
    /// Renovations accepted: 6 in M-2, 3 in M-1 → [0, 6, 3, 0] for the district's staff, every month withheld for others.
    /// </summary>
    [Fact]
    public async Task Trends_count_each_month_in_China_Standard_Time()
    {
        const string Month = "((date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - make_interval(months => {0}) + interval '{1}') AT TIME ZONE 'Asia/Shanghai')";
        static string At(int monthsAgo, string offset) => string.Format(CultureInfo.InvariantCulture, Month, monthsAgo, offset);
        await ExecAsync(registry, $$"""
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, external_id, created_at, updated_at, deleted_at)
            VALUES
              ('bus_stop', 'F1', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '{}', 'operational', '140881', '140881001', 'test', 'F1', {{At(1, "14 days 12 hours")}}, now(), NULL),
              ('bus_stop', 'F2', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '{}', 'operational', '140881', '140881001', 'test', 'F2', {{At(1, "14 days 12 hours")}}, now(), NULL),
              ('bus_stop', 'F3', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '{}', 'operational', '140881', '140881001', 'test', 'F3', {{At(1, "30 minutes")}}, now(), NULL),
              ('bus_stop', 'F4', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '{}', 'operational', '140881', '140881001', 'test', 'F4', {{At(3, "9 days")}}, now(), NULL),
              ('bus_stop', 'F5', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '{}', 'operational', '140881', '140881001', 'test', 'F5', {{At(1, "14 days")}}, now(), now()),
              ('bus_stop', 'F6', ST_SetSRID(ST_MakePoint(112.79, 34.727), 4490), '{}', 'operational', '410307', NULL, 'test', 'F6', {{At(1, "14 days")}}, now(), NULL),
              ('bus_stop', 'F7', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '{}', 'operational', '140881', '140881001', 'test', 'F7', {{At(5, "14 days")}}, now(), NULL);
            INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result, facility_status, answers, photo_ids, source, created_at)
            SELECT gen_random_uuid(), 'fp' || n, f.id, f.district_code, '检查员', CASE WHEN n = 0 THEN {{At(2, "4 days")}} ELSE now() END,
                   'pass', 'operational', '[]'::jsonb, '{}'::uuid[], 'test', now()
            FROM facilities f CROSS JOIN generate_series(0, 2) n WHERE f.external_id = 'F1'
            UNION ALL
            SELECT gen_random_uuid(), 'fp6', f.id, f.district_code, '检查员', now(), 'pass', 'operational', '[]'::jsonb, '{}'::uuid[], 'test', now()
            FROM facilities f WHERE f.external_id = 'F6';
            INSERT INTO defects (facility_id, district_code, item, severity, status, due_at, location, created_at, updated_at, closed_at)
            SELECT f.id, '140881', 'door_width', 'major', v.status, now(), f.geometry, v.found, now(), v.closed
            FROM facilities f CROSS JOIN (VALUES
              ('verified', {{At(3, "2 days")}}, {{At(1, "2 days")}}),
              ('open', {{At(1, "3 days")}}, NULL::timestamptz),
              ('verified', {{At(1, "4 days")}}, now())) v(status, found, closed)
            WHERE f.external_id = 'F1';
            INSERT INTO reports (service_code, attributes, location, district_code, township_code, status, me_too_count, source, requested_at, updated_at, closed_at)
            VALUES
              ('other', '{}', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '140881', '140881001', 'accepted', 0, 'web', {{At(3, "5 days")}}, now(), NULL),
              ('other', '{}', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '140881', '140881001', 'rejected', 0, 'web', {{At(2, "5 days")}}, now(), {{At(1, "1 day")}}),
              ('other', '{}', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '140881', '140881001', 'new', 0, 'web', {{At(1, "5 days")}}, now(), NULL),
              ('other', '{}', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '140881', '140881001', 'closed', 0, 'web', {{At(1, "6 days")}}, now(), now());
            """);
        await HouseholdsAsync(registry, 6, I0, J0, acceptedAt: At(2, "10 days"));
        await HouseholdsAsync(registry, 3, I0, J0, acceptedAt: At(1, "10 days"));

        var now = DateTime.UtcNow.AddHours(8);
        var months = Enumerable.Range(0, 4).Select(k => now.AddMonths(k - 3).ToString("yyyy-MM", CultureInfo.InvariantCulture)).ToArray();

        var t = await GetAsync($"/api/v1/coverage/{Township}/trends?months=4");
        Assert.Equal(Township, (string?)t["district"]);
        Assert.Equal(months, t["months"]!.AsArray().Select(m => (string)m!));
        int?[] Series(JsonObject o, string name) => o["series"]![name]!.AsArray().Select(v => v is null ? (int?)null : (int)v).ToArray();
        Assert.Equal([1, 0, 3, 0], Series(t, "facilitiesAdded"));
        Assert.Equal([0, 1, 0, 2], Series(t, "inspections"));
        Assert.Equal([1, 0, 2, 0], Series(t, "defectsFound"));
        Assert.Equal([0, 0, 1, 1], Series(t, "defectsRepaired"));
        Assert.Equal([1, 1, 2, 0], Series(t, "reportsReceived"));
        Assert.Equal([0, 0, 1, 1], Series(t, "reportsClosed"));
        Assert.Equal([null, null, null, null], Series(t, "renovationsAccepted"));
        Assert.Equal(5, (int)t["renovationsSuppressedBelow"]!);
        foreach (var (name, _) in t["series"]!.AsObject())
        {
            Assert.False(string.IsNullOrEmpty((string?)t["definitions"]![name]!["zh"]), name);
            Assert.False(string.IsNullOrEmpty((string?)t["definitions"]![name]!["en"]), name);
        }

        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var staff = await GetAsync($"/api/v1/coverage/{Township}/trends?months=4", planner);
        Assert.Equal([0, 6, 3, 0], Series(staff, "renovationsAccepted"));
        Assert.Null(staff["renovationsSuppressedBelow"]);

        // The default is 24 months ending with this one.
        var full = await GetAsync($"/api/v1/coverage/{Township}/trends");
        Assert.Equal(24, full["months"]!.AsArray().Count);
        Assert.Equal(months[^1], (string?)full["months"]![23]);
        Assert.Equal(5, Series(full, "facilitiesAdded").Sum()); // F7 (M-5) is inside 24 months
    }

    /// <summary>
    /// The indicators are cached under a change stamp that triggers bump, so a write shows on the next read: a public
    /// building 1.2 km from any toilet is uncovered; a toilet registered in the neighbouring 盐湖区 (140802) 100 m
    /// from it covers it (toilets serve across county borders); deleting the toilet uncovers it again; a report
    /// filed through SQL shows at once.
    /// </summary>
    [Fact]
    public async Task A_write_is_visible_on_the_next_read_of_the_cached_indicators()
    {
        await FacilityAsync(registry, "public_building", "operational", I0, J0, name: "B");
        await FacilityAsync(registry, "accessible_toilet", "operational", I0, J0, 1200, 0, "T0");
        const string Path = "/api/v1/coverage/" + Township;
        Assert.Equal(0m, (decimal)(await GetAsync(Path))["toiletReach"]!["share"]!);
        Assert.Equal(0m, (decimal)(await GetAsync(Path))["toiletReach"]!["share"]!); // served from the cache
        Assert.Equal(0m, (decimal)(await GetAsync("/api/v1/coverage?parent=140881"))["children"]!.AsArray()
            .Single(x => (string?)x!["code"] == Township)!["toiletReach"]!["share"]!);

        await FacilityAsync(registry, "accessible_toilet", "operational", I0, J0, 100, 0, "T1", county: "140802", township: null);
        Assert.Equal(1m, (decimal)(await GetAsync(Path))["toiletReach"]!["share"]!);
        Assert.Equal(1m, (decimal)(await GetAsync("/api/v1/coverage?parent=140881"))["children"]!.AsArray()
            .Single(x => (string?)x!["code"] == Township)!["toiletReach"]!["share"]!);

        await ExecAsync(registry, "UPDATE facilities SET deleted_at = now() WHERE external_id LIKE 'T1-%'");
        Assert.Equal(0m, (decimal)(await GetAsync(Path))["toiletReach"]!["share"]!);

        Assert.Equal(0, (int)(await GetAsync(Path))["reports"]!["open"]!);
        await ExecAsync(registry, """
            INSERT INTO reports (service_code, attributes, location, district_code, township_code, status, me_too_count, source, requested_at, updated_at)
            VALUES ('other', '{}', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), '140881', '140881001', 'new', 0, 'web', now(), now())
            """);
        Assert.Equal(1, (int)(await GetAsync(Path))["reports"]!["open"]!);
        Assert.Equal(1, (int)(await GetAsync("/api/v1/coverage/14"))["reports"]!["open"]!);
    }
}
