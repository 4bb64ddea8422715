using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Facilities;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Inspections.InspectionApi;

namespace Accessibility.Api.Tests.Inspections;

/// <summary>
/// Every start copies the catalog's inspection intervals into the database. A start whose catalog is unchanged writes
/// nothing, so the facility tiles and coverage reads cached before it stay valid (their change stamps do not move);
/// a changed interval still moves the due dates of its kind and marks the tiles changed.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class IntervalSyncTests(RegistryFixture registry) : IAsyncLifetime
{
    private List<(string Kind, int Months)> catalog = [];

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        catalog = [.. registry.Services.GetRequiredService<FacilityKindCatalog>().Kinds.Select(k => (k.Code, k.InspectionIntervalMonths))];
    }

    // The catalog's intervals back, whatever a test left.
    public async Task DisposeAsync() => await SyncAsync(catalog);

    [Fact]
    public async Task A_start_with_the_same_catalog_changes_no_tile_or_coverage_stamp_and_a_changed_interval_moves_due_dates()
    {
        using var inspector = await registry.CreateUserClientAsync(Accessibility.Api.Features.Auth.Roles.Inspector, "140881");
        var ramp = await CreateRampAsync(inspector, Yongji, "间隔同步");
        await SubmitAsync(inspector, Inspection(ramp, RecentTime(), Answer("slope", "1:14")));
        var tiles = await TileChangesAsync();
        var coverage = await CoverageStampAsync();
        var due = await DueAsync(ramp);

        // Unchanged catalog (as at every restart): nothing written, no stamp moved.
        Assert.False(await SyncAsync(catalog));
        Assert.Equal(tiles, await TileChangesAsync());
        Assert.Equal(coverage, await CoverageStampAsync());
        Assert.Equal(due, await DueAsync(ramp));

        // The ramp's interval changed in the catalog: the due date follows, and the tiles are marked changed.
        var rampMonths = catalog.Single(k => k.Kind == "ramp").Months;
        Assert.True(await SyncAsync([.. catalog.Select(k => k.Kind == "ramp" ? (k.Kind, rampMonths + 6) : k)]));
        Assert.Equal(await InspectedPlusAsync(ramp, rampMonths + 6), await DueAsync(ramp));
        Assert.NotEqual(due, await DueAsync(ramp));
        Assert.NotEqual(tiles, await TileChangesAsync());
        Assert.NotEqual(coverage, await CoverageStampAsync());

        // A kind gone from the catalog is removed (its facilities fall back to 12 months), and comes back with it.
        Assert.True(await SyncAsync([.. catalog.Where(k => k.Kind != "ramp")]));
        Assert.Equal(await InspectedPlusAsync(ramp, 12), await DueAsync(ramp));
        Assert.True(await SyncAsync(catalog));
        Assert.Equal(due, await DueAsync(ramp));
    }

    private async Task<bool> SyncAsync(IReadOnlyList<(string Kind, int Months)> intervals)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        return await InspectionSql.SyncIntervalsAsync(connection, intervals, CancellationToken.None);
    }

    private Task<long> TileChangesAsync() =>
        registry.ScalarAsync<long>("SELECT COALESCE(sum(changes), 0)::bigint FROM tile_changes WHERE layer = 'facilities'");

    private Task<string?> CoverageStampAsync() =>
        registry.ScalarAsync<string>("SELECT COALESCE(string_agg(district_key || ':' || slot || ':' || changes, ',' ORDER BY district_key, slot), '') FROM coverage_changes");

    // The last inspection plus so many months, as PostgreSQL counts months (in the session's time zone, like the triggers).
    private Task<DateTime> InspectedPlusAsync(long facilityId, int months) =>
        registry.ScalarAsync<DateTime>("SELECT last_inspected_at + make_interval(months => $2) FROM facility_state WHERE facility_id = $1", facilityId, months);

    private Task<DateTime> DueAsync(long facilityId) =>
        registry.ScalarAsync<DateTime>("SELECT due_at FROM facility_state WHERE facility_id = $1", facilityId);
}
