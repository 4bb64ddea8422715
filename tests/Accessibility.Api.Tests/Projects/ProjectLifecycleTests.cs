using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Facilities;
using static Accessibility.Api.Tests.Projects.ProjectApi;

namespace Accessibility.Api.Tests.Projects;

/// <summary>
/// A construction project from registration to acceptance, through HTTP against the real service: barrier-free checks at
/// design review and acceptance judged by the inspection judge, failures that block the next step until corrected or
/// waived by an administrator, and acceptance entering the planned facilities in the registry, each inspected once.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ProjectLifecycleTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_project_goes_from_planning_to_acceptance_and_its_facilities_enter_the_registry_inspected_once()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var created = await CreateAsync(planner);
        var id = (long)created["id"]!;
        Assert.Equal("planning", (string?)created["stage"]);
        Assert.Equal(Yongji, (string?)created["districtCode"]);

        var ramp = await AddAsync(planner, id, Ramp());
        var entrance = await AddAsync(planner, id, Entrance());
        await MoveAsync(planner, id, "design-review");
        var reviewed = await CheckAsync(planner, id, ramp, RampAnswers());
        Assert.Equal("pass", (string?)reviewed["plannedFacilities"]![0]!["designReview"]!["result"]);
        await CheckAsync(planner, id, entrance, EntranceAnswers());
        await MoveAsync(planner, id, "construction");
        await MoveAsync(planner, id, "acceptance");
        await CheckAsync(planner, id, ramp, RampAnswers());
        var checkedEntrance = await CheckAsync(planner, id, entrance, EntranceAnswers());
        var items = checkedEntrance["plannedFacilities"]![1]!["acceptance"]!["items"]!.AsArray();
        var notApplicable = items.Single(i => (string?)i!["item"] == "doors_in_series")!;
        Assert.Equal("not_applicable", (string?)notApplicable["verdict"]);
        Assert.Equal("单道自动门，无连续两道门", (string?)notApplicable["reason"]);

        var accepted = await StepAsync(planner, id, "/accept", new JsonObject());
        Assert.Equal("accepted", (string?)accepted["stage"]);
        Assert.True((bool)accepted["barrierFreeCompliant"]!);
        Assert.NotNull(accepted["acceptedAt"]);

        // Each planned facility is a facility of the registry linked to the project, with exactly one (passing) inspection.
        foreach (var planned in new[] { ramp, entrance })
        {
            var facility = await registry.ScalarAsync<long>("SELECT facility_id FROM project_facilities WHERE id = $1", planned);
            Assert.Equal("construction-project", await registry.ScalarAsync<string>("SELECT source FROM facilities WHERE id = $1", facility));
            Assert.Equal("project:" + Id(id) + ":" + Id(planned), await registry.ScalarAsync<string>("SELECT external_id FROM facilities WHERE id = $1", facility));
            Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM inspections WHERE facility_id = $1", facility));
            Assert.Equal("pass", await registry.ScalarAsync<string>("SELECT result FROM inspections WHERE facility_id = $1", facility));
            using var read = await planner.GetAsync(FacilityApi.Url("/api/v1/facilities/" + Id(facility)));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("operational", (string?)(await read.ReadObjectAsync())["properties"]!["status"]);
        }

        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'construction-project'"));
        Assert.Equal(1L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'construction-project' AND entity_id = $1 AND after->>'stage' = 'accepted'", Id(id)));

        // Nothing more happens to an accepted project.
        using var again = await PostAsync(planner, id, "/accept", new JsonObject());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_design_review_failure_blocks_construction_until_a_new_check_passes()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var id = (long)(await CreateAsync(planner))["id"]!;
        var ramp = await AddAsync(planner, id, Ramp());
        await MoveAsync(planner, id, "design-review");
        var failed = await CheckAsync(planner, id, ramp, RampAnswers(slope: 0.1, note: "坡度1:10过陡，改为1:12以下"));
        var failure = failed["plannedFacilities"]![0]!["designReview"]!["items"]!.AsArray().Single(i => (string?)i!["item"] == "slope")!;
        Assert.Equal("fail", (string?)failure["verdict"]);
        Assert.Equal("GB 55019 §2.3", (string?)failure["clause"]);
        Assert.NotNull(failure["requirement"]);
        Assert.Equal("坡度1:10过陡，改为1:12以下", (string?)failure["note"]);

        using (var blocked = await PostAsync(planner, id, "/stage", new JsonObject { ["stage"] = "construction" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
            Assert.Contains("plannedFacilities[" + Id(ramp) + "].slope", await blocked.ErrorFieldsAsync());
        }

        await CheckAsync(planner, id, ramp, RampAnswers(slope: 0.08));
        Assert.Equal("construction", (string?)(await MoveAsync(planner, id, "construction"))["stage"]);
    }

    [Fact]
    public async Task An_acceptance_failure_blocks_acceptance_until_an_administrator_waives_it_and_then_the_project_is_not_compliant()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        var (id, ramp, entrance) = await AtAcceptanceAsync(planner);
        await CheckAsync(planner, id, ramp, RampAnswers(slope: 0.1, note: "坡道实测1:10"));
        await CheckAsync(planner, id, entrance, EntranceAnswers());

        using (var refused = await PostAsync(planner, id, "/accept", new JsonObject()))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var problem = await refused.ReadObjectAsync();
            Assert.Equal(["plannedFacilities[" + Id(ramp) + "].slope"], problem["errors"]!.AsObject().Select(e => e.Key).ToArray());
            var message = (string?)problem["errors"]!["plannedFacilities[" + Id(ramp) + "].slope"]![0];
            Assert.Contains("坡道实测1:10", message, StringComparison.Ordinal);
            Assert.Contains("GB 55019 §2.3", message, StringComparison.Ordinal);
        }

        var waiver = new JsonObject { ["plannedFacilityId"] = ramp, ["item"] = "slope", ["reason"] = "既有地形限制，经专家论证同意" };
        using (var byPlanner = await PostAsync(planner, id, "/waivers", waiver.DeepClone()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byPlanner.StatusCode);
        }

        using (var notFailing = await PostAsync(admin, id, "/waivers", new JsonObject { ["plannedFacilityId"] = entrance, ["item"] = "door_width", ["reason"] = "无" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, notFailing.StatusCode);
            Assert.Contains("item", await notFailing.ErrorFieldsAsync());
        }

        await StepAsync(admin, id, "/waivers", waiver);
        Assert.Equal("既有地形限制，经专家论证同意", await registry.ScalarAsync<string>(
            "SELECT after->>'reason' FROM audit_entries WHERE entity_type = 'project-waiver' AND action = 'create'"));
        Assert.NotNull(await registry.ScalarAsync<long?>("SELECT user_id FROM audit_entries WHERE entity_type = 'project-waiver'"));

        var accepted = await StepAsync(planner, id, "/accept", new JsonObject());
        Assert.Equal("accepted", (string?)accepted["stage"]);
        Assert.False((bool)accepted["barrierFreeCompliant"]!);
        Assert.False(await registry.ScalarAsync<bool>("SELECT barrier_free_compliant FROM construction_projects WHERE id = $1", id));

        // The ramp's one inspection records the check as it was: failed.
        var facility = await registry.ScalarAsync<long>("SELECT facility_id FROM project_facilities WHERE id = $1", ramp);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM inspections WHERE facility_id = $1", facility));
        Assert.Equal("fail", await registry.ScalarAsync<string>("SELECT result FROM inspections WHERE facility_id = $1", facility));
    }

    [Fact]
    public async Task An_acceptance_failure_corrected_by_a_passing_check_lets_the_project_be_accepted_compliant()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var (id, ramp, entrance) = await AtAcceptanceAsync(planner);
        await CheckAsync(planner, id, ramp, RampAnswers(slope: 0.1));
        await CheckAsync(planner, id, entrance, EntranceAnswers());
        using (var refused = await PostAsync(planner, id, "/accept", new JsonObject()))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        await CheckAsync(planner, id, ramp, RampAnswers(slope: 0.08));
        var accepted = await StepAsync(planner, id, "/accept", new JsonObject());
        Assert.True((bool)accepted["barrierFreeCompliant"]!);
    }

    [Fact]
    public async Task Staff_of_another_county_are_refused_and_the_public_sees_no_documents_names_or_user_ids()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        using var yanshi = await registry.CreateUserClientAsync(Roles.Planner, "410307");
        using var yanshiAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        var id = (long)(await CreateAsync(planner))["id"]!;
        var ramp = await AddAsync(planner, id, Ramp());
        await MoveAsync(planner, id, "design-review");
        await CheckAsync(planner, id, ramp, RampAnswers(slope: 0.1));

        using (var create = await yanshi.PostAsync(FacilityApi.Url("/api/v1/projects"), FacilityApi.Json(Body())))
        {
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        }

        foreach (var (step, body) in new (string, JsonNode)[]
        {
            ("/stage", new JsonObject { ["stage"] = "construction" }),
            ("/checks", new JsonObject { ["plannedFacilityId"] = ramp, ["answers"] = RampAnswers() }),
            ("/facilities", Ramp("另一坡道")),
        })
        {
            using var refused = await PostAsync(yanshi, id, step, body);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var waiver = await PostAsync(yanshiAdmin, id, "/waivers", new JsonObject { ["plannedFacilityId"] = ramp, ["item"] = "slope", ["reason"] = "x" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, waiver.StatusCode);
        }

        // A PDF: stored as given, its hash kept, read by staff only.
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        using (var uploaded = await planner.PostAsync(FacilityApi.Url("/api/v1/projects/" + Id(id) + "/documents"), Document(pdf, "施工图审查意见.pdf", "施工图审查意见书")))
        {
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
            var document = await uploaded.ReadObjectAsync();
            Assert.Equal("application/pdf", (string?)document["contentType"]);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), (string?)document["sha256"]);
            using var download = await planner.GetAsync(uploaded.Headers.Location);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
            using var anonymousDownload = await registry.CreateClient().GetAsync(uploaded.Headers.Location);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymousDownload.StatusCode);
            using var otherCounty = await yanshi.GetAsync(uploaded.Headers.Location);
            Assert.Equal(HttpStatusCode.Forbidden, otherCounty.StatusCode);
        }

        using (var notADocument = await planner.PostAsync(FacilityApi.Url("/api/v1/projects/" + Id(id) + "/documents"), Document(Encoding.ASCII.GetBytes("MZ\u0090\u0000 not a pdf"), "x.pdf", "伪装文件")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, notADocument.StatusCode);
            Assert.Contains("file", await notADocument.ErrorFieldsAsync());
        }

        var staffView = await GetAsync(planner, id);
        Assert.Single(staffView["documents"]!.AsArray());
        Assert.NotNull(staffView["plannedFacilities"]![0]!["designReview"]!["checkerName"]);

        using var anonymous = registry.CreateClient();
        var publicView = await GetAsync(anonymous, id);
        var text = publicView.ToJsonString();
        Assert.Null(publicView["documents"]);
        Assert.Null(publicView["registeredBy"]);
        Assert.DoesNotContain("checkerName", text, StringComparison.Ordinal);
        Assert.DoesNotContain("checkedBy", text, StringComparison.Ordinal);
        Assert.DoesNotContain("施工图审查意见", text, StringComparison.Ordinal);
        Assert.Equal("fail", (string?)publicView["plannedFacilities"]![0]!["designReview"]!["result"]);
        // Staff of another county see the public view too.
        Assert.Null((await GetAsync(yanshi, id))["documents"]);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_fields()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var bad = Body();
        bad["name"] = " ";
        bad["projectType"] = "bridge";
        bad["works"] = "rebuild";
        using (var response = await planner.PostAsync(FacilityApi.Url("/api/v1/projects"), FacilityApi.Json(bad)))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal(["name", "projectType", "works"], (await response.ErrorFieldsAsync()).Order(StringComparer.Ordinal).ToArray());
        }

        var outside = Body();
        outside["geometry"] = FacilityApi.Point(FacilityApi.Beijing);
        using (var response = await planner.PostAsync(FacilityApi.Url("/api/v1/projects"), FacilityApi.Json(outside)))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains("geometry", await response.ErrorFieldsAsync());
        }

        using (var response = await planner.PostAsync(FacilityApi.Url("/api/v1/projects"), FacilityApi.Json("{\"name\": 12")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var id = (long)(await CreateAsync(planner))["id"]!;
        using (var unknown = await planner.GetAsync(FacilityApi.Url("/api/v1/projects/" + Id(id) + "?detail=all")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("detail", await unknown.ErrorFieldsAsync());
        }

        // A curb ramp does not apply to a building project (data/project-types.json).
        using (var response = await PostAsync(planner, id, "/facilities", new JsonObject
        {
            ["kind"] = "curb_ramp",
            ["name"] = "缘石坡道",
            ["geometry"] = FacilityApi.Point((110.4475, 34.8672)),
        }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal(["kind"], await response.ErrorFieldsAsync());
        }

        var ramp = await AddAsync(planner, id, Ramp());
        using (var tooEarly = await PostAsync(planner, id, "/checks", new JsonObject { ["plannedFacilityId"] = ramp, ["answers"] = RampAnswers() }))
        {
            Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);
        }

        using (var skipping = await PostAsync(planner, id, "/stage", new JsonObject { ["stage"] = "acceptance" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, skipping.StatusCode);
        }

        await MoveAsync(planner, id, "design-review");
        var answers = RampAnswers();
        answers.RemoveAt(3); // handrail_height applies: it must be answered
        answers[1] = new JsonObject { ["item"] = "rise", ["notApplicable"] = true }; // not applicable needs a reason
        answers[2] = Answer("landing_length", 250); // metres: outside the physical range
        using (var response = await PostAsync(planner, id, "/checks", new JsonObject { ["plannedFacilityId"] = ramp, ["answers"] = answers }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal(["answers", "answers[1].reason", "answers[2].value"], (await response.ErrorFieldsAsync()).Order(StringComparer.Ordinal).ToArray());
        }

        using (var response = await PostAsync(planner, id, "/checks", new JsonObject { ["plannedFacilityId"] = 999_999, ["answers"] = RampAnswers() }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal(["plannedFacilityId"], await response.ErrorFieldsAsync());
        }
    }
}
