using System.Text.Json.Nodes;
using Accessibility.Api.Features.Coverage;
using Npgsql;
using static Accessibility.Api.Tests.Coverage.GapFixture;

namespace Accessibility.Api.Tests.Coverage;

/// <summary>
/// The toilet reach kept per demand point (<c>facility_toilet_reach</c>, migration <c>20261210120000_ToiletReachKept</c>):
/// after a toilet is added, moved, changes status, is deleted (softly and for good), and after a demand point moves,
/// changes status or is added, the kept rows are exactly what probing every demand point gives, and the county's panel
/// read from them equals the full statement's, member by member.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ToiletReachKeptTests(RegistryFixture registry) : IAsyncLifetime
{
    /// <summary>
    /// The kept rows that differ from a probe of every demand point, and the demand points without a kept row (0 when kept
    /// right): the coverage statement's own test (0.01° on geometry, then 500 m on geography).
    /// </summary>
    internal const string MismatchSql = """
        WITH probed AS (
          SELECT f.id, f.kind::text AS type, f.district_code::text AS district_code, f.township_code::text AS township_code, EXISTS (
                   SELECT 1 FROM facilities t
                   WHERE t.deleted_at IS NULL AND t.kind = 'accessible_toilet' AND t.status = 'operational'
                     AND ST_DWithin(t.geometry, f.geometry, 0.01)
                     AND ST_DWithin(t.geometry::geography, f.geometry::geography, 500)) AS covered
          FROM facilities f
          WHERE f.deleted_at IS NULL AND f.kind IN ('public_building', 'bus_stop') AND f.status NOT IN ('removed', 'under_construction')),
        kept AS (SELECT facility_id AS id, type::text, district_code::text, township_code::text, covered FROM facility_toilet_reach)
        SELECT (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM probed) a)
             + (SELECT count(*) FROM (SELECT * FROM probed EXCEPT SELECT * FROM kept) b)
        """;

    public Task InitializeAsync() => PrepareAsync(registry);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> FiguresAsync(bool probe)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        return JsonNode.Parse((await CoverageSql.FiguresAsync(connection, "140881", "140881", CoverageEndpoints.DefaultMetres, default, probeReach: probe))!)!.AsObject();
    }

    /// <summary>The kept rows equal a probe of every demand point, and the panel read from them the full statement; returns the covered demand.</summary>
    private async Task<long> AssertKeptRightAsync(string after)
    {
        Assert.True(await registry.ScalarAsync<long>(MismatchSql) == 0, "kept reach differs from the probe after " + after);
        var kept = await FiguresAsync(probe: false);
        var probed = await FiguresAsync(probe: true);
        foreach (var (member, value) in probed)
        {
            Assert.True(JsonNode.DeepEquals(value, kept[member]), $"after {after}, {member}: probed {value?.ToJsonString()}, kept {kept[member]?.ToJsonString()}");
        }

        var reach = kept["toiletReach"]!;
        return (long)reach["publicBuildings"]!["covered"]! + (long)reach["busStops"]!["covered"]!;
    }

    private Task ExecAsync(string sql) => GapFixture.ExecAsync(registry, sql);

    [Fact]
    public async Task After_a_toilet_or_a_demand_point_is_written_the_kept_reach_is_the_probe_of_every_demand_point()
    {
        // Demand 100 m apart along a line in 永济市; no toilet yet.
        for (var n = 0; n < 6; n++)
        {
            await FacilityAsync(registry, n % 2 == 0 ? "bus_stop" : "public_building", "operational", I0, J0, dx: 100 * n, name: "D" + n);
        }

        await FacilityAsync(registry, "public_building", "under_construction", I0, J0, dy: 50, name: "Building");
        Assert.Equal(0, await AssertKeptRightAsync("the demand was added"));

        // A toilet 150 m before the first: D0–D3 lie 150–450 m from it, D4 and D5 550 and 650 m.
        await FacilityAsync(registry, "accessible_toilet", "operational", I0, J0, dx: -150, name: "T");
        Assert.Equal(4, await AssertKeptRightAsync("a toilet was added"));

        // Moved 700 m east, to 550: D1–D5 lie 450–50 m from it, D0 550 m.
        await ExecAsync("""
            UPDATE facilities SET geometry = ST_Transform(ST_Translate(ST_Transform(geometry, 4525), 700, 0), 4490) WHERE name = 'T'
            """);
        Assert.Equal(5, await AssertKeptRightAsync("the toilet moved"));

        // Out of order, then in order again, then another toilet beside it, then one of the two deleted softly, then for good.
        await ExecAsync("UPDATE facilities SET status = 'unusable' WHERE name = 'T'");
        Assert.Equal(0, await AssertKeptRightAsync("the toilet went out of order"));
        await ExecAsync("UPDATE facilities SET status = 'operational' WHERE name = 'T'");
        Assert.Equal(5, await AssertKeptRightAsync("the toilet was repaired"));
        await FacilityAsync(registry, "accessible_toilet", "operational", I0, J0, dx: -100, name: "T2");
        Assert.Equal(6, await AssertKeptRightAsync("a second toilet was added"));
        await ExecAsync("UPDATE facilities SET deleted_at = now() WHERE name = 'T2'");
        Assert.Equal(5, await AssertKeptRightAsync("the second toilet was deleted softly"));
        await ExecAsync("DELETE FROM facilities WHERE name = 'T'");
        Assert.Equal(0, await AssertKeptRightAsync("the first toilet was deleted"));

        // A toilet again, then demand written: moved into reach, out of service, into service, deleted, its kind changed.
        await FacilityAsync(registry, "accessible_toilet", "operational", I0, J0, dx: 5000, name: "T3");
        Assert.Equal(0, await AssertKeptRightAsync("a far toilet was added"));
        await ExecAsync("""
            UPDATE facilities SET geometry = ST_Transform(ST_Translate(ST_Transform(geometry, 4525), 4900, 0), 4490) WHERE name IN ('D0', 'D1')
            """);
        Assert.Equal(2, await AssertKeptRightAsync("two demand points moved beside it"));
        await ExecAsync("UPDATE facilities SET status = 'removed' WHERE name = 'D0'");
        Assert.Equal(1, await AssertKeptRightAsync("a demand point was removed from service"));
        await ExecAsync("UPDATE facilities SET status = 'operational', geometry = ST_Transform(ST_Translate(ST_Transform(geometry, 4525), 4950, 0), 4490) WHERE name = 'Building'");
        Assert.Equal(2, await AssertKeptRightAsync("a building went into service beside it"));
        await ExecAsync("UPDATE facilities SET kind = 'curb_ramp' WHERE name = 'D1'");
        Assert.Equal(1, await AssertKeptRightAsync("a demand point's kind changed"));
        await ExecAsync("UPDATE facilities SET township_code = NULL WHERE name = 'Building'");
        Assert.Equal(1, await AssertKeptRightAsync("a demand point left its township"));
        await ExecAsync("DELETE FROM facilities WHERE name = 'Building'");
        Assert.Equal(0, await AssertKeptRightAsync("a demand point was deleted"));
    }

    [Fact]
    public async Task A_write_of_a_facility_that_is_neither_toilet_nor_demand_or_that_changes_nothing_of_reach_probes_nothing()
    {
        await FacilityAsync(registry, "bus_stop", "operational", I0, J0, name: "Stop");
        await FacilityAsync(registry, "accessible_toilet", "operational", I0, J0, dx: 300, name: "T");
        Assert.Equal(1, await AssertKeptRightAsync("a stop and a toilet were added"));
        var version = await registry.ScalarAsync<string>("SELECT xmin::text FROM facility_toilet_reach");

        // A rename of the stop and of the toilet and a ramp added: the kept row is not written again.
        await ExecAsync("UPDATE facilities SET name = name || '!' WHERE name IN ('Stop', 'T')");
        await FacilityAsync(registry, "curb_ramp", "operational", I0, J0, dx: 10, name: "Ramp");
        Assert.Equal(version, await registry.ScalarAsync<string>("SELECT xmin::text FROM facility_toilet_reach"));
        Assert.Equal(1, await AssertKeptRightAsync("renames and a ramp"));
    }
}
