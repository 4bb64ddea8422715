using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Tests.Renovations;
using Accessibility.Api.Tests.Sharing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Authorization;

/// <summary>
/// The authorization matrix, generated from the running service's route table: every route declares its rule
/// (<see cref="AccessRule"/>, or <c>AllowAnonymous</c>), and every route that writes or reads staff data is called by
/// anonymous, each role of the record's district (Yongji 140881), each role of another district (Yanshi 410307), a grid worker
/// of Yongji whose grid holds none of the records, a system administrator and API keys with and without the layer, each answer checked against the rule table
/// (<see cref="AccessRules"/>): refused is 401/403 (404 where a household's existence is hidden), admitted is anything else.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class AuthorizationMatrixTests(RegistryFixture registry, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Yongji = SharingTestData.Yongji;
    private const string Yanshi = SharingTestData.Yanshi;

    /// <summary>Routes that change data without anyone signed in, by name: signing in and out. Any other is a finding.</summary>
    private static readonly HashSet<string> AnonymousWrites = ["Login", "Logout"];

    private static readonly HashSet<string> Hidden = [ResourceKinds.RenovationCase, ResourceKinds.User, ResourceKinds.ApiKey];

    public Task InitializeAsync() => registry.ResetAsync();

    // Plan targets are loaded data, not emptied by ResetAsync: the ones this test adds go again.
    public async Task DisposeAsync() => await registry.ScalarAsync<int>("DELETE FROM plan_targets WHERE indicator = 'matrix_check' RETURNING 1");

    private sealed record Route(string Name, string Method, string Pattern, AccessRule? Rule, bool Anonymous);

    private IReadOnlyList<Route> Routes() =>
        [.. registry.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .Select(e => new Route(
                e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single(),
                e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<AccessRule>(),
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null))];

    [Fact]
    public void Every_route_declares_its_rule_and_every_rule_is_in_the_table()
    {
        var routes = Routes();
        Assert.True(routes.Count > 90, "The route table has " + routes.Count + " routes.");
        Assert.Empty(routes.Where(r => r.Rule is null && !r.Anonymous).Select(r => r.Method + " " + r.Pattern));
        Assert.Empty(routes.Where(r => r.Rule is not null && !AccessRules.Exists(r.Rule.Kind, r.Rule.Operation)).Select(r => r.Name));
        Assert.Empty(routes.Where(r => r.Rule is not null && r.Anonymous).Select(r => r.Name));
        Assert.Empty(routes.Where(r => r.Anonymous && r.Method != "GET" && !AnonymousWrites.Contains(r.Name)).Select(r => r.Method + " " + r.Pattern));
    }

    private sealed record Caller(string Label, HttpClient Client, ClaimsPrincipal Principal);

    private static ClaimsPrincipal Account(string role, params string[] districts) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Role, role), .. districts.Select(d => new Claim(RegistryClaims.DistrictScope, d))], "test", ClaimTypes.Name, ClaimTypes.Role));

    private static ClaimsPrincipal Key(string[] districts, string[] layers) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Role, ApiKeyScope.Role), new Claim(ApiKeyScope.KeyIdClaim, "1"),
         .. districts.Select(d => new Claim(ApiKeyScope.DistrictClaim, d)), .. layers.Select(l => new Claim(ApiKeyScope.LayerClaim, l))],
        ApiKeyAuthenticationHandler.SchemeName, ClaimTypes.Name, ClaimTypes.Role));

    [Fact]
    public async Task Every_write_and_staff_read_admits_exactly_whom_the_rule_table_admits()
    {
        // Records in both counties; the route parameters name Yongji's.
        await SharingTestData.SeedAsync(registry, perCounty: 3, inspected: 2, reports: 2);
        using var yongjiAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        using var yongjiPlanner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var at = await RenovationApi.InsideAsync(registry, Yongji);
        var renovation = await RenovationApi.CreateAsync(yongjiPlanner, RenovationApi.Body(Yongji, at, RenovationApi.IdNumber()));
        using (var target = await yongjiAdmin.PostAsJsonAsync("/api/v1/plan-targets", PlanTarget(Yongji), ApiJson.Options))
        {
            Assert.Equal(HttpStatusCode.Created, target.StatusCode);
        }

        await registry.ScalarAsync<int>("""
            INSERT INTO road_segments (name, road_class, geometry, sidewalk_width_m, curb_ramp_start, curb_ramp_end, tactile_paving,
                                       attributes, status, district_code, source, created_at, updated_at)
            VALUES ('舜都大道', 'main', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.446, 34.866), ST_MakePoint(110.449, 34.866)), 4490),
                    2.5, true, true, 'continuous', '{}', 'operational', '140881', 'test', now(), now()) RETURNING 1
            """);
        var (keyId, _) = await SharingTestData.CreateKeyAsync(yongjiAdmin, [Yongji], ["facilities"]);
        var (_, allLayers) = await SharingTestData.CreateKeyAsync(yongjiAdmin, [Yongji], [.. SharedLayers.All]);
        var (_, noLayer) = await SharingTestData.CreateKeyAsync(yongjiAdmin, [Yongji], [SharedLayers.Coverage]);

        async Task<long> IdAsync(string sql) => await registry.ScalarAsync<long>(sql);
        var ids = new Dictionary<string, long>
        {
            [ResourceKinds.Facility] = await IdAsync("SELECT min(id) FROM facilities WHERE district_code = '140881'"),
            [ResourceKinds.Road] = await IdAsync("SELECT min(id) FROM road_segments WHERE district_code = '140881'"),
            [ResourceKinds.Defect] = await IdAsync("SELECT min(id) FROM defects WHERE district_code = '140881'"),
            [ResourceKinds.Report] = await IdAsync("SELECT min(id) FROM reports WHERE district_code = '140881' AND status = 'new'"),
            [ResourceKinds.PlanTarget] = await IdAsync("SELECT max(id) FROM plan_targets WHERE district_code = '140881'"),
            [ResourceKinds.RenovationCase] = renovation.Id,
            [ResourceKinds.User] = await IdAsync("SELECT min(id) FROM users WHERE role = 'planner' AND '140881' = ANY(district_scopes)"),
            [ResourceKinds.ApiKey] = keyId,
            [ResourceKinds.Account] = 999_999, // someone's token id would revoke a caller's own token
            [ResourceKinds.ConstructionProject] = await IdAsync("""
                INSERT INTO construction_projects (name, builder, project_type, works, district_code, geometry)
                VALUES ('矩阵测试项目', '测试建设单位', 'building', 'new', '140881', ST_SetSRID(ST_MakePoint(110.447, 34.867), 4490)) RETURNING id
                """),
        };

        var callers = new List<Caller> { new("anonymous", registry.CreateClient(), new ClaimsPrincipal(new ClaimsIdentity())) };
        foreach (var district in new[] { Yongji, Yanshi })
        {
            foreach (var role in new[] { Roles.Inspector, Roles.Planner, Roles.DistrictAdmin })
            {
                callers.Add(new(role + "@" + district, await registry.CreateUserClientAsync(role, district), Account(role, district)));
            }

            callers.Add(new(Roles.ManagingUnit + "@" + district, await registry.CreateManagingUnitClientAsync("永济市住房和城乡建设局", district), Account(Roles.ManagingUnit, district)));
        }

        // A grid worker of Yongji whose grid holds none of the records: on a record it is refused like a caller of another district.
        await registry.ScalarAsync<int>(
            """
            INSERT INTO community_grids (code, name, township_code, county_code, boundary, source)
            VALUES ('140881001001', '矩阵网格', '140881001', '140881', ST_Multi(ST_MakeEnvelope(110.46, 34.88, 110.47, 34.89, 4490)), 'test') RETURNING 1
            """);
        callers.Add(new(Roles.GridWorker + "@" + Yongji, await registry.CreateGridWorkerClientAsync("140881001001"), new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Role, Roles.GridWorker), new Claim(RegistryClaims.DistrictScope, Yongji), new Claim(RegistryClaims.Grid, "140881001001")],
            "test", ClaimTypes.Name, ClaimTypes.Role))));
        callers.Add(new("system-admin", await registry.CreateUserClientAsync(Roles.SystemAdmin), Account(Roles.SystemAdmin)));
        callers.Add(new("key(all layers)", SharingTestData.KeyClient(registry, allLayers), Key([Yongji], [.. SharedLayers.All])));
        callers.Add(new("key(coverage only)", SharingTestData.KeyClient(registry, noLayer), Key([Yongji], [SharedLayers.Coverage])));

        var checkedRoutes = 0;
        var failures = new List<string>();
        // Deletions last, so that a deleted record does not answer 410 to the routes after it.
        foreach (var route in Routes().Where(r => r.Rule is not null).OrderBy(r => r.Method == "DELETE").ThenBy(r => r.Pattern, StringComparer.Ordinal))
        {
            var rule = route.Rule!;
            var row = AccessRules.Table[(rule.Kind, rule.Operation)];
            if (route.Method == "GET" && row.Public)
            {
                continue; // public reads: the crawl tests (Sharing, Renovations) cover what they show
            }

            checkedRoutes++;
            var path = Path(route, ids);
            // The district the rule is decided in: the record's (Yongji's) where the route names one, else only the role counts.
            var district = NamesRecord(route, ids) || Body(route.Name) is not null ? Yongji : null;
            var resource = new RegistryResource(rule.Kind, district);
            // Refused callers first, so that an admitted one's change (a transition, a revocation) cannot mask a refusal.
            foreach (var caller in callers.OrderBy(c => AccessRules.Allows(c.Principal, rule.Operation, resource)))
            {
                var expected = AccessRules.Decide(caller.Principal, rule.Operation, resource);
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), new Uri(path, UriKind.Relative));
                if (route.Method != "GET" && route.Method != "DELETE")
                {
                    request.Content = new StringContent((Body(route.Name) ?? new JsonObject()).ToJsonString(ApiJson.Options), Encoding.UTF8, "application/json");
                }

                using var response = await caller.Client.SendAsync(request);
                var status = (int)response.StatusCode;
                // Households, accounts and keys outside the caller's districts are not found rather than forbidden: no existence leaks.
                var body = await response.Content.ReadAsStringAsync();
                var refused = (status is 401 or 403 || (status == 404 && Hidden.Contains(rule.Kind)))
                    // Reopening needs the reporter key given at filing, whoever asks: the table admits, the key refuses.
                    && !(route.Name == "ReopenReport" && body.Contains("Wrong reporter key", StringComparison.Ordinal));
                var line = $"{route.Method} {path} ({rule.Kind} × {rule.Operation}) as {caller.Label}: {status}, table says {expected}";
                output.WriteLine(line);
                if (expected == AccessDecision.Allowed ? refused : !refused)
                {
                    failures.Add(line + " — " + Clip(body));
                }
                else if (expected == AccessDecision.SignInRequired && status != 401)
                {
                    failures.Add(line + " (expected 401)");
                }
            }
        }

        Assert.True(checkedRoutes > 50, checkedRoutes + " routes checked.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        foreach (var caller in callers)
        {
            caller.Client.Dispose();
        }
    }

    private static bool NamesRecord(Route route, Dictionary<string, long> ids) =>
        (route.Pattern.Contains("{id:long}", StringComparison.Ordinal) && ids.ContainsKey(route.Rule!.Kind) && route.Rule.Kind != ResourceKinds.Account)
        || route.Pattern.Contains("{code}", StringComparison.Ordinal) || route.Pattern.Contains("{district}", StringComparison.Ordinal)
        || route.Pattern.Contains("{districtCode}", StringComparison.Ordinal);

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300];

    /// <summary>The route with its parameters filled in: a record of Yongji, or Yongji's code.</summary>
    private static string Path(Route route, Dictionary<string, long> ids)
    {
        var path = "/" + route.Pattern.TrimStart('/');
        var id = ids.GetValueOrDefault(route.Rule!.Kind, 999_999).ToString(CultureInfo.InvariantCulture);
        return System.Text.RegularExpressions.Regex.Replace(path, @"\{(?<name>[^}:]+)(:[^}]+)?\}", m => m.Groups["name"].Value switch
        {
            "id" when m.Value.Contains(":guid", StringComparison.Ordinal) => Guid.Empty.ToString(),
            "id" => id,
            "code" or "district" or "districtCode" => Yongji,
            "year" => "2026",
            "format" => "json",
            "layer" => "facilities",
            "plannedId" => "999999",
            "documentId" => Guid.Empty.ToString(),
            _ => m.Groups["name"].Value,
        });
    }

    /// <summary>Bodies that place a new record in Yongji, for the creates whose district comes from the body.</summary>
    private static JsonNode? Body(string routeName) => routeName switch
    {
        "CreateFacility" => CurbRamp(Facilities.FacilityApi.Yongji),
        "CreateRoad" => new JsonObject
        {
            ["name"] = "测试路",
            ["roadClass"] = "branch",
            ["status"] = "operational",
            ["geometry"] = Line((110.446, 34.867), (110.447, 34.868)),
        },
        "RegisterProject" => Projects.ProjectApi.Body("矩阵测试项目"),
        "CreatePlanTarget" => System.Text.Json.JsonSerializer.SerializeToNode(PlanTarget(Yongji), ApiJson.Options),
        "CreateUser" => new JsonObject { ["userName"] = "matrix-" + Guid.NewGuid().ToString("N")[..8], ["password"] = "correct horse battery staple", ["role"] = Roles.Inspector, ["districtScopes"] = new JsonArray(Yongji) },
        "CreateApiKey" => new JsonObject { ["department"] = "测试", ["purpose"] = "矩阵", ["districtCodes"] = new JsonArray(Yongji), ["layers"] = new JsonArray("facilities") },
        _ => null,
    };

    private static PlanTargetRequest PlanTarget(string district) => new(
        district, "matrix_check", "矩阵测试指标", PlanTargetKind.Count, 10, ">=", "户", 2021, 2025, true, "测试规划", "专栏1", null, null);
}
