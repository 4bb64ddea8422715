using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Facilities;
using static Accessibility.Api.Tests.Projects.ProjectApi;

namespace Accessibility.Api.Tests.Projects;

/// <summary>
/// A road project plans the road itself (a sidewalk line with its road attributes) beside its curb ramps: it is checked
/// like a facility (sidewalk clear width ≥ 1.50 m, GB 50763 §3.5) and enters the registry as a road segment on acceptance.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ProjectRoadSegmentTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonObject Sidewalk(JsonObject? attributes = null) => new()
    {
        ["kind"] = "road_segment",
        ["name"] = "舜都大道人行道（北段）",
        ["geometry"] = new JsonObject
        {
            ["type"] = "LineString",
            ["coordinates"] = new JsonArray(new JsonArray(110.4460, 34.8662), new JsonArray(110.4470, 34.8665), new JsonArray(110.4480, 34.8668)),
        },
        ["attributes"] = attributes ?? new JsonObject
        {
            ["road_class"] = "secondary",
            ["sidewalk_width_m"] = 2.0,
            ["curb_ramp_start"] = true,
            ["curb_ramp_end"] = true,
            ["tactile_paving"] = "continuous",
            ["surface"] = "paving_stones",
        },
    };

    private static JsonArray SidewalkAnswers(double width) =>
        [Answer("sidewalk_width", width), Answer("curb_ramp_start", true), Answer("curb_ramp_end", true), Answer("tactile_paving_clear", true)];

    [Fact]
    public async Task A_road_projects_sidewalk_is_checked_and_enters_the_registry_as_a_road_segment_on_acceptance()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var id = (long)(await CreateAsync(planner, Body("舜都大道改造工程", "road")))["id"]!;
        var sidewalk = await AddAsync(planner, id, Sidewalk());
        await MoveAsync(planner, id, "design-review");

        // Designed too narrow: the judge fails it on the verified clause, and the project cannot leave design review.
        var failed = await CheckAsync(planner, id, sidewalk, SidewalkAnswers(1.2));
        var width = failed["plannedFacilities"]![0]!["designReview"]!["items"]!.AsArray().Single(i => (string?)i!["item"] == "sidewalk_width")!;
        Assert.Equal("fail", (string?)width["verdict"]);
        Assert.Equal("GB 50763 §3.5", (string?)width["clause"]);
        using (var blocked = await PostAsync(planner, id, "/stage", new JsonObject { ["stage"] = "construction" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
            Assert.Contains("plannedFacilities[" + Id(sidewalk) + "].sidewalk_width", await blocked.ErrorFieldsAsync());
        }

        await CheckAsync(planner, id, sidewalk, SidewalkAnswers(2.0));
        await MoveAsync(planner, id, "construction");
        await MoveAsync(planner, id, "acceptance");
        await CheckAsync(planner, id, sidewalk, SidewalkAnswers(1.8));
        var accepted = await StepAsync(planner, id, "/accept", new JsonObject());
        Assert.True((bool)accepted["barrierFreeCompliant"]!);

        // The road segment is in the registry, linked to the project, with the width as built (the acceptance check's).
        var road = await registry.ScalarAsync<long>("SELECT road_segment_id FROM project_facilities WHERE id = $1", sidewalk);
        Assert.Null(await registry.ScalarAsync<long?>("SELECT facility_id FROM project_facilities WHERE id = $1", sidewalk));
        using var read = await planner.GetAsync(FacilityApi.Url("/api/v1/roads/" + Id(road)));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var properties = (await read.ReadObjectAsync())["properties"]!;
        Assert.Equal("secondary", (string?)properties["roadClass"]);
        Assert.Equal(1.8, (double)properties["sidewalkWidthM"]!);
        Assert.True((bool)properties["curbRampStart"]!);
        Assert.Equal("continuous", (string?)properties["tactilePaving"]);
        Assert.Equal("舜都大道人行道（北段）", (string?)properties["name"]);
        Assert.Equal("project:" + Id(id) + ":" + Id(sidewalk), await registry.ScalarAsync<string>("SELECT external_id FROM road_segments WHERE id = $1", road));
        Assert.Equal(Yongji, await registry.ScalarAsync<string>("SELECT district_code FROM road_segments WHERE id = $1", road));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'construction-project'"));
        Assert.Equal(1L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'road' AND entity_id = $1 AND (after->>'projectId')::bigint = $2", Id(road), id));

        // The project's public view links the planned sidewalk to its road.
        var view = await GetAsync(new HttpClient { BaseAddress = planner.BaseAddress }, id);
        Assert.Equal(road, (long)view["plannedFacilities"]![0]!["roadSegmentId"]!);
    }

    [Fact]
    public async Task A_road_segment_is_planned_only_in_a_road_project_as_a_line_with_a_road_class()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var building = (long)(await CreateAsync(planner))["id"]!;
        using (var wrongType = await planner.PostAsync(FacilityApi.Url("/api/v1/projects/" + Id(building) + "/facilities"), FacilityApi.Json(Sidewalk())))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongType.StatusCode);
            Assert.Contains("kind", await wrongType.ErrorFieldsAsync());
        }

        var road = (long)(await CreateAsync(planner, Body("舜都大道改造工程", "road")))["id"]!;
        var point = Sidewalk();
        point["geometry"] = FacilityApi.Point((110.4475, 34.8672));
        point["attributes"] = new JsonObject { ["sidewalk_width_m"] = 2.0 };
        using var refused = await planner.PostAsync(FacilityApi.Url("/api/v1/projects/" + Id(road) + "/facilities"), FacilityApi.Json(point));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var fields = await refused.ErrorFieldsAsync();
        Assert.Contains("geometry", fields);
        Assert.Contains("attributes.road_class", fields);
    }
}
