using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Coverage.GapFixture;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Coverage;

/// <summary>
/// Gap cells, greedy candidates and what-if on small fixtures laid out on the hexagon grid (see <see cref="GapFixture"/>),
/// where every figure can be counted by hand.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class GapEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    // Cells of the privacy fixture (side 500 m, radius 500 m): A is the reference cell; B, H, K lie 1.5, 3 and 4.5 km
    // east of it in the same row; L is three rows (2.6 km) north.
    private static readonly (long I, long J) A = (I0, J0);
    private static readonly (long I, long J) B = (I0 + 2, J0);
    private static readonly (long I, long J) H = (I0 + 4, J0);
    private static readonly (long I, long J) K = (I0 + 6, J0);
    private static readonly (long I, long J) L = (I0, J0 + 3);

    public Task InitializeAsync() => PrepareAsync(registry);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// A: an operational toilet at the centre, two public buildings within 110 m of it and one household 100 m from it
    /// (all covered). B: three bus stops, 1.5 km from the toilet. H: a public building and 3 households. K: 2 households
    /// only. L: 5 households. Nothing but A's demand is within 500 m of the toilet.
    /// </summary>
    private async Task ArrangePrivacyFixtureAsync()
    {
        await FacilityAsync(registry, "accessible_toilet", "operational", A.I, A.J, name: "T");
        await FacilityAsync(registry, "public_building", "operational", A.I, A.J, 100, 0, "A1");
        await FacilityAsync(registry, "public_building", "operational", A.I, A.J, -100, 50, "A2");
        await HouseholdsAsync(registry, 1, A.I, A.J, 0, 100);
        await FacilityAsync(registry, "bus_stop", "operational", B.I, B.J, 0, 0, "B1");
        await FacilityAsync(registry, "bus_stop", "operational", B.I, B.J, 50, 0, "B2");
        await FacilityAsync(registry, "bus_stop", "operational", B.I, B.J, 0, 50, "B3");
        await FacilityAsync(registry, "public_building", "defective_usable", H.I, H.J, -40, 0, "H1");
        await HouseholdsAsync(registry, 3, H.I, H.J);
        await HouseholdsAsync(registry, 2, K.I, K.J);
        await HouseholdsAsync(registry, 5, L.I, L.J, -20, 0);
    }

    private static Dictionary<string, JsonNode> ById(JsonObject collection) =>
        collection["features"]!.AsArray().ToDictionary(f => (string)f!["id"]!, f => f!["properties"]!);

    [Fact]
    public async Task Anonymous_gaps_leave_households_out_and_staff_of_the_district_see_them_all()
    {
        await ArrangePrivacyFixtureAsync();
        using var anonymous = registry.CreateClient();
        var text = await anonymous.GetStringAsync(Url($"/api/v1/coverage/{Township}/gaps"));
        var publicView = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("FeatureCollection", (string?)publicView["type"]);
        Assert.Equal(Epsg, (int)publicView["gridEpsg"]!);
        Assert.Equal(500, (int)publicView["cellM"]!);
        Assert.Equal("none", (string?)publicView["households"]);

        // Every household is left out: H keeps its public building only; K (2 households) and L (5) are not listed at all.
        var cells = ById(publicView);
        Assert.Equal([Cell(B.I, B.J), Cell(H.I, H.J)], publicView["features"]!.AsArray().Select(f => (string)f!["id"]!));
        Assert.Equal(3, (int)cells[Cell(B.I, B.J)]["demand"]!);
        Assert.Equal(0, (int)cells[Cell(B.I, B.J)]["covered"]!);
        Assert.Equal(1, (int)cells[Cell(H.I, H.J)]["demand"]!);
        Assert.DoesNotContain(Cell(K.I, K.J), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Cell(L.I, L.J), text, StringComparison.Ordinal);
        Assert.All(publicView["features"]!.AsArray(), f =>
        {
            var p = f!["properties"]!;
            Assert.Equal((string?)f["id"], (string?)p["cell"]);
            Assert.Equal((int)p["demand"]! - (int)p["covered"]!, (int)p["uncovered"]!);
        });

        // Totals of public buildings and bus stops: A 2 (covered), B 3, H 1.
        Assert.Equal(6, (int)publicView["demand"]!);
        Assert.Equal(2, (int)publicView["covered"]!);
        Assert.Equal(0.3333m, (decimal)publicView["share"]!);
        // RFC 7946 §7.1: a FeatureCollection has no `properties` member; the figures are foreign members.
        Assert.Null(publicView["properties"]);

        // The cell is a hexagon of side 500 m around the centre the grid formula gives.
        var hexagon = publicView["features"]!.AsArray().First(f => (string?)f!["id"] == Cell(B.I, B.J))!["geometry"]!;
        Assert.Equal("Polygon", (string?)hexagon["type"]);
        Assert.Equal(7, hexagon["coordinates"]![0]!.AsArray().Count);
        var (lon, lat) = await LonLatAsync(registry, B.I, B.J);
        var ring = hexagon["coordinates"]![0]!.AsArray().Take(6).Select(c => ((double)c![0]!, (double)c[1]!)).ToList();
        Assert.InRange(ring.Average(c => c.Item1), lon - 1e-6, lon + 1e-6);
        Assert.InRange(ring.Average(c => c.Item2), lat - 1e-6, lat + 1e-6);

        // An inspector of the district may not see households either; a planner of it sees every one.
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var inspectorView = JsonNode.Parse(await inspector.GetStringAsync(Url($"/api/v1/coverage/{Township}/gaps")))!.AsObject();
        Assert.Equal(6, (int)inspectorView["demand"]!);

        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var staffView = JsonNode.Parse(await planner.GetStringAsync(Url($"/api/v1/coverage/{Township}/gaps")))!.AsObject();
        Assert.Equal("all", (string?)staffView["households"]);
        Assert.Equal([Cell(L.I, L.J), Cell(H.I, H.J), Cell(B.I, B.J), Cell(K.I, K.J)], staffView["features"]!.AsArray().Select(f => (string)f!["id"]!));
        var staffCells = ById(staffView);
        Assert.Equal(4, (int)staffCells[Cell(H.I, H.J)]["demand"]!);
        Assert.Equal(2, (int)staffCells[Cell(K.I, K.J)]["uncovered"]!);
        Assert.Equal(3 + 3 + 4 + 2 + 5, (int)staffView["demand"]!);
        Assert.Equal(3, (int)staffView["covered"]!);

        // A planner of another county gets the public view.
        using var elsewhere = await registry.CreateUserClientAsync(Roles.Planner, "410307");
        Assert.Equal(6, (int)JsonNode.Parse(await elsewhere.GetStringAsync(Url($"/api/v1/coverage/{Township}/gaps")))!["demand"]!);
    }

    [Fact]
    public async Task Gaps_follow_the_radius_the_cell_size_and_the_kind()
    {
        await ArrangePrivacyFixtureAsync();
        using var client = await registry.CreateUserClientAsync(Roles.Planner, "140881"); // households included

        // At 1,600 m the toilet in A also reaches B's bus stops (1.5 km); H is 3 km away, K 4.5 km.
        var wide = JsonNode.Parse(await client.GetStringAsync(Url($"/api/v1/coverage/{Township}/gaps?metres=1600")))!.AsObject();
        Assert.Equal([Cell(L.I, L.J), Cell(H.I, H.J), Cell(K.I, K.J)], wide["features"]!.AsArray().Select(f => (string)f!["id"]!));
        Assert.Equal(6, (int)wide["covered"]!); // A's 3 and B's 3

        // Cells of side 100 m: B's centre (1.5 km east of A's) is a cell centre of that grid too (x = 150 m × 249,660,
        // y = 173.2 m × 22,285), and so are H's, K's and L's; their points stay within 40 m of them.
        var fine = JsonNode.Parse(await client.GetStringAsync(Url($"/api/v1/coverage/{Township}/gaps?cell=100")))!.AsObject();
        Assert.Equal(100, (int)fine["cellM"]!);
        Assert.Equal(["249650,22300", "249670,22285", "249660,22285", "249680,22285"], fine["features"]!.AsArray().Select(f => (string)f!["id"]!));
        Assert.Equal(17, (int)fine["demand"]!);

        // No operational disability service anywhere: every point is uncovered for that kind.
        var service = JsonNode.Parse(await client.GetStringAsync(Url($"/api/v1/coverage/{Township}/gaps?kind=disability_service")))!.AsObject();
        Assert.Equal(0, (int)service["covered"]!);
        Assert.Equal(Cell(L.I, L.J), (string?)service["features"]![0]!["id"]);
    }

    /// <summary>
    /// Five cells of one column (side 500 m, so neighbouring centres are 866 m apart), radius 1,000 m: a centre covers
    /// its own cell and the two next to it, not two cells away (1,732 m). Uncovered demand: c0 4, c1 1, c2 4, c3 none,
    /// c4 3 (all within 40 m of their centres), no operational toilet (one unusable in c4). Hand count of what each
    /// centre covers: c0 4 + 1 = 5, c1 4 + 1 + 4 = 9, c2 1 + 4 = 5, c4 3. Greedy picks c1 (+9), then c4 (+3), then
    /// nothing more can be covered. Ranking cells by their own demand would start with c0 and c2 (4 each), which
    /// together cover the same 9 points c1 covers alone.
    /// </summary>
    private async Task ArrangeGreedyFixtureAsync()
    {
        foreach (var (dx, dy) in new[] { (0.0, 0.0), (40.0, 0.0), (0.0, 40.0), (-40.0, 0.0) })
        {
            await FacilityAsync(registry, "public_building", "operational", I0, J0, dx, dy, "c0");
            await FacilityAsync(registry, "bus_stop", "operational", I0, J0 + 2, dx, dy, "c2");
        }

        await FacilityAsync(registry, "bus_stop", "operational", I0, J0 + 1, -30, 20, "c1");
        foreach (var dx in new[] { 0.0, 30.0, -30.0 })
        {
            await FacilityAsync(registry, "public_building", "operational", I0, J0 + 4, dx, 0, "c4");
        }

        await FacilityAsync(registry, "accessible_toilet", "unusable", I0, J0 + 4, 0, 10, "T2");
    }

    [Fact]
    public async Task Greedy_candidates_pick_the_cells_a_hand_count_picks_and_differ_from_the_largest_cells()
    {
        await ArrangeGreedyFixtureAsync();
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url($"/api/v1/coverage/{Township}/candidates?metres=1000&cell=500&count=10"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var candidates = await response.ReadObjectAsync();
        Assert.Equal(12, (int)candidates["baseline"]!["demand"]!);
        Assert.Equal(0, (int)candidates["baseline"]!["covered"]!);

        var picks = candidates["features"]!.AsArray();
        Assert.Equal(2, picks.Count); // stops once nothing more can be covered
        var first = picks[0]!["properties"]!;
        Assert.Equal(1, (int)first["rank"]!);
        Assert.Equal(Cell(I0, J0 + 1), (string?)first["cell"]);
        Assert.Equal(9, (int)first["addedDemand"]!);
        Assert.Equal(9, (int)first["cumulativeCovered"]!);
        Assert.Equal(0.75m, (decimal)first["cumulativeShare"]!);
        var second = picks[1]!["properties"]!;
        Assert.Equal(Cell(I0, J0 + 4), (string?)second["cell"]);
        Assert.Equal(3, (int)second["addedDemand"]!);
        Assert.Equal(12, (int)second["cumulativeCovered"]!);
        Assert.Equal(1m, (decimal)second["cumulativeShare"]!);

        // Each pick is the centre of its cell.
        var (lon, lat) = await LonLatAsync(registry, I0, J0 + 1);
        Assert.Equal("Point", (string?)picks[0]!["geometry"]!["type"]);
        Assert.InRange((double)picks[0]!["geometry"]!["coordinates"]![0]!, lon - 1e-6, lon + 1e-6);
        Assert.InRange((double)picks[0]!["geometry"]!["coordinates"]![1]!, lat - 1e-6, lat + 1e-6);

        // The largest gap cells are c0 and c2, not the greedy's first pick.
        var gaps = JsonNode.Parse(await client.GetStringAsync(Url($"/api/v1/coverage/{Township}/gaps?metres=1000&cell=500")))!.AsObject();
        Assert.Equal([Cell(I0, J0), Cell(I0, J0 + 2), Cell(I0, J0 + 4), Cell(I0, J0 + 1)], gaps["features"]!.AsArray().Select(f => (string)f!["id"]!));

        // count = 1 stops after the first pick.
        var one = JsonNode.Parse(await client.GetStringAsync(Url($"/api/v1/coverage/{Township}/candidates?metres=1000&count=1")))!;
        Assert.Equal(Cell(I0, J0 + 1), (string?)Assert.Single(one["features"]!.AsArray())!["id"]);
    }

    [Fact]
    public async Task What_if_reports_the_reach_before_and_after_one_more_facility_and_writes_nothing()
    {
        await ArrangeGreedyFixtureAsync();
        using var client = registry.CreateClient();
        var facilities = await registry.ScalarAsync<long>("SELECT count(*) FROM facilities");

        var (lon, lat) = await LonLatAsync(registry, I0, J0 + 1);
        var atC1 = JsonNode.Parse(await client.GetStringAsync(Url(string.Create(CultureInfo.InvariantCulture,
            $"/api/v1/coverage/{Township}/what-if?metres=1000&lon={lon:R}&lat={lat:R}"))))!;
        Assert.Equal(Township, (string?)atC1["district"]);
        Assert.Equal(12, (int)atC1["before"]!["demand"]!);
        Assert.Equal(0, (int)atC1["before"]!["covered"]!);
        Assert.Equal(9, (int)atC1["after"]!["covered"]!);
        Assert.Equal(0.75m, (decimal)atC1["after"]!["share"]!);
        Assert.Equal(9, (int)atC1["added"]!);
        Assert.Equal(lon, (double)atC1["point"]!["lon"]!);

        // At c4's centre with the default 500 m: c4's three points only (the unusable toilet there changes nothing).
        (lon, lat) = await LonLatAsync(registry, I0, J0 + 4);
        var atC4 = JsonNode.Parse(await client.GetStringAsync(Url(string.Create(CultureInfo.InvariantCulture,
            $"/api/v1/coverage/{Township}/what-if?lon={lon:R}&lat={lat:R}"))))!;
        Assert.Equal(500, (int)atC4["metres"]!);
        Assert.Equal(3, (int)atC4["added"]!);
        Assert.Equal(0.25m, (decimal)atC4["after"]!["share"]!);

        Assert.Equal(facilities, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities"));
    }

    [Fact]
    public async Task Candidates_and_what_if_leave_households_out_for_anyone_but_the_districts_staff()
    {
        await ArrangePrivacyFixtureAsync();
        using var anonymous = registry.CreateClient();
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");

        // Public: public buildings and bus stops only (A 2, B 3, H 1), A's two covered; L's 5 households are not candidates.
        var open = JsonNode.Parse(await anonymous.GetStringAsync(Url($"/api/v1/coverage/{Township}/candidates")))!;
        Assert.Equal("none", (string?)open["households"]);
        Assert.Equal(6, (int)open["baseline"]!["demand"]!);
        Assert.Equal(2, (int)open["baseline"]!["covered"]!);
        Assert.Equal([Cell(B.I, B.J), Cell(H.I, H.J)], open["features"]!.AsArray().Select(f => (string)f!["id"]!));

        // Staff: every household; L (5) first, H (1 + 3), B (3), K (2).
        var staff = JsonNode.Parse(await planner.GetStringAsync(Url($"/api/v1/coverage/{Township}/candidates")))!;
        Assert.Equal(17, (int)staff["baseline"]!["demand"]!);
        Assert.Equal(3, (int)staff["baseline"]!["covered"]!);
        Assert.Equal([Cell(L.I, L.J), Cell(H.I, H.J), Cell(B.I, B.J), Cell(K.I, K.J)], staff["features"]!.AsArray().Select(f => (string)f!["id"]!));
        Assert.Equal([5, 4, 3, 2], staff["features"]!.AsArray().Select(f => (int)f!["properties"]!["addedDemand"]!));

        var (lon, lat) = await LonLatAsync(registry, H.I, H.J);
        var path = string.Create(CultureInfo.InvariantCulture, $"/api/v1/coverage/{Township}/what-if?lon={lon:R}&lat={lat:R}");
        var openWhatIf = JsonNode.Parse(await anonymous.GetStringAsync(Url(path)))!;
        Assert.Equal(6, (int)openWhatIf["before"]!["demand"]!);
        Assert.Equal(1, (int)openWhatIf["added"]!);
        var staffWhatIf = JsonNode.Parse(await planner.GetStringAsync(Url(path)))!;
        Assert.Equal(17, (int)staffWhatIf["before"]!["demand"]!);
        Assert.Equal(4, (int)staffWhatIf["added"]!);
    }

    [Theory]
    [InlineData("/gaps?kind=rocket", "kind")]
    [InlineData("/gaps?metres=0", "metres")]
    [InlineData("/gaps?metres=5001", "metres")]
    [InlineData("/gaps?cell=99", "cell")]
    [InlineData("/gaps?cell=5001", "cell")]
    [InlineData("/gaps?cell=1e3", "cell")]
    [InlineData("/candidates?count=0", "count")]
    [InlineData("/candidates?count=51", "count")]
    [InlineData("/candidates?kind=road", "kind")]
    [InlineData("/what-if?lat=34.87", "lon")]
    [InlineData("/what-if?lon=110.45", "lat")]
    [InlineData("/what-if?lon=abc&lat=34.87", "lon")]
    [InlineData("/what-if?lon=110.45&lat=91", "lat")]
    [InlineData("/what-if?lon=NaN&lat=34.87", "lon")]
    [InlineData("/what-if?lon=110.45&lat=34.87&metres=-1", "metres")]
    [InlineData("/trends?months=0", "months")]
    [InlineData("/trends?months=121", "months")]
    public async Task Bad_inputs_are_400_problems_naming_the_field(string path, string field)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url($"/api/v1/coverage/{Township}{path}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, await response.ErrorFieldsAsync());
    }

    [Theory]
    [InlineData("/api/v1/coverage/140899/gaps", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/coverage/140899/candidates", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/coverage/140899/what-if?lon=110.45&lat=34.87", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/coverage/140899/trends", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/coverage/abc/gaps", HttpStatusCode.BadRequest)]
    public async Task Unknown_districts_are_404_and_bad_codes_400(string path, HttpStatusCode status)
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(Url(path));
        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public async Task A_district_without_demand_has_no_gaps_nor_candidates()
    {
        using var client = registry.CreateClient();
        var gaps = JsonNode.Parse(await client.GetStringAsync(Url("/api/v1/coverage/140881/gaps")))!;
        Assert.Empty(gaps["features"]!.AsArray());
        Assert.Equal(0, (int)gaps["demand"]!);
        Assert.Null(gaps["share"]);
        var candidates = JsonNode.Parse(await client.GetStringAsync(Url("/api/v1/coverage/14/candidates")))!;
        Assert.Empty(candidates["features"]!.AsArray());
        Assert.Equal("140000", (string?)candidates["district"]);
    }
}
