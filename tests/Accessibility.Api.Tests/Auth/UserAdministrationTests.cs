using System.Net;
using System.Net.Http.Json;
using Accessibility.Api.Features.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Auth;

/// <summary>User administration through the use cases the pages share: resetting a password, an incomplete new account.</summary>
[Collection(RegistryCollection.Name)]
public sealed class UserAdministrationTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> CreateAsync(HttpClient admin, string name, string district)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, AuthTestData.Password, Roles.Planner, [district], null));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UserSummary>())!.Id;
    }

    private async Task<SignInResultKind> SignInAsync(string name, string password)
    {
        await using var scope = registry.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserAccounts>().CheckPasswordAsync(name, password, CancellationToken.None)).Result;
    }

    [Fact]
    public async Task The_new_password_signs_in_the_old_one_no_longer_and_the_log_says_who_but_never_the_password()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var id = await CreateAsync(admin, "forgetful", "140881");

        var response = await admin.PostAsJsonAsync($"/api/v1/users/{id}/password", new ResetPasswordRequest("a brand new password"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SignInResultKind.Succeeded, await SignInAsync("forgetful", "a brand new password"));
        Assert.NotEqual(SignInResultKind.Succeeded, await SignInAsync("forgetful", AuthTestData.Password));
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'user' AND action = 'password-reset' AND actor LIKE 'district-admin-%'"));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE before::text LIKE '%brand new%' OR after::text LIKE '%brand new%'"));
        // The district's administrator finds the reset in the account's trail.
        var trail = await admin.GetStringAsync($"/api/v1/audit/user/{id}");
        Assert.Contains("password-reset", trail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_password_is_a_400_naming_the_field_and_others_accounts_are_not_found()
    {
        using var yongji = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        using var yanshi = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        var id = await CreateAsync(yongji, "someone", "140881");

        var shortOne = await yongji.PostAsJsonAsync($"/api/v1/users/{id}/password", new ResetPasswordRequest("short"));
        Assert.Equal(HttpStatusCode.BadRequest, shortOne.StatusCode);
        Assert.Contains("newPassword", await shortOne.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await yanshi.PostAsJsonAsync($"/api/v1/users/{id}/password", new ResetPasswordRequest("a brand new password"))).StatusCode);
        Assert.Equal(SignInResultKind.Succeeded, await SignInAsync("someone", AuthTestData.Password));
    }

    [Fact]
    public async Task A_new_account_without_role_or_districts_is_told_what_is_missing_not_refused()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");

        var response = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest("x", "short", null, null, null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        foreach (var field in new[] { "userName", "password", "role" })
        {
            Assert.Contains("\"" + field + "\"", body, StringComparison.Ordinal);
        }

        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM users WHERE user_name = 'x'"));
        // Complete but outside the administrator's districts: refused, as before.
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync("/api/v1/users",
            new CreateUserRequest("zhao", AuthTestData.Password, Roles.Inspector, ["410307"], null))).StatusCode);
    }
}
