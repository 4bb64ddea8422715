using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Facilities;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Audit;

[Collection(RegistryCollection.Name)]
public sealed class AuditEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_write_leaves_an_entry_with_actor_before_and_after()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var created = await (await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji, "旧名")))).ReadObjectAsync();
        var id = (long)created["id"]!;
        var updated = await inspector.PutAsync("/api/v1/facilities/" + id, CurbRamp(Yongji, "新名"), (long)created["properties"]!["version"]!);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await inspector.DeleteAsync(Url("/api/v1/facilities/" + id))).StatusCode);

        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var response = await admin.GetAsync(Url("/api/v1/audit?entityType=facility&entityId=" + id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var log = await response.ReadObjectAsync();
        var entries = log["entries"]!.AsArray();
        Assert.Equal(["create", "update", "delete"], entries.Select(e => (string)e!["action"]!).ToArray());
        var update = entries[1]!;
        Assert.StartsWith("inspector-", (string?)update["actor"], StringComparison.Ordinal);
        Assert.NotNull(update["userId"]);
        Assert.Equal("127.0.0.1", (string?)update["remoteAddress"]);
        Assert.Equal("旧名", (string?)update["before"]!["properties"]!["name"]);
        Assert.Equal("新名", (string?)update["after"]!["properties"]!["name"]);
        Assert.Null(entries[0]!["before"]);
        Assert.Null(entries[2]!["after"]);
    }

    [Fact]
    public async Task The_log_is_for_administrators_within_their_districts()
    {
        using var yanshi = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        var id = (long)(await (await yanshi.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yanshi)))).ReadObjectAsync())["id"]!;
        var path = "/api/v1/audit?entityType=facility&entityId=" + id;

        using var anonymous = registry.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url(path))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await yanshi.GetAsync(Url(path))).StatusCode); // inspectors do not read the log
        using var yongjiAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        Assert.Equal(HttpStatusCode.Forbidden, (await yongjiAdmin.GetAsync(Url(path))).StatusCode);
        Assert.Equal(0, (int)(await (await yongjiAdmin.GetAsync(Url("/api/v1/audit"))).ReadObjectAsync())["numberMatched"]!);
        using var luoyangAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410300");
        Assert.Equal(1, (int)(await (await luoyangAdmin.GetAsync(Url(path))).ReadObjectAsync())["numberMatched"]!);
        using var systemAdmin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        Assert.Equal(1, (int)(await (await systemAdmin.GetAsync(Url("/api/v1/audit"))).ReadObjectAsync())["numberMatched"]!);
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_delete_entries()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        Assert.Equal(HttpStatusCode.Created, (await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)))).StatusCode);
        await Assert.ThrowsAsync<PostgresException>(() => registry.ScalarAsync<object>("UPDATE audit_entries SET actor = 'someone else'"));
        await Assert.ThrowsAsync<PostgresException>(() => registry.ScalarAsync<object>("DELETE FROM audit_entries"));
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));
    }

    [Fact]
    public async Task Every_route_is_named_in_the_OpenAPI_document()
    {
        using var anonymous = registry.CreateClient();
        var document = JsonNode.Parse(await anonymous.GetStringAsync(Url("/openapi/v1.json")))!;
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/api/v1/facilities", "/api/v1/facilities/{id}", "/api/v1/facility-kinds", "/api/v1/roads", "/api/v1/roads/{id}", "/api/v1/audit" })
        {
            Assert.True(paths.ContainsKey(path), path);
            foreach (var (_, operation) in paths[path]!.AsObject())
            {
                Assert.False(string.IsNullOrEmpty((string?)operation!["operationId"]), path);
                Assert.False(string.IsNullOrEmpty((string?)operation["summary"]), path);
            }
        }
    }
}
