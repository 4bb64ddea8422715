using System.Net;
using System.Text.Json.Nodes;
using static Accessibility.Api.Tests.Projects.ProjectFixtures;

namespace Accessibility.Api.Tests.Projects;

/// <summary>
/// The public list of construction projects (<c>GET /api/v1/projects</c>): filters, paging, GeoJSON, unknown parameters,
/// the barrier-free status per project, and no personal data (the keys of the answer are asserted one by one).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ProjectListTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly string[] ProjectKeys =
    [
        "id", "name", "builder", "projectType", "works", "districtCode", "districtName", "townshipCode", "townshipName", "stage",
        "plannedCompletion", "acceptedAt", "updatedAt", "location", "barrierFree",
    ];

    private static readonly string[] StatusKeys = ["plannedFacilities", "checks", "facilitiesChecked", "openFailures", "waivedItems", "compliant"];

    private long school;

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        // 永济市: a school under construction with two planned facilities: the ramp failed its design review on two items,
        // one of them waived; the toilet passed. A road in design review. An accepted library. A deleted project.
        school = await ProjectAsync(registry, "永济市第二实验小学", "new", "140881", "140881001", "construction", null, null, Day(2025, 3, 1));
        var ramp = await PlannedFacilityAsync(registry, school, "ramp", "教学楼入口坡道", Day(2025, 3, 1));
        var toilet = await PlannedFacilityAsync(registry, school, "accessible_toilet", "教学楼无障碍厕所", Day(2025, 3, 1));
        await CheckAsync(registry, school, ramp, "design-review", Day(2025, 4, 1), "审查员甲", ("slope", "fail"), ("handrail", "fail"), ("width", "pass"));
        await CheckAsync(registry, school, toilet, "design-review", Day(2025, 4, 1), "审查员甲", ("door_width", "pass"));
        await WaiverAsync(registry, school, ramp, "handrail", "场地受限", Day(2025, 4, 2));
        await ProjectAsync(registry, "舜都大道人行道", "alteration", "140881", null, "design-review", null, null, Day(2025, 5, 1), lon: 110.46, lat: 34.87, type: "road");
        await ProjectAsync(registry, "永济市图书馆", "new", "140881", null, "accepted", Day(2024, 5, 10), true, Day(2024, 5, 10));
        var deleted = await ProjectAsync(registry, "误登记项目", "new", "140881", null, "planning", null, null, Day(2025, 6, 1));
        await WriteAsync(registry, "UPDATE construction_projects SET deleted_at = now() WHERE id = @id", DateTimeOffset.UtcNow.AddMinutes(-1), ("id", deleted));
        // 盐湖区 (another county of 运城市).
        await ProjectAsync(registry, "盐湖区文化馆", "new", "140802", null, "construction", null, null, Day(2025, 7, 1), lon: 111.0, lat: 35.0, type: "public_building");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpStatusCode Status, JsonObject Body, string? MediaType)> GetAsync(string path)
    {
        using var client = registry.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), response.Content.Headers.ContentType?.MediaType);
    }

    private static string[] Names(JsonObject body) => body["items"]!.AsArray().Select(i => (string)i!["name"]!).ToArray();

    [Fact]
    public async Task Anyone_lists_the_projects_with_their_barrier_free_status_and_no_personal_data()
    {
        var (status, body, mediaType) = await GetAsync("/api/v1/projects?district=140881");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", mediaType);
        Assert.Equal(["永济市第二实验小学", "舜都大道人行道", "永济市图书馆"], Names(body));
        Assert.Equal(3, (int)body["numberMatched"]!);
        foreach (var item in body["items"]!.AsArray())
        {
            Assert.Equal(ProjectKeys.Order(StringComparer.Ordinal), item!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Equal(StatusKeys.Order(StringComparer.Ordinal), item["barrierFree"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        }

        var text = body.ToJsonString();
        Assert.DoesNotContain("审查员", text, StringComparison.Ordinal);
        Assert.DoesNotContain("场地受限", text, StringComparison.Ordinal);

        var first = body["items"]![0]!;
        Assert.Equal("城西街道", (string?)first["townshipName"]);
        var barrierFree = first["barrierFree"]!;
        Assert.Equal(2, (int)barrierFree["plannedFacilities"]!);
        Assert.Equal(2, (int)barrierFree["checks"]!);
        Assert.Equal(2, (int)barrierFree["facilitiesChecked"]!);
        Assert.Equal(1, (int)barrierFree["openFailures"]!);   // slope; handrail is waived
        Assert.Equal(1, (int)barrierFree["waivedItems"]!);
        Assert.Null(barrierFree["compliant"]);
        Assert.True((bool)body["items"]![2]!["barrierFree"]!["compliant"]!);
        Assert.Equal(110.447, (double)first["location"]![0]!, 6);
    }

    [Fact]
    public async Task Filters_by_district_with_children_stage_type_and_bbox()
    {
        Assert.Equal(["永济市第二实验小学", "舜都大道人行道", "永济市图书馆", "盐湖区文化馆"], Names((await GetAsync("/api/v1/projects?district=140800")).Body));
        Assert.Equal(["永济市第二实验小学"], Names((await GetAsync("/api/v1/projects?district=140881001")).Body));
        Assert.Equal(["永济市第二实验小学", "盐湖区文化馆"], Names((await GetAsync("/api/v1/projects?stage=construction")).Body));
        Assert.Equal(["永济市第二实验小学", "舜都大道人行道", "盐湖区文化馆"], Names((await GetAsync("/api/v1/projects?stage=design-review,construction")).Body));
        Assert.Equal(["舜都大道人行道"], Names((await GetAsync("/api/v1/projects?type=road")).Body));
        Assert.Equal(["舜都大道人行道"], Names((await GetAsync("/api/v1/projects?bbox=110.455,34.865,110.465,34.875")).Body));
        Assert.Empty(Names((await GetAsync("/api/v1/projects?district=410307")).Body));
    }

    [Fact]
    public async Task Pages_with_limit_offset_and_links()
    {
        var (_, page1, _) = await GetAsync("/api/v1/projects?limit=2");
        Assert.Equal(["永济市第二实验小学", "舜都大道人行道"], Names(page1));
        Assert.Equal((4, 2), ((int)page1["numberMatched"]!, (int)page1["numberReturned"]!));
        var next = page1["links"]!.AsArray().Single(l => (string?)l!["rel"] == "next")!;
        Assert.Contains("offset=2", (string?)next["href"], StringComparison.Ordinal);
        Assert.DoesNotContain(page1["links"]!.AsArray(), l => (string?)l!["rel"] == "prev");

        var (_, page2, _) = await GetAsync("/api/v1/projects?limit=2&offset=2");
        Assert.Equal(["永济市图书馆", "盐湖区文化馆"], Names(page2));
        Assert.DoesNotContain(page2["links"]!.AsArray(), l => (string?)l!["rel"] == "next");
        Assert.Contains(page2["links"]!.AsArray(), l => (string?)l!["rel"] == "prev");
    }

    [Fact]
    public async Task GeoJson_by_parameter_or_by_extension()
    {
        foreach (var path in new[] { "/api/v1/projects?f=geojson&district=140802", "/api/v1/projects.geojson?district=140802" })
        {
            var (status, body, mediaType) = await GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("application/geo+json", mediaType);
            Assert.Equal("FeatureCollection", (string?)body["type"]);
            var feature = Assert.Single(body["features"]!.AsArray())!;
            Assert.Equal("Point", (string?)feature["geometry"]!["type"]);
            Assert.Equal("盐湖区文化馆", (string?)feature["properties"]!["name"]);
            Assert.Equal(ProjectKeys.Where(k => k != "location").Order(StringComparer.Ordinal), feature["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("/api/v1/projects?sort=name", "sort")]
    [InlineData("/api/v1/projects?district=abc", "district")]
    [InlineData("/api/v1/projects?stage=built", "stage")]
    [InlineData("/api/v1/projects?type=a%20b", "type")]
    [InlineData("/api/v1/projects?bbox=1,2,3", "bbox")]
    [InlineData("/api/v1/projects?limit=0", "limit")]
    [InlineData("/api/v1/projects?offset=-1", "offset")]
    [InlineData("/api/v1/projects?f=kml", "f")]
    [InlineData("/api/v1/projects.geojson?owner=1", "owner")]
    public async Task A_bad_or_unknown_parameter_is_a_400_naming_it(string path, string field)
    {
        var (status, body, _) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body["errors"]!.AsObject().ContainsKey(field), body.ToJsonString());
    }
}
