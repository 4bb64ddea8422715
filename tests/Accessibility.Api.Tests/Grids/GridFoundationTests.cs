using System.Net;
using System.Security.Claims;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Tests.Facilities;

namespace Accessibility.Api.Tests.Grids;

/// <summary>
/// The community-grid foundation (migration ConstructionAndGrids): facilities and roads are placed in the grid covering
/// them by the database, on every write and again when a county's grids change; a grid worker's account acts only on
/// records in its own grids.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class GridFoundationTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Grid = "140881001001";

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // A square of about 1.4 km around Yongji's centre (FacilityApi.Yongji), in township 城西街道 (140881001).
    private Task AddGridAsync(string code, double west, double south, double east, double north) => registry.ScalarAsync<int>(
        """
        INSERT INTO community_grids (code, name, township_code, county_code, boundary, source)
        VALUES ($1, '测试网格' || right($1, 3), left($1, 9), left($1, 6), ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4490)), 'test')
        RETURNING 1
        """, code, west, south, east, north);

    private async Task<long> CreateRampAsync(HttpClient admin, (double Lon, double Lat) at)
    {
        using var created = await admin.PostAsync(FacilityApi.Url("/api/v1/facilities"), FacilityApi.Json(FacilityApi.CurbRamp(at)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (long)(await created.ReadObjectAsync())["id"]!;
    }

    private Task<string?> GridOfAsync(long facility) =>
        registry.ScalarAsync<string>("SELECT grid_code FROM facilities WHERE id = $1", facility);

    [Fact]
    public async Task A_facility_is_placed_in_the_grid_covering_it_when_created_moved_and_when_grids_change()
    {
        await AddGridAsync(Grid, 110.440, 34.860, 110.455, 34.875);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var inside = await CreateRampAsync(admin, FacilityApi.Yongji);
        var outside = await CreateRampAsync(admin, FacilityApi.YongjiEast);
        Assert.Equal(Grid, await GridOfAsync(inside));
        Assert.Null(await GridOfAsync(outside));

        // Moved out of the grid: placed again by the same write.
        await registry.ScalarAsync<int>("UPDATE facilities SET geometry = ST_SetSRID(ST_MakePoint(110.4700, 34.8700), 4490) WHERE id = $1 RETURNING 1", inside);
        Assert.Null(await GridOfAsync(inside));

        // A second grid drawn over the east point: the county's records are placed again, and only those that changed count.
        await AddGridAsync("140881001002", 110.465, 34.865, 110.475, 34.875);
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT registry_place_in_grids('140881')"));
        Assert.Equal("140881001002", await GridOfAsync(outside));
        Assert.Equal("140881001002", await GridOfAsync(inside));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT registry_place_in_grids('140881')"));

        // A removed grid leaves its records in no grid.
        await registry.ScalarAsync<int>("DELETE FROM community_grids WHERE code = '140881001002' RETURNING 1");
        Assert.Null(await GridOfAsync(outside));
    }

    [Fact]
    public async Task The_service_reads_back_the_grid_the_database_chose()
    {
        await AddGridAsync(Grid, 110.440, 34.860, 110.455, 34.875);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var id = await CreateRampAsync(admin, FacilityApi.Yongji);
        Assert.Equal(Grid, await GridOfAsync(id));

        // A grid code that is not its township's extension is refused by the table.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => registry.ScalarAsync<int>(
            "INSERT INTO community_grids (code, name, township_code, county_code, boundary) VALUES ('140881002001', 'x', '140881001', '140881', ST_Multi(ST_MakeEnvelope(110, 34, 111, 35, 4490))) RETURNING 1"));
    }

    private static ClaimsPrincipal GridWorker(params string[] grids) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Role, Roles.GridWorker), new Claim(RegistryClaims.DistrictScope, "140881"),
         .. grids.Select(g => new Claim(RegistryClaims.Grid, g))], "test", ClaimTypes.Name, ClaimTypes.Role));

    [Fact]
    public void A_grid_worker_acts_only_on_records_in_its_own_grids()
    {
        var worker = GridWorker(Grid);
        RegistryResource In(string? grid) => new(ResourceKinds.Facility, "140881") { GridCode = grid };
        Assert.Equal(AccessDecision.Allowed, AccessRules.Decide(worker, "update", In(Grid)));
        Assert.Equal(AccessDecision.OutsideScope, AccessRules.Decide(worker, "update", In("140881001002")));
        Assert.Equal(AccessDecision.OutsideScope, AccessRules.Decide(worker, "update", In(null)));
        Assert.Equal(AccessDecision.Allowed, AccessRules.Decide(worker, "create", new RegistryResource(ResourceKinds.Patrol, "140881") { GridCode = Grid }));
        // Field abilities only: no triage, no households, no grids to draw, even in its own grid.
        Assert.Equal(AccessDecision.RoleRefused, AccessRules.Decide(worker, "triage", new RegistryResource(ResourceKinds.Report, "140881") { GridCode = Grid }));
        Assert.Equal(AccessDecision.RoleRefused, AccessRules.Decide(worker, "read-personal", new RegistryResource(ResourceKinds.RenovationCase, "140881")));
        Assert.Equal(AccessDecision.RoleRefused, AccessRules.Decide(worker, "update", new RegistryResource(ResourceKinds.Grid, "140881") { GridCode = Grid }));
        // An inspector of the county is not bound to grids.
        var inspector = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Role, Roles.Inspector), new Claim(RegistryClaims.DistrictScope, "140881")], "test", ClaimTypes.Name, ClaimTypes.Role));
        Assert.Equal(AccessDecision.Allowed, AccessRules.Decide(inspector, "update", In(null)));
    }
}
