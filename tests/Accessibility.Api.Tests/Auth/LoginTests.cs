using System.Net;
using System.Net.Http.Json;
using Accessibility.Api.Features.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Tests.Auth;

[Collection(RegistryCollection.Name)]
public sealed class LoginTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Login_sets_the_session_cookie_and_me_answers_with_name_role_and_scopes()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var client = registry.CreateCookieClient();

        using var response = await AuthTestData.PostLoginAsync(client, "LI", AuthTestData.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("acr_session=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        var me = await client.GetFromJsonAsync<CurrentUser>(new Uri("/api/v1/auth/me", UriKind.Relative));
        Assert.Equal("li", me?.UserName);
        Assert.Equal(Roles.Inspector, me?.Role);
        Assert.Equal(["140881"], me?.DistrictScopes);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'login' AND actor = 'li'"));
    }

    [Fact]
    public async Task Me_is_401_when_anonymous_and_after_logout()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var client = registry.CreateCookieClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).StatusCode);

        await AuthTestData.SignInAsync(client, "li");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync(new Uri("/api/v1/auth/logout", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_name_get_the_same_401_problem()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var client = registry.CreateCookieClient();

        using var wrong = await AuthTestData.PostLoginAsync(client, "li", "not the password");
        using var unknown = await AuthTestData.PostLoginAsync(client, "nobody", "not the password");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var a = await wrong.Content.ReadFromJsonAsync<ProblemDetails>();
        var b = await unknown.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(a?.Detail, b?.Detail);
        // A name longer than any account's (and the audit log's actor column) is just another wrong name.
        using var overlong = await AuthTestData.PostLoginAsync(client, new string('x', 300), "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, overlong.StatusCode);
        Assert.Equal(3L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'login-failed'"));
    }

    [Fact]
    public async Task A_name_with_a_nul_character_is_a_400_naming_the_user_name()
    {
        using var client = registry.CreateCookieClient();

        using var response = await AuthTestData.PostLoginAsync(client, "li\u0000", "not the password");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("userName", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_account_is_signed_out_at_once()
    {
        var user = await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var client = registry.CreateCookieClient();
        await AuthTestData.SignInAsync(client, "li");

        await registry.ScalarAsync<object>("UPDATE users SET disabled = true WHERE id = $1", user.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).StatusCode);
        using var again = await AuthTestData.PostLoginAsync(client, "li", AuthTestData.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }
}
