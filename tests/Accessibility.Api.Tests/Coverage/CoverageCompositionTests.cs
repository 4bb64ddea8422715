using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Coverage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Accessibility.Api.Tests.Coverage.GapFixture;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Coverage;

/// <summary>
/// The district panel of a prefecture (运城市 140800) and of the province (山西省 140000) added up from its counties'
/// partial figures (<see cref="CoverageComposition"/>) against the direct statement over all their rows
/// (<see cref="CoverageSql.FiguresAsync"/>), member by member, on records in three counties of 运城市 (盐湖区 140802,
/// 临猗县 140821, 永济市 140881): facilities of every kind and status, toilets near some demand, renovated households,
/// main roads, reports open and closed (an even count in the prefecture: the median between two), inspections on time,
/// due soon, overdue and never; then after writes between reads.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class CoverageCompositionTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly (string Code, string Prefix)[] Composed = [("140800", "1408"), ("140000", "14")];

    public Task InitializeAsync() => PrepareAsync(registry);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task SeedAsync()
    {
        await ExecAsync(registry, """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, external_id, created_at, updated_at)
            SELECT k.kind, c.county || '-' || n, ST_SetSRID(ST_MakePoint(c.lon + n * 0.0007, c.lat + (n % 3) * 0.0005), 4490), '{}',
                   (ARRAY['operational', 'defective_usable', 'under_construction', 'removed', 'operational'])[1 + (n % 5)],
                   c.county, CASE WHEN c.county = '140881' AND n % 2 = 0 THEN '140881001' END, 'test', c.county || '-' || k.kind || '-' || n, now(), now()
            FROM (VALUES ('140802', 111.00, 35.03), ('140821', 110.77, 35.14), ('140881', 110.45, 34.87)) c(county, lon, lat)
            CROSS JOIN (VALUES ('public_building'), ('bus_stop'), ('accessible_toilet'), ('curb_ramp'), ('disability_service')) k(kind)
            CROSS JOIN generate_series(0, 6) n;
            INSERT INTO road_segments (name, road_class, geometry, sidewalk_width_m, curb_ramp_start, curb_ramp_end, tactile_paving,
                                       attributes, status, district_code, township_code, source, created_at, updated_at)
            SELECT 'R' || n, 'main', ST_SetSRID(ST_MakeLine(ST_MakePoint(c.lon + n * 0.001, c.lat), ST_MakePoint(c.lon + n * 0.001, c.lat + 0.0041 * (n + 1))), 4490),
                   2.0, true, true, CASE WHEN n % 2 = 0 THEN 'continuous' ELSE 'partial' END, '{}', 'operational', c.county, NULL, 'test', now(), now()
            FROM (VALUES ('140802', 111.00, 35.03), ('140821', 110.77, 35.14), ('140881', 110.45, 34.87)) c(county, lon, lat)
            CROSS JOIN generate_series(0, 2) n;
            INSERT INTO reports (service_code, attributes, location, district_code, township_code, status, me_too_count, source, requested_at, updated_at, closed_at)
            SELECT 'blocked_tactile_paving', '{}', ST_SetSRID(ST_MakePoint(110.45, 34.87), 4490), county, NULL, status, 0, 'web',
                   now() - interval '40 days', now(), now() - interval '40 days' + took
            FROM (VALUES ('140881', 'new', NULL::interval), ('140881', 'closed', interval '4 days 3 hours'), ('140881', 'rejected', interval '2 days'),
                         ('140802', 'closed', interval '10 days 7 hours'), ('140802', 'accepted', NULL), ('140821', 'closed', interval '1 day 5 minutes')) v(county, status, took);
            INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result, facility_status, answers, photo_ids, source, created_at)
            SELECT gen_random_uuid(), 'fp' || f.id, f.id, f.district_code, '检查员', now() - (ARRAY[interval '1 month', interval '11 months 10 days', interval '13 months'])[1 + f.id % 3],
                   'pass', f.status, '[]', '{}', 'test', now()
            FROM facilities f WHERE f.id % 4 <> 0;
            """);
        await HouseholdsAsync(registry, 6, I0, J0);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Every member of the composed figures equals the direct statement's; returns how many counties were recomputed.</summary>
    private async Task<int> AssertComposedEqualsDirectAsync(string code, string prefix)
    {
        var composition = registry.Services.GetRequiredService<CoverageComposition>();
        await using var connection = await OpenAsync();
        var direct = JsonNode.Parse((await CoverageSql.FiguresAsync(connection, code, prefix, CoverageEndpoints.DefaultMetres, default))!)!.AsObject();
        var composed = await composition.TryComposeAsync(connection, code, prefix, CoverageEndpoints.DefaultMetres, default);
        Assert.NotNull(composed);
        var figures = JsonNode.Parse(composed.Value.Json!)!.AsObject();
        Assert.Equal(direct.Select(p => p.Key), figures.Select(p => p.Key));
        foreach (var (member, value) in direct)
        {
            Assert.True(JsonNode.DeepEquals(value, figures[member]), $"{code} {member}: direct {value?.ToJsonString()}, composed {figures[member]?.ToJsonString()}");
        }

        return composed.Value.Recomputed;
    }

    private async Task<JsonObject> GetAsync(string path)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(path));
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }

    [Fact]
    public async Task A_prefecture_and_the_province_added_up_from_their_counties_equal_the_direct_statement_and_follow_a_write()
    {
        await SeedAsync();
        foreach (var (code, prefix) in Composed)
        {
            await AssertComposedEqualsDirectAsync(code, prefix);
        }

        // The figures are not trivially empty: three counties' facilities, roads, reports, inspections.
        var before = await GetAsync("/api/v1/coverage/140800");
        Assert.Equal(105, (int)before["facilities"]!["total"]!);
        Assert.Equal(9, (int)before["mainRoads"]!["segments"]!);
        Assert.Equal(2, (int)before["reports"]!["open"]!);
        Assert.True((int)before["inspections"]!["overdue"]! > 0 && (int)before["inspections"]!["dueSoon"]! > 0 && (int)before["inspections"]!["never"]! > 0);
        var provinceBefore = await GetAsync("/api/v1/coverage/140000");

        // A write in one county: the next reads of its prefecture and province count it, recomputing that county alone.
        await ExecAsync(registry, """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, external_id, created_at, updated_at)
            VALUES ('public_building', 'new', ST_SetSRID(ST_MakePoint(110.7705, 35.1402), 4490), '{}', 'operational', '140821', NULL, 'test', 'new', now(), now());
            INSERT INTO reports (service_code, attributes, location, district_code, township_code, status, me_too_count, source, requested_at, updated_at, closed_at)
            VALUES ('blocked_tactile_paving', '{}', ST_SetSRID(ST_MakePoint(110.77, 35.14), 4490), '140821', NULL, 'closed', 0, 'web',
                    now() - interval '9 days', now(), now() - interval '2 days');
            """);
        var after = await GetAsync("/api/v1/coverage/140800");
        Assert.Equal(106, (int)after["facilities"]!["total"]!);
        Assert.Equal((int)before["toiletReach"]!["publicBuildings"]!["total"]! + 1, (int)after["toiletReach"]!["publicBuildings"]!["total"]!);
        Assert.Equal((int)before["reports"]!["closed"]! + 1, (int)after["reports"]!["closed"]!);
        Assert.Equal((int)provinceBefore["facilities"]!["total"]! + 1, (int)(await GetAsync("/api/v1/coverage/140000"))["facilities"]!["total"]!);
        foreach (var (code, prefix) in Composed)
        {
            Assert.Equal(0, await AssertComposedEqualsDirectAsync(code, prefix)); // the reads above recomputed 140821 already
        }

        // Another write: the composed read recomputes the written county only, and still equals the direct statement.
        await ExecAsync(registry, "UPDATE facilities SET status = 'removed' WHERE external_id = '140802-bus_stop-1'");
        Assert.Equal(1, await AssertComposedEqualsDirectAsync("140800", "1408"));
        Assert.Equal(0, await AssertComposedEqualsDirectAsync("140000", "14"));
    }

    [Fact]
    public async Task A_record_whose_township_lies_outside_its_county_is_read_by_the_direct_statement()
    {
        await SeedAsync();
        var composition = registry.Services.GetRequiredService<CoverageComposition>();
        await using (var connection = await OpenAsync())
        {
            Assert.NotNull(await composition.TryComposeAsync(connection, "140800", "1408", CoverageEndpoints.DefaultMetres, default));
        }

        // 盐湖区's facility in a township of 永济市: counted in both counties' partials, once in the prefecture.
        await FacilityAsync(registry, "public_building", "operational", I0, J0, county: "140802", township: Township);
        await using (var connection = await OpenAsync())
        {
            Assert.Null(await composition.TryComposeAsync(connection, "140800", "1408", CoverageEndpoints.DefaultMetres, default));
            Assert.Null(await composition.TryComposeAsync(connection, "140000", "14", CoverageEndpoints.DefaultMetres, default));
            var direct = JsonNode.Parse((await CoverageSql.FiguresAsync(connection, "140800", "1408", CoverageEndpoints.DefaultMetres, default))!)!;
            Assert.Equal(106, (int)direct["facilities"]!["total"]!);
        }

        Assert.Equal(106, (int)(await GetAsync("/api/v1/coverage/140800"))["facilities"]!["total"]!);
    }
}
