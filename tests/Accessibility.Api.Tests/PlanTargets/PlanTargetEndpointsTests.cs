using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.PlanTargets;

namespace Accessibility.Api.Tests.PlanTargets;

[Collection(RegistryCollection.Name)]
public sealed class PlanTargetEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public async Task DisposeAsync() =>
        await registry.ScalarAsync<int>("DELETE FROM plan_targets WHERE indicator LIKE 'test_%' RETURNING 1");

    [Fact]
    public async Task The_seed_plans_targets_are_loaded_with_their_sources()
    {
        using var client = registry.CreateClient();
        var yongji = await client.GetFromJsonAsync<PlanTargetList>("/api/v1/plan-targets?district=140881", ApiJson.Options);
        var binding = Assert.Single(yongji!.Items, t => t.Indicator == "household_renovations");
        Assert.Equal(100m, binding.Value);
        Assert.True(binding.Binding);
        Assert.Equal(PlanTargetKind.Count, binding.Kind);
        Assert.Contains("专栏1", binding.SourceTable, StringComparison.Ordinal);
        var project = Assert.Single(yongji.Items, t => t.Indicator == "household_renovations_key_project");
        Assert.Equal(150m, project.Value);
        Assert.False(project.Binding);

        var yanshi = await client.GetFromJsonAsync<PlanTargetList>("/api/v1/plan-targets?district=410307", ApiJson.Options);
        var coverage = Assert.Single(yanshi!.Items);
        Assert.Equal(PlanTargetKind.Ratio, coverage.Kind);
        Assert.Equal(0.5m, coverage.Value);
        Assert.Equal(">", coverage.Comparator);

        var xuecheng = await client.GetFromJsonAsync<PlanTargetList>("/api/v1/plan-targets?district=370403", ApiJson.Options);
        Assert.Equal(1m, Assert.Single(xuecheng!.Items).Value);

        // Yongji with its ancestors also shows Shanxi's 20,000 households for 2021–2025.
        var withShanxi = await client.GetFromJsonAsync<PlanTargetList>("/api/v1/plan-targets?district=140881&ancestors=true", ApiJson.Options);
        var shanxi = Assert.Single(withShanxi!.Items, t => t.DistrictCode == "140000" && t.Indicator == "household_renovations");
        Assert.Equal((20000m, 2021, 2025), (shanxi.Value, shanxi.PeriodStart, shanxi.PeriodEnd));
    }

    [Fact]
    public async Task District_admin_creates_updates_with_version_and_deletes_with_audit()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var created = await admin.PostAsJsonAsync("/api/v1/plan-targets", Target("140881", 120), ApiJson.Options);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var target = (await created.Content.ReadFromJsonAsync<PlanTargetResponse>(ApiJson.Options))!;
        Assert.Equal(120m, target.Value);

        var updated = await admin.PutAsJsonAsync($"/api/v1/plan-targets/{target.Id}", Target("140881", 130) with { Version = target.Version }, ApiJson.Options);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = (await updated.Content.ReadFromJsonAsync<PlanTargetResponse>(ApiJson.Options))!;
        Assert.Equal(130m, after.Value);
        Assert.NotEqual(target.Version, after.Version);

        // A second editor still holding the first version is refused and shown the current one.
        var stale = await admin.PutAsJsonAsync($"/api/v1/plan-targets/{target.Id}", Target("140881", 140) with { Version = target.Version }, ApiJson.Options);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("\"value\":130", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var ifMatch = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/plan-targets/{target.Id}")
        {
            Content = JsonContent.Create(Target("140881", 150), options: ApiJson.Options),
        };
        ifMatch.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{after.Version}\""));
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(ifMatch)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/v1/plan-targets/{target.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri($"/api/v1/plan-targets/{target.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(4L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'plan_target' AND entity_id = $1", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Targets_are_written_only_by_administrators_of_the_district()
    {
        using var anonymous = registry.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/plan-targets", Target("140881", 1), ApiJson.Options)).StatusCode);
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.PostAsJsonAsync("/api/v1/plan-targets", Target("140881", 1), ApiJson.Options)).StatusCode);
        using var yanshiAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        Assert.Equal(HttpStatusCode.Forbidden, (await yanshiAdmin.PostAsJsonAsync("/api/v1/plan-targets", Target("140881", 1), ApiJson.Options)).StatusCode);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM plan_targets WHERE indicator LIKE 'test_%'"));
    }

    [Fact]
    public async Task Bad_targets_are_refused_naming_each_field_and_nothing_is_stored()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var bad = await admin.PostAsJsonAsync("/api/v1/plan-targets", new
        {
            districtCode = "149999",
            indicator = "Household Renovations",
            title = "",
            kind = "ratio",
            value = 50,
            comparator = "≈",
            periodStart = 2025,
            periodEnd = 2021,
            binding = (bool?)null,
            sourceDocument = "plan",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync();
        foreach (var field in new[] { "districtCode", "indicator", "title", "value", "comparator", "periodEnd", "binding" })
        {
            Assert.Contains($"\"{field}\"", body, StringComparison.Ordinal);
        }

        var malformed = await admin.PostAsync(new Uri("/api/v1/plan-targets", UriKind.Relative),
            new StringContent("""{"districtCode":"140881","value":"many"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("\"value\"", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unknownKind = await admin.PostAsync(new Uri("/api/v1/plan-targets", UriKind.Relative),
            new StringContent("""{"districtCode":"140881","kind":"percentage"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownKind.StatusCode);
        Assert.Contains("\"kind\"", await unknownKind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM plan_targets WHERE district_code = '149999' OR indicator LIKE 'test_%'"));
    }

    private static PlanTargetRequest Target(string district, decimal value) => new(
        district, "test_household_renovations", "困难重度残疾人家庭无障碍改造数（户）", PlanTargetKind.Count, value, ">=", "户",
        2021, 2025, true, "测试规划", "专栏1", null, null);
}
