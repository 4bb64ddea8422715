using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Coverage.GapFixture;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Coverage;

/// <summary>
/// The differencing attacks on household figures, tried as the public would (anonymous, an inspector of the district,
/// a planner of another county): many <c>metres</c> values, many <c>cell</c> sizes, what-if points around the homes,
/// a parent against its children, months against a target's total, the statistics' cells against their totals, and
/// one endpoint against another. Nothing below 5 may be published, nothing below 5 may be derivable by subtraction, and
/// no public answer may tell whether a few households exist or where exactly one of them lives.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class HouseholdPrivacyTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string County = "140881";
    private const string OtherTownship = "140881002";
    private const int Threshold = 5;

    private static readonly int[] MetresValues = [50, 100, 150, 200, 250, 300, 350, 400, 450, 499, 500, 501, 600, 800, 1000, 2000, 5000];
    private static readonly int[] CellSizes = [100, 130, 170, 200, 250, 300, 400, 500, 700, 1000, 2000, 5000];
    private static readonly int[] MonthCounts = [1, 2, 3, 6, 12, 24, 120];

    public Task InitializeAsync() => PrepareAsync(registry);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A toilet at the centre of cell A with a public building next to it, and a bus stop 2 km east.</summary>
    private async Task FacilitiesAsync()
    {
        await FacilityAsync(registry, "accessible_toilet", "operational", I0, J0, name: "T");
        await FacilityAsync(registry, "public_building", "operational", I0, J0, 50, 0, "P");
        await FacilityAsync(registry, "bus_stop", "operational", I0, J0, 2000, 0, "S");
    }

    /// <summary>
    /// Every public answer an attacker would collect, as served (path, body): anonymously, and with
    /// <paramref name="everyCaller"/> also as an inspector of the district and as a planner of another county.
    /// </summary>
    private async Task<List<(string Path, string Body)>> PublicAnswersAsync(bool everyCaller = false)
    {
        var paths = new List<string>();
        foreach (var m in MetresValues)
        {
            paths.Add($"/api/v1/coverage/{County}?metres={m}");
            paths.Add($"/api/v1/coverage/{Township}?metres={m}");
            paths.Add($"/api/v1/coverage?parent={County}&metres={m}");
        }

        paths.Add("/api/v1/coverage?parent=140800");
        paths.Add("/api/v1/coverage/140000");
        foreach (var cell in CellSizes)
        {
            foreach (var m in new[] { 100, 500, 2000 })
            {
                paths.Add($"/api/v1/coverage/{Township}/gaps?cell={cell}&metres={m}");
            }

            paths.Add($"/api/v1/coverage/{County}/gaps?cell={cell}");
            paths.Add($"/api/v1/coverage/{Township}/candidates?cell={cell}&count=50");
        }

        foreach (var (dx, dy) in new[] { (0.0, 0.0), (100.0, 0.0), (300.0, 0.0), (600.0, 0.0), (1500.0, 0.0), (2000.0, 300.0) })
        {
            var (lon, lat) = await LonLatAsync(registry, I0, J0, dx, dy);
            foreach (var m in new[] { 50, 150, 500, 1000 })
            {
                paths.Add(string.Create(CultureInfo.InvariantCulture, $"/api/v1/coverage/{Township}/what-if?lon={lon:R}&lat={lat:R}&metres={m}"));
            }
        }

        foreach (var months in MonthCounts)
        {
            paths.Add($"/api/v1/coverage/{County}/trends?months={months}");
            paths.Add($"/api/v1/coverage/{Township}/trends?months={months}");
        }

        paths.AddRange(["/api/v1/renovations/statistics", $"/api/v1/renovations/statistics?district={County}", "/api/v1/renovations/statistics?district=140800"]);

        using var anonymous = registry.CreateClient();
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, County);
        using var stranger = await registry.CreateUserClientAsync(Roles.Planner, "410307");
        var answers = new List<(string, string)>();
        var callers = everyCaller ? new[] { ("anonymous", anonymous), ("inspector", inspector), ("planner of 410307", stranger) } : [("anonymous", anonymous)];
        foreach (var (who, client) in callers)
        {
            foreach (var path in paths)
            {
                var response = await client.GetAsync(Url(path));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{who} {path}: {body}");
                answers.Add(($"{who} {path}", body));
            }
        }

        return answers;
    }

    private static void AssertSame(List<(string Path, string Body)> before, List<(string Path, string Body)> after, string what)
    {
        Assert.Equal(before.Count, after.Count);
        for (var k = 0; k < before.Count; k++)
        {
            Assert.True(before[k].Body == after[k].Body, $"{what}: {before[k].Path} differs:\n{before[k].Body}\n{after[k].Body}");
        }
    }

    [Fact]
    public async Task No_public_answer_tells_whether_a_few_households_exist()
    {
        await FacilitiesAsync();
        var without = await PublicAnswersAsync();

        // Three renovated households next to the toilet and one 1.5 km away, one of them followed up, and one in progress.
        await HouseholdsAsync(registry, 2, I0, J0, 100, 0);
        await HouseholdsAsync(registry, 1, I0, J0, 300, 0, "followed_up");
        await HouseholdsAsync(registry, 1, I0, J0, 1500, 0, "in_progress");
        AssertSame(without, await PublicAnswersAsync(), "with 4 households");
    }

    [Fact]
    public async Task No_public_answer_changes_when_one_household_moves_a_few_hundred_metres()
    {
        await FacilitiesAsync();
        // Six households 100–150 m from the toilet, six 2 km away: enough for the county's reach to be published.
        await HouseholdsAsync(registry, 6, I0, J0, 100, 0);
        await HouseholdsAsync(registry, 6, I0, J0, 2000, 200);
        var before = await PublicAnswersAsync();

        using var planner = await registry.CreateUserClientAsync(Roles.Planner, County);
        const string Gaps = "/api/v1/coverage/" + Township + "/gaps?cell=100&metres=100";
        var staffBefore = await planner.GetStringAsync(Url(Gaps));

        // The nearest household moves 300 m east (still within 500 m of the toilet).
        await ExecAsync(registry, """
            UPDATE renovation_cases SET location = ST_Transform(ST_Translate(ST_Transform(location, 4525), 300, 0), 4490)
            WHERE id = (SELECT min(id) FROM renovation_cases)
            """);
        Assert.NotEqual(staffBefore, await planner.GetStringAsync(Url(Gaps))); // the district's staff do see the move
        AssertSame(before, await PublicAnswersAsync(), "after the move");
    }

    /// <summary>
    /// 城西街道 (140881001): 3 renovated households 100 m from the toilet (accepted in July 2024), one approved, one in
    /// progress, one contracted. 140881002: 9 renovated households 2 km away (6 accepted in June 2024, 3 this month).
    /// So 永济市's reach at 500 m is 3 of 12, its 2021–2025 targets have 9 accepted, and its statistics for this year
    /// hold accepted 12, approved 1, in progress 1, contracted 1.
    /// </summary>
    [Fact]
    public async Task Nothing_below_5_is_published_nor_derivable_by_differencing()
    {
        await FacilitiesAsync();
        await HouseholdsAsync(registry, 3, I0, J0, 100, 0, acceptedAt: "timestamptz '2024-07-01 10:00+08'");
        foreach (var status in new[] { "approved", "in_progress", "contracted" })
        {
            await HouseholdsAsync(registry, 1, I0, J0, 200, 0, status);
        }

        await HouseholdsAsync(registry, 6, I0, J0, 2000, 200, acceptedAt: "timestamptz '2024-06-01 10:00+08'", township: OtherTownship);
        await HouseholdsAsync(registry, 3, I0, J0, 2000, 300, township: OtherTownship);

        // The district's planner is answered first, so a cached staff answer would be served to the public next.
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, County);
        foreach (var m in MetresValues)
        {
            var staff = JsonNode.Parse(await planner.GetStringAsync(Url($"/api/v1/coverage/{County}?metres={m}")))!;
            Assert.NotNull(staff["toiletReach"]!["households"]!["covered"]);
        }

        var staffReach = JsonNode.Parse(await planner.GetStringAsync(Url($"/api/v1/coverage/{County}")))!["toiletReach"]!["households"]!;
        Assert.Equal(3, (int)staffReach["covered"]!);
        Assert.Equal(12, (int)staffReach["total"]!);
        var staffTrend = JsonNode.Parse(await planner.GetStringAsync(Url($"/api/v1/coverage/{County}/trends?months=120")))!;
        Assert.Equal(12, staffTrend["series"]!["renovationsAccepted"]!.AsArray().Sum(v => (int)v!));

        var answers = (await PublicAnswersAsync(everyCaller: true)).ToDictionary(a => a.Path, a => JsonNode.Parse(a.Body)!);
        foreach (var who in new[] { "anonymous", "inspector", "planner of 410307" })
        {
            JsonNode Get(string path) => answers[$"{who} {path}"];
            foreach (var (path, body) in answers.Where(a => a.Key.StartsWith(who + " ", StringComparison.Ordinal)))
            {
                AssertNoSmallFigure(path, body);
            }

            // Household reach is not steerable: no household figure at any radius but the default.
            foreach (var m in MetresValues.Where(m => m != 500))
            {
                var households = Get($"/api/v1/coverage/{County}?metres={m}")["toiletReach"]!["households"];
                Assert.True(households is null || (households["total"] is null && households["covered"] is null), $"{who} metres={m}: {households}");
            }

            foreach (var m in MetresValues)
            {
                var c = Get($"/api/v1/coverage/{County}?metres={m}");
                AssertReachLine(who + " county at " + m, c["toiletReach"]!);
                var list = Get($"/api/v1/coverage?parent={County}&metres={m}");
                AssertParentAndChildren(who + " parent at " + m, list);
                Assert.Equal(c["toiletReach"]!.ToJsonString(), list["parent"]!["toiletReach"]!.ToJsonString());
            }

            AssertParentAndChildren(who + " prefecture", Get("/api/v1/coverage?parent=140800"));
            AssertMonthsAgainstTargets(who, Get($"/api/v1/coverage/{County}/trends?months=120"), Get($"/api/v1/coverage/{County}?metres=500"));

            var statistics = Get($"/api/v1/renovations/statistics?district={County}");
            foreach (var district in statistics["districts"]!.AsArray())
            {
                AssertStatisticsLines(who, district!);
            }

            AssertReachAgainstStatistics(who, Get($"/api/v1/coverage/{County}?metres=500")["toiletReach"]!["households"]!, statistics);

            foreach (var (path, body) in answers.Where(a => a.Key.StartsWith(who + " ", StringComparison.Ordinal)
                         && (a.Key.Contains("/gaps", StringComparison.Ordinal) || a.Key.Contains("/candidates", StringComparison.Ordinal) || a.Key.Contains("/what-if", StringComparison.Ordinal))))
            {
                Assert.True((string?)body["households"] == "none", $"{path}: households {body["households"]}");
            }
        }
    }

    /// <summary>Every household count in the answer is absent, null or at least 5.</summary>
    private static void AssertNoSmallFigure(string path, JsonNode body)
    {
        void Check(JsonNode? value, string what)
        {
            if (value is JsonValue v && v.TryGetValue<long>(out var n))
            {
                Assert.True(n >= Threshold, $"{path}: {what} = {n}");
            }
        }

        if (body["toiletReach"]?["households"] is JsonObject households)
        {
            Check(households["total"], "households.total");
            Check(households["covered"], "households.covered");
            Check(households["uncovered"], "households.uncovered");
        }

        foreach (var child in body["children"]?.AsArray() ?? [])
        {
            AssertNoSmallFigure(path + " child " + child!["code"], child);
        }

        if (body["parent"] is JsonObject parent)
        {
            AssertNoSmallFigure(path + " parent", parent);
        }

        foreach (var t in body["renovations"]?["targets"]?.AsArray() ?? [])
        {
            Check(t!["accepted"], "target accepted");
            Check(t["pipeline"], "target pipeline");
            Check(t["forecast"], "target forecast");
        }

        foreach (var v in body["series"]?["renovationsAccepted"]?.AsArray() ?? [])
        {
            Check(v, "renovations accepted in a month");
        }

        foreach (var d in body["districts"]?.AsArray() ?? [])
        {
            foreach (var cell in d!["cells"]!.AsArray().Concat(d["byYear"]!.AsArray()).Concat(d["byStatus"]!.AsArray()).Append(d["total"]))
            {
                Check(cell!["count"], $"statistics {d["districtCode"]} {cell["status"]} {cell["year"]}");
            }
        }
    }

    /// <summary>What subtracting the shown parts from a shown total yields must be 0 (nothing hidden) or at least 5.</summary>
    private static void AssertRemainder(string what, long? total, IEnumerable<long?> parts)
    {
        if (total is not { } t)
        {
            return;
        }

        var list = parts.ToList();
        var remainder = t - list.Sum(p => p ?? 0);
        var hidden = list.Count(p => p is null);
        Assert.True(remainder == 0 || (remainder >= Threshold && hidden != 1), $"{what}: total {t} minus the shown parts leaves {remainder} in {hidden} hidden part(s)");
    }

    private static long? Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    /// <summary>Covered and not covered against the households' total, and the merged demand against its public parts.</summary>
    private static void AssertReachLine(string what, JsonNode reach)
    {
        var households = reach["households"];
        AssertRemainder(what + " households", Long(households?["total"]), [Long(households?["covered"]), Long(households?["uncovered"])]);
        AssertRemainder(what + " demand points", Long(reach["demandPoints"]),
            [Long(reach["publicBuildings"]!["total"]), Long(reach["busStops"]!["total"]), Long(households?["total"]) ?? 0]);
        AssertRemainder(what + " covered points", Long(reach["covered"]),
            [Long(reach["publicBuildings"]!["covered"]), Long(reach["busStops"]!["covered"]), Long(households?["covered"]) ?? 0]);
    }

    /// <summary>A parent's household figures against the sum of its children's.</summary>
    private static void AssertParentAndChildren(string what, JsonNode list)
    {
        var children = list["children"]!.AsArray().Select(c => c!["toiletReach"]!["households"]).ToList();
        foreach (var field in new[] { "total", "covered", "uncovered" })
        {
            AssertRemainder($"{what} households.{field}", Long(list["parent"]!["toiletReach"]!["households"]?[field]), children.Select(c => Long(c?[field])));
        }
    }

    /// <summary>The months of a target's period against the households accepted in it.</summary>
    private static void AssertMonthsAgainstTargets(string who, JsonNode trends, JsonNode coverage)
    {
        var months = trends["months"]!.AsArray().Select(m => (string)m!).ToList();
        var accepted = trends["series"]!["renovationsAccepted"]!.AsArray().Select(Long).ToList();
        foreach (var t in coverage["renovations"]!["targets"]!.AsArray())
        {
            var from = string.Create(CultureInfo.InvariantCulture, $"{(int)t!["periodStart"]!}-01");
            var to = string.Create(CultureInfo.InvariantCulture, $"{(int)t["periodEnd"]!}-12");
            Assert.True(string.CompareOrdinal(months[0], from) <= 0, "the window covers the period");
            var inPeriod = months.Select((m, k) => (m, k)).Where(x => string.CompareOrdinal(x.m, from) >= 0 && string.CompareOrdinal(x.m, to) <= 0).Select(x => accepted[x.k]);
            AssertRemainder($"{who} months of target {t["indicator"]}", Long(t["accepted"]), inPeriod);
        }
    }

    /// <summary>Each line of a county's statistics (a year, a status, the margins) against its total.</summary>
    private static void AssertStatisticsLines(string who, JsonNode district)
    {
        var cells = district["cells"]!.AsArray().Select(c => ((string)c!["status"]!, (int)c["year"]!, Long(c["count"]))).ToList();
        foreach (var y in district["byYear"]!.AsArray())
        {
            AssertRemainder($"{who} year {y!["year"]}", Long(y["count"]), cells.Where(c => c.Item2 == (int)y["year"]!).Select(c => c.Item3));
        }

        foreach (var s in district["byStatus"]!.AsArray())
        {
            AssertRemainder($"{who} status {s!["status"]}", Long(s["count"]), cells.Where(c => c.Item1 == (string)s["status"]!).Select(c => c.Item3));
        }

        AssertRemainder($"{who} years", Long(district["total"]!["count"]), district["byYear"]!.AsArray().Select(y => Long(y!["count"])));
        AssertRemainder($"{who} statuses", Long(district["total"]!["count"]), district["byStatus"]!.AsArray().Select(s => Long(s!["count"])));
    }

    /// <summary>The county's renovated households in the reach against the statistics' accepted and followed-up totals.</summary>
    private static void AssertReachAgainstStatistics(string who, JsonNode households, JsonNode statistics)
    {
        var county = statistics["districts"]!.AsArray().SingleOrDefault(d => (string?)d!["districtCode"] == County);
        var byStatus = county?["byStatus"]!.AsArray() ?? [];
        long? Status(string s)
        {
            var line = byStatus.SingleOrDefault(x => (string?)x!["status"] == s);
            return line is null ? (county is null ? null : 0) : Long(line["count"]);
        }

        AssertRemainder($"{who} reach against statistics", Long(households["total"]), [Status("accepted"), Status("followed_up")]);
    }
}
