using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Coverage;

/// <summary>
/// The indicators against a hand-computed fixture: 城西街道 (140881001) of 永济市 given a 0.02° square boundary and
/// 20,000 residents. At 34.867° N one degree of longitude is about 91.3 km and one of latitude about 111 km.
/// <list type="bullet">
/// <item>toilets: T1 operational at (110.4470, 34.8670), T2 unusable at (110.4550, 34.8750);</item>
/// <item>public buildings: B1 0.003° east of T1 (≈274 m, reached), B2 0.010° east (≈913 m, not);</item>
/// <item>bus stops: S1 0.003° north (≈333 m, reached), S3 0.005° south (≈555 m: reached at 600 m only),
/// S2 under construction (no demand);</item>
/// <item>disability services: D1 operational in 140881001; D2 unusable in 140881002;</item>
/// <item>main roads: R1 accessible, R2 with partial tactile paving, both 0.005° of latitude long; R3 secondary;</item>
/// <item>inspections: T1 today (on time), B1 three years ago (overdue); defects on T1: one open critical, two
/// verified after 6 and 10 days (median 8).</item>
/// </list>
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class CoverageEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Township = "140881001";

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            UPDATE districts SET boundary = ST_Multi(ST_MakeEnvelope(110.44, 34.86, 110.46, 34.88, 4490)), population = 20000
            WHERE code = '140881001';
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, external_id, created_at, updated_at)
            SELECT kind, ext, ST_SetSRID(ST_MakePoint(x, y), 4490), '{}'::jsonb, status, '140881', town, 'test', ext, now(), now()
            FROM (VALUES
              ('accessible_toilet', 'T1', 110.4470, 34.8670, 'operational', '140881001'),
              ('accessible_toilet', 'T2', 110.4550, 34.8750, 'unusable', '140881001'),
              ('public_building', 'B1', 110.4500, 34.8670, 'operational', '140881001'),
              ('public_building', 'B2', 110.4570, 34.8670, 'defective_usable', '140881001'),
              ('bus_stop', 'S1', 110.4470, 34.8700, 'operational', '140881001'),
              ('bus_stop', 'S2', 110.4471, 34.8671, 'under_construction', '140881001'),
              ('bus_stop', 'S3', 110.4470, 34.8620, 'operational', '140881001'),
              ('disability_service', 'D1', 110.4520, 34.8720, 'operational', '140881001'),
              ('disability_service', 'D2', 110.4000, 34.8300, 'unusable', '140881002')) v(kind, ext, x, y, status, town);
            INSERT INTO road_segments (name, road_class, geometry, sidewalk_width_m, curb_ramp_start, curb_ramp_end, tactile_paving,
                                       attributes, status, district_code, township_code, source, created_at, updated_at)
            VALUES
              ('R1', 'main', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.445, 34.865), ST_MakePoint(110.445, 34.870)), 4490), 2.0, true, true, 'continuous', '{}', 'operational', '140881', '140881001', 'test', now(), now()),
              ('R2', 'main', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.450, 34.865), ST_MakePoint(110.450, 34.870)), 4490), 2.0, true, true, 'partial', '{}', 'operational', '140881', '140881001', 'test', now(), now()),
              ('R3', 'secondary', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.455, 34.865), ST_MakePoint(110.455, 34.870)), 4490), 2.0, true, true, 'continuous', '{}', 'operational', '140881', '140881001', 'test', now(), now());
            WITH i AS (
              INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                       facility_status, answers, photo_ids, source, created_at)
              SELECT gen_random_uuid(), 'test' || f.id, f.id, f.district_code, '测试检查员',
                     CASE f.external_id WHEN 'T1' THEN now() ELSE now() - interval '3 years' END, 'fail', f.status, '[]'::jsonb, '{}', 'test', now()
              FROM facilities f WHERE f.external_id IN ('T1', 'B1')
              RETURNING id, facility_id)
            INSERT INTO defects (facility_id, inspection_id, district_code, item, severity, status, due_at, location, created_at, updated_at, closed_at)
            SELECT i.facility_id, i.id, '140881', 'door_width', d.severity, d.status, now() + interval '30 days', f.geometry,
                   now() - d.created, now(), now() - d.closed
            FROM i JOIN facilities f ON f.id = i.facility_id AND f.external_id = 'T1'
            CROSS JOIN (VALUES ('critical', 'open', interval '1 day', NULL::interval),
                               ('major', 'verified', interval '10 days', interval '4 days'),
                               ('minor', 'verified', interval '20 days', interval '10 days')) d(severity, status, created, closed);
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> GetAsync(string path)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(path));
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }

    [Fact]
    public async Task Township_indicators_match_the_hand_count()
    {
        var c = await GetAsync("/api/v1/coverage/" + Township);
        Assert.Equal("township", (string?)c["level"]);

        var area = await registry.ScalarAsync<double>("SELECT ST_Area(boundary::geography) / 1e6 FROM districts WHERE code = '140881001'");
        var facilities = c["facilities"]!;
        Assert.Equal(9 - 1, (int)facilities["total"]!); // D2 lies in another township
        Assert.Equal(7, (int)facilities["inService"]!); // S2 under construction
        Assert.Equal(3.5m, (decimal)facilities["per10kResidents"]!); // 7 × 10,000 ÷ 20,000
        Assert.Equal(Math.Round((decimal)(7 / area), 4), (decimal)facilities["perKm2"]!);
        var busStops = facilities["byKind"]!.AsArray().Single(k => (string?)k!["kind"] == "bus_stop")!;
        Assert.Equal(3, (int)busStops["total"]!);
        Assert.Equal(2, (int)busStops["inService"]!);
        Assert.Equal(1, (int)busStops["byStatus"]!["under_construction"]!);
        Assert.Equal(1.0m, (decimal)busStops["per10kResidents"]!);
        Assert.Equal(1, (int)facilities["byStatus"]!["unusable"]!);
        Assert.NotNull((string?)facilities["definition"]!["zh"]);

        var reach = c["toiletReach"]!;
        Assert.Equal(500, (int)reach["metres"]!);
        Assert.Equal(4, (int)reach["demandPoints"]!); // B1, B2, S1, S3
        Assert.Equal(2, (int)reach["covered"]!); // B1, S1
        Assert.Equal(0.5m, (decimal)reach["share"]!);
        Assert.Equal(1, (int)reach["publicBuildings"]!["covered"]!);
        Assert.True((bool)reach["households"]!["suppressed"]!); // public: households only for a county
        Assert.Null(reach["households"]!["total"]);
        Assert.False((bool)reach["householdsInDemand"]!);

        var wider = (await GetAsync("/api/v1/coverage/" + Township + "?metres=600"))["toiletReach"]!;
        Assert.Equal(0.75m, (decimal)wider["share"]!); // S3 joins

        var service = c["townshipService"]!;
        Assert.Equal(1, (int)service["townships"]!);
        Assert.Equal(1m, (decimal)service["share"]!);

        var roads = c["mainRoads"]!;
        Assert.Equal(2, (int)roads["segments"]!);
        Assert.Equal(0.5m, (decimal)roads["share"]!); // R1 of R1 + R2, equal lengths
        Assert.InRange((double)roads["accessibleLengthM"]!, 554, 556);

        var inspections = c["inspections"]!;
        Assert.Equal(7, (int)inspections["facilities"]!);
        Assert.Equal(1, (int)inspections["onTime"]!);
        Assert.Equal(1, (int)inspections["overdue"]!);
        Assert.Equal(5, (int)inspections["never"]!);
        Assert.Equal(0.1429m, (decimal)inspections["withinIntervalShare"]!);

        var defects = c["defects"]!;
        Assert.Equal(1, (int)defects["open"]!);
        Assert.Equal(1, (int)defects["openBySeverity"]!["critical"]!);
        Assert.Equal(0, (int)defects["openBySeverity"]!["major"]!);
        Assert.Equal(8.0m, (decimal)defects["medianDaysToRepair"]!);
        Assert.NotNull(c["renovations"]!["targets"]);
    }

    [Fact]
    public async Task County_counts_its_townships_and_children_are_listed_for_comparison()
    {
        var townships = await registry.ScalarAsync<long>("SELECT count(*) FROM districts WHERE level = 4 AND code LIKE '140881%'");
        var list = await GetAsync("/api/v1/coverage?parent=140881");
        var county = list["parent"]!;
        Assert.Equal(9, (int)county["facilities"]!["total"]!);
        Assert.Equal((int)townships, (int)county["townshipService"]!["townships"]!);
        Assert.Equal(1, (int)county["townshipService"]!["served"]!); // D2 is unusable
        Assert.Equal(Math.Round(1m / townships, 4), (decimal)county["townshipService"]!["share"]!);
        Assert.Equal((int)townships, list["children"]!.AsArray().Count);
        var first = list["children"]!.AsArray().Single(x => (string?)x!["code"] == Township)!;
        Assert.Equal(0.5m, (decimal)first["toiletReach"]!["share"]!);
    }

    [Fact]
    public async Task Xuecheng_is_measured_against_its_binding_target()
    {
        var c = await GetAsync("/api/v1/coverage/370403");
        var target = c["townshipService"]!["target"]!;
        Assert.True((bool)target["binding"]!);
        Assert.Equal(1m, (decimal)target["value"]!);
        Assert.False((bool)target["met"]!);
        Assert.Equal(0m, (decimal)c["townshipService"]!["share"]!);
    }

    [Theory]
    [InlineData("/api/v1/coverage/140881?metres=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/coverage/140881?metres=abc", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/coverage/xyz", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/coverage/140899", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/coverage", HttpStatusCode.BadRequest)]
    public async Task Bad_requests_are_problems(string path, HttpStatusCode status)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(path));
        Assert.Equal(status, response.StatusCode);
    }
}
