using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Patrols;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Auth;

/// <summary>
/// Grid-worker accounts (网格员) through <c>/api/v1/users</c>: they name at least one registered grid inside the administrator's
/// districts, other roles name none, and their districts are their grids' counties; changes are audited.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class GridWorkerAccountTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonObject Account(string role, JsonArray? grids, JsonArray? districts = null) => new()
    {
        ["userName"] = "gw-" + Guid.NewGuid().ToString("N")[..8],
        ["password"] = AuthTestData.Password,
        ["role"] = role,
        ["districtScopes"] = districts ?? [],
        ["gridCodes"] = grids,
    };

    [Fact]
    public async Task A_grid_worker_account_names_registered_grids_of_the_administrators_districts_and_gets_their_counties()
    {
        await PatrolApi.AddGridsAsync(registry);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var users = Url("/api/v1/users");

        async Task<(HttpStatusCode Status, JsonObject Body)> CreateAsync(HttpClient client, JsonObject body)
        {
            using var response = await client.PostAsync(users, Json(body));
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
        }

        // Refused with the field named: no grids, grids on another role, an unknown grid, districts other than the grids' counties.
        foreach (var (body, field) in new[]
        {
            (Account(Roles.GridWorker, null), "gridCodes"),
            (Account(Roles.GridWorker, []), "gridCodes"),
            (Account(Roles.Inspector, [PatrolApi.GridA], ["140881"]), "gridCodes"),
            (Account(Roles.GridWorker, ["140881001099"]), "gridCodes"),
            (Account(Roles.GridWorker, [PatrolApi.GridA], ["410307"]), "districtScopes"),
        })
        {
            var (status, problem) = await CreateAsync(admin, body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(problem["errors"]!.AsObject().ContainsKey(field), field + ": " + problem.ToJsonString());
        }

        // Another county's administrator may not give Yongji's grids.
        using var yanshiAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateAsync(yanshiAdmin, Account(Roles.GridWorker, [PatrolApi.GridA]))).Status);

        var (created, account) = await CreateAsync(admin, Account(Roles.GridWorker, [PatrolApi.GridB, PatrolApi.GridA]));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal([PatrolApi.GridA, PatrolApi.GridB], account["gridCodes"]!.AsArray().Select(g => (string)g!));
        Assert.Equal(["140881"], account["districtScopes"]!.AsArray().Select(g => (string)g!));
        var id = (long)account["id"]!;

        // Its grids change (one dropped); the change is in the audit log with before and after.
        var update = new JsonObject { ["role"] = Roles.GridWorker, ["gridCodes"] = new JsonArray(PatrolApi.GridC), ["disabled"] = false };
        using (var changed = await admin.PutAsync(Url("/api/v1/users/" + id), Json(update)))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.Equal([PatrolApi.GridC], (await changed.ReadObjectAsync())["gridCodes"]!.AsArray().Select(g => (string)g!));
        }

        Assert.Equal(1L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'user' AND action = 'update' AND before::jsonb->'gridCodes' ? '140881001001' AND after::jsonb->'gridCodes' ? '140881002001'"));

        // Becoming an inspector drops the grids and needs districts again.
        var inspector = new JsonObject { ["role"] = Roles.Inspector, ["districtScopes"] = new JsonArray("140881"), ["disabled"] = false };
        using var promoted = await admin.PutAsync(Url("/api/v1/users/" + id), Json(inspector));
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Empty((await promoted.ReadObjectAsync())["gridCodes"]!.AsArray());
    }
}
