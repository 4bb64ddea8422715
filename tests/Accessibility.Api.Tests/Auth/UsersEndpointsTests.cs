using System.Net;
using System.Net.Http.Json;
using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Tests.Auth;

[Collection(RegistryCollection.Name)]
public sealed class UsersEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly Uri Users = new("/api/v1/users", UriKind.Relative);

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static CreateUserRequest NewUser(string name, string role, params string[] districts) =>
        new(name, AuthTestData.Password, role, districts, null);

    [Fact]
    public async Task A_system_admin_creates_any_account_and_the_password_is_not_stored_or_audited()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);

        using var response = await admin.PostAsJsonAsync(Users, new CreateUserRequest("Wang", "a secret password", Roles.Planner, ["410307"], "王芳"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await response.Content.ReadFromJsonAsync<UserSummary>();
        Assert.Equal("wang", user?.UserName);
        Assert.Equal("王芳", user?.DisplayName);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'user' AND action = 'create'"));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE after::text LIKE '%secret%'"));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM users WHERE password_hash LIKE '%secret%'"));
    }

    [Fact]
    public async Task A_district_admin_creates_accounts_only_inside_its_scope_and_never_system_admins()
    {
        using var yongji = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");

        Assert.Equal(HttpStatusCode.Created, (await yongji.PostAsJsonAsync(Users, NewUser("li", Roles.Inspector, "140881"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await yongji.PostAsJsonAsync(Users, NewUser("zhao", Roles.Inspector, "410307"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await yongji.PostAsJsonAsync(Users, NewUser("qian", Roles.Inspector, "140881", "410307"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await yongji.PostAsJsonAsync(Users, NewUser("sun", Roles.DistrictAdmin, "140800"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await yongji.PostAsJsonAsync(Users, NewUser("root", Roles.SystemAdmin))).StatusCode);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM users WHERE user_name IN ('zhao', 'qian', 'sun', 'root')"));
    }

    [Fact]
    public async Task Inspectors_cannot_administer_users()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");

        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.GetAsync(Users)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.PostAsJsonAsync(Users, NewUser("li", Roles.Inspector, "140881"))).StatusCode);
        using var anonymous = registry.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Users)).StatusCode);
    }

    [Fact]
    public async Task A_district_admin_lists_and_edits_only_accounts_inside_its_scope()
    {
        var inside = await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        var outside = await AuthTestData.CreateUserAsync(registry, "zhao", Roles.Inspector, "410307");
        var root = await AuthTestData.CreateUserAsync(registry, "root", Roles.SystemAdmin);
        using var yongji = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");

        var listed = await yongji.GetFromJsonAsync<List<UserSummary>>(Users);
        Assert.Contains(listed!, u => u.UserName == "li");
        Assert.DoesNotContain(listed!, u => u.UserName == "zhao" || u.UserName == "root");

        var disable = new UpdateUserRequest(Roles.Inspector, ["140881"], true, "李明");
        using var updated = await yongji.PutAsJsonAsync(new Uri($"/api/v1/users/{inside.Id}", UriKind.Relative), disable);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.True((await updated.Content.ReadFromJsonAsync<UserSummary>())!.Disabled);
        Assert.Equal(HttpStatusCode.NotFound, (await yongji.PutAsJsonAsync(new Uri($"/api/v1/users/{outside.Id}", UriKind.Relative), disable)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await yongji.PutAsJsonAsync(new Uri($"/api/v1/users/{root.Id}", UriKind.Relative), disable)).StatusCode);

        var widen = new UpdateUserRequest(Roles.Inspector, ["140881", "410307"], false, null);
        Assert.Equal(HttpStatusCode.Forbidden, (await yongji.PutAsJsonAsync(new Uri($"/api/v1/users/{inside.Id}", UriKind.Relative), widen)).StatusCode);
        var promote = new UpdateUserRequest(Roles.SystemAdmin, [], false, null);
        Assert.Equal(HttpStatusCode.Forbidden, (await yongji.PutAsJsonAsync(new Uri($"/api/v1/users/{inside.Id}", UriKind.Relative), promote)).StatusCode);
        Assert.Equal(Roles.Inspector, await registry.ScalarAsync<string>("SELECT role FROM users WHERE id = $1", inside.Id));
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'update' AND entity_id = $1", inside.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Unknown_districts_and_roles_are_validation_problems()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);

        using var response = await admin.PostAsJsonAsync(Users, NewUser("li", "mayor", "999999"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"role\"", body, StringComparison.Ordinal);
        Assert.Contains("\"districtScopes\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_managing_unit_account_names_its_unit_and_only_that_role_does()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");

        using var missing = await admin.PostAsJsonAsync(Users, NewUser("unit-a", Roles.ManagingUnit, "140881"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("\"managingUnit\"", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var stray = await admin.PostAsJsonAsync(Users, NewUser("insp-a", Roles.Inspector, "140881") with { ManagingUnit = "永济市市政公司" });
        Assert.Equal(HttpStatusCode.BadRequest, stray.StatusCode);
        Assert.Contains("\"managingUnit\"", await stray.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var created = await admin.PostAsJsonAsync(Users, NewUser("unit-b", Roles.ManagingUnit, "140881") with { ManagingUnit = " 永济市市政公司 " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var summary = await created.Content.ReadFromJsonAsync<UserSummary>();
        Assert.Equal("永济市市政公司", summary!.ManagingUnit);
        Assert.Equal(Roles.ManagingUnit, summary.Role);
    }

    [Fact]
    public async Task An_admin_cannot_disable_itself()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var me = await admin.GetFromJsonAsync<CurrentUser>(new Uri("/api/v1/auth/me", UriKind.Relative));

        using var response = await admin.PutAsJsonAsync(new Uri($"/api/v1/users/{me!.Id}", UriKind.Relative), new UpdateUserRequest(Roles.SystemAdmin, [], true, null));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }
}
