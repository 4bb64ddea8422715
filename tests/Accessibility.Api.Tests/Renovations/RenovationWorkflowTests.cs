using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Tests.Renovations;

[Collection(RegistryCollection.Name)]
public sealed class RenovationWorkflowTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_case_goes_the_whole_way_each_step_by_its_role_and_recorded()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var c = await RenovationApi.CreateAsync(planner, RenovationApi.Body("140881", at, RenovationApi.IdNumber()));
        Assert.Equal("identified", c.Status);
        Assert.Contains(c.SuggestedItems, s => s.Code == "entrance_ramp");

        async Task Ok(HttpClient who, string to, object? extra = null)
        {
            var r = await RenovationApi.StepAsync(who, c.Id, to, extra);
            Assert.True(r.StatusCode == HttpStatusCode.OK, to + ": " + await r.Content.ReadAsStringAsync());
        }

        await Ok(planner, "assessed");
        await Ok(admin, "approved");
        await Ok(planner, "contracted", new { contractor = "某某建筑公司" });
        await Ok(planner, "in_progress");
        await Ok(planner, "completed", new { finalCost = 5200 });
        await Ok(admin, "accepted", new { acceptanceNote = "坡道1:12，扶手高度0.85 m" });
        await Ok(admin, "followed_up", new { satisfaction = 5, satisfactionComment = "满意" });

        Assert.Equal(8L, await registry.ScalarAsync<long>("SELECT count(*) FROM renovation_case_events WHERE case_id = $1", c.Id));
        Assert.Equal("planner", await registry.ScalarAsync<string>(
            "SELECT role FROM renovation_case_events WHERE case_id = $1 AND to_status = 'completed'", c.Id));
        Assert.NotNull(await registry.ScalarAsync<DateTime?>("SELECT accepted_at::timestamp FROM renovation_cases WHERE id = $1", c.Id));
    }

    [Fact]
    public async Task Steps_out_of_order_or_by_the_wrong_role_are_refused_and_change_nothing()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var c = await RenovationApi.CreateAsync(planner, RenovationApi.Body("140881", at, RenovationApi.IdNumber()));

        // No "accepted" before "completed".
        var early = await RenovationApi.StepAsync(admin, c.Id, "accepted");
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        var problem = JsonNode.Parse(await early.Content.ReadAsStringAsync())!;
        Assert.Contains("identified", (string)problem["errors"]!["to"]![0]!, StringComparison.Ordinal);
        Assert.Equal("identified", (string?)problem["currentStatus"]);

        // The planner assesses; approving is the federation's (district-admin) step.
        Assert.Equal(HttpStatusCode.OK, (await RenovationApi.StepAsync(planner, c.Id, "assessed")).StatusCode);
        var wrongRole = await RenovationApi.StepAsync(planner, c.Id, "approved");
        Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);
        Assert.Contains("district-admin", await wrongRole.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Inspectors have no access to households at all.
        Assert.Equal(HttpStatusCode.Forbidden, (await RenovationApi.StepAsync(inspector, c.Id, "approved")).StatusCode);

        // Rejecting needs a reason.
        var noReason = await RenovationApi.StepAsync(admin, c.Id, "rejected");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains("\"reason\"", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Completing needs a final cost that is not negative.
        Assert.Equal(HttpStatusCode.OK, (await RenovationApi.StepAsync(admin, c.Id, "approved")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RenovationApi.StepAsync(planner, c.Id, "contracted", new { contractor = "甲公司" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RenovationApi.StepAsync(planner, c.Id, "in_progress")).StatusCode);
        var negative = await RenovationApi.StepAsync(planner, c.Id, "completed", new { finalCost = -1 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, negative.StatusCode);
        Assert.Contains("finalCost", await negative.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal("in_progress", await registry.ScalarAsync<string>("SELECT status FROM renovation_cases WHERE id = $1", c.Id));
        Assert.Null(await registry.ScalarAsync<decimal?>("SELECT final_cost FROM renovation_cases WHERE id = $1", c.Id));
        Assert.Equal(5L, await registry.ScalarAsync<long>("SELECT count(*) FROM renovation_case_events WHERE case_id = $1", c.Id));
    }

    [Theory]
    [InlineData("idNumber", "wrong-check")]
    [InlineData("idNumber", "140881195013019013")] // month 13
    [InlineData("disabilityGrade", "3")]
    [InlineData("costEstimate", "-100")]
    [InlineData("location", "outside")]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_stored(string field, string value)
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var body = RenovationApi.Body("140881", at, RenovationApi.IdNumber());
        switch (field)
        {
            case "idNumber":
                var valid = RenovationApi.IdNumber();
                body["idNumber"] = value == "wrong-check" ? valid[..17] + (valid[17] == '0' ? '1' : '0') : value;
                break;
            case "disabilityGrade":
                body["disabilityGrade"] = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "costEstimate":
                body["costEstimate"] = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "location":
                // A point in Yanshi (Henan) for a case of Yongji (Shanxi).
                var yanshi = await RenovationApi.InsideAsync(registry, "410307");
                body["location"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(yanshi[0], yanshi[1]) };
                break;
        }

        var response = await planner.PostAsync(new Uri("/api/v1/renovations/cases", UriKind.Relative),
            new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonNode.Parse(text)!["errors"]![field] is not null, text);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM renovation_cases"));
    }

    [Fact]
    public async Task A_second_open_case_for_the_same_ID_number_is_a_conflict()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var id = RenovationApi.IdNumber(sequence: 902);
        await RenovationApi.CreateAsync(planner, RenovationApi.Body("140881", at, id));
        var again = await planner.PostAsync(new Uri("/api/v1/renovations/cases", UriKind.Relative),
            new StringContent(RenovationApi.Body("140881", at, id.ToLowerInvariant()).ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("idNumber", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
