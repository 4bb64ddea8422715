using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Inspections.InspectionApi;

namespace Accessibility.Api.Tests.Inspections;

[Collection(RegistryCollection.Name)]
public sealed class ScheduleTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_schedule_sorts_facilities_into_on_time_due_soon_overdue_and_never_inspected()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        // Ramps are inspected every 12 months, toilets every 3 (data/facility-kinds.json).
        var never = await CreateRampAsync(inspector, Yongji, "从未检查");
        var onTime = await CreateRampAsync(inspector, YongjiEast, "按期");
        var dueSoon = await CreateRampAsync(inspector, (Yongji.Lon + 0.002, Yongji.Lat), "即将到期");
        var overdue = await CreateFacilityAsync(inspector, "accessible_toilet", (Yongji.Lon + 0.004, Yongji.Lat), new JsonObject { ["toilet_type"] = "standalone" }, "逾期厕所");
        foreach (var id in new[] { onTime, dueSoon })
        {
            await SubmitAsync(inspector, Inspection(id, RecentTime(), Answer("slope", "1:14")));
        }

        await SubmitAsync(inspector, Inspection(overdue, RecentTime(), Answer("door_width", 950)));
        // Old inspections, written into the past: 12 months less 10 days ago (due in 10 days), and 4 months ago.
        await registry.ScalarAsync<int>("UPDATE inspections SET inspected_at = now() - interval '12 months' + interval '10 days' WHERE facility_id = $1 RETURNING 1", dueSoon);
        await registry.ScalarAsync<int>("UPDATE inspections SET inspected_at = now() - interval '4 months' WHERE facility_id = $1 RETURNING 1", overdue);

        using var anonymous = registry.CreateClient();
        var schedule = await GetObjectAsync(anonymous, "/api/v1/inspections/schedule?district=140881");
        Assert.Equal(never, (long)Assert.Single(schedule["neverInspected"]!.AsArray())!["facilityId"]!);
        var soon = Assert.Single(schedule["dueSoon"]!.AsArray())!;
        Assert.Equal(dueSoon, (long)soon["facilityId"]!);
        Assert.Equal("due_soon", (string?)soon["state"]);
        Assert.NotNull((string?)soon["dueAt"]);
        var late = Assert.Single(schedule["overdue"]!.AsArray())!;
        Assert.Equal(overdue, (long)late["facilityId"]!);
        Assert.Equal("accessible_toilet", (string?)late["kind"]);
        Assert.Equal(Yongji.Lon + 0.004, (double)late["location"]![0]!, 6);
        var counts = schedule["counts"]!;
        Assert.Equal([1, 1, 1, 1, 4], new[] { "onTime", "dueSoon", "overdue", "neverInspected", "total" }.Select(k => (int)counts[k]!));

        // A shorter horizon: the ramp due in 10 days is not "due soon" within 5.
        var five = await GetObjectAsync(anonymous, "/api/v1/inspections/schedule?district=140881&dueSoonDays=5");
        Assert.Empty(five["dueSoon"]!.AsArray());
        Assert.Equal(2, (int)five["counts"]!["onTime"]!);
        Assert.Equal(0, (int)(await GetObjectAsync(anonymous, "/api/v1/inspections/schedule?district=410307"))["counts"]!["total"]!);

        // The same states on the facilities.
        foreach (var (id, state) in new[] { (never, "never"), (onTime, "on_time"), (dueSoon, "due_soon"), (overdue, "overdue") })
        {
            Assert.Equal(state, (string?)(await GetObjectAsync(anonymous, "/api/v1/facilities/" + id))["properties"]!["inspectionState"]);
            var filtered = await GetObjectAsync(anonymous, "/api/v1/facilities?inspectionState=" + state);
            Assert.Equal(id, (long)Assert.Single(filtered["features"]!.AsArray())!["id"]!);
        }
    }

    [Fact]
    public async Task The_worklist_is_a_nearest_neighbour_walk_in_geodesic_metres_within_the_callers_districts()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var start = Yongji;
        const double step = 0.002; // ≈ 180 m of longitude at 35° N
        // By distance from the start: A (1 step), B (1.2 steps west), C (2 steps east).
        // Nearest neighbour: A, then C (1 step from A), then B (3.2 steps back west).
        var a = await CreateRampAsync(inspector, (start.Lon + step, start.Lat), "A");
        var b = await CreateRampAsync(inspector, (start.Lon - (1.2 * step), start.Lat), "B");
        var c = await CreateRampAsync(inspector, (start.Lon + (2 * step), start.Lat), "C");
        var inspected = await CreateRampAsync(inspector, (start.Lon + (0.5 * step), start.Lat), "on time");
        await SubmitAsync(inspector, Inspection(inspected, RecentTime(), Answer("slope", "1:14")));
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        await CreateFacilityAsync(admin, "ramp", Yanshi, null, "偃师区坡道");

        var url = FormattableString.Invariant($"/api/v1/inspections/worklist?lon={start.Lon}&lat={start.Lat}");
        var worklist = await GetObjectAsync(inspector, url);
        var stops = worklist["stops"]!.AsArray();
        Assert.Equal([a, c, b], stops.Select(s => (long)s!["facilityId"]!));
        Assert.Equal([1, 2, 3], stops.Select(s => (int)s!["order"]!));
        Assert.All(stops, s => Assert.Equal("never", (string?)s!["state"]));

        // Legs are geodesic metres on the ellipsoid (PostGIS geography), summed in totalMetres.
        var points = new (double Lon, double Lat)[] { start, (start.Lon + step, start.Lat), (start.Lon + (2 * step), start.Lat), (start.Lon - (1.2 * step), start.Lat) };
        var total = 0.0;
        for (var i = 0; i < 3; i++)
        {
            var expected = await registry.ScalarAsync<double>(
                "SELECT ST_Distance(ST_SetSRID(ST_MakePoint($1, $2), 4490)::geography, ST_SetSRID(ST_MakePoint($3, $4), 4490)::geography)",
                points[i].Lon, points[i].Lat, points[i + 1].Lon, points[i + 1].Lat);
            Assert.Equal(expected, (double)stops[i]!["legMetres"]!, 0);
            total += (double)stops[i]!["legMetres"]!;
        }

        Assert.InRange((double)stops[0]!["legMetres"]!, 180, 185);
        Assert.Equal(total, (double)worklist["totalMetres"]!, 0);
        Assert.Equal(start.Lon, (double)worklist["start"]![0]!, 7);

        Assert.Equal(2, (await GetObjectAsync(inspector, url + "&limit=2"))["stops"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.GetAsync(Url(url + "&district=410307"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await registry.CreateClient().GetAsync(Url(url))).StatusCode);
        var noStart = await inspector.GetAsync(Url("/api/v1/inspections/worklist"));
        Assert.Equal(HttpStatusCode.BadRequest, noStart.StatusCode);
        Assert.Equal(["lat", "lon"], (await noStart.ErrorFieldsAsync()).Order(StringComparer.Ordinal));
        // The Yanshi ramp is the admin's, not the Yongji inspector's.
        var everywhere = await GetObjectAsync(admin, url);
        Assert.Equal(4, everywhere["stops"]!.AsArray().Count);
    }
}
