using System.Net;
using System.Net.Http.Json;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Auth;

/// <summary>
/// A session cookie copied off a machine (a shared PC, a proxy log) stops working once its session ends on the server:
/// at sign-out, after a password change, after a change of role or districts, when the account is disabled.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class SessionRevocationTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly Uri Me = new("/api/v1/auth/me", UriKind.Relative);

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Signs in with a browser-like client and returns it with a replaying client that sends a copy of its cookies.</summary>
    private async Task<(HttpClient Browser, HttpClient Copy)> SignInAndCopyAsync(string userName)
    {
        var cookies = new CookieContainer();
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }) { BaseAddress = registry.BaseAddress };
        var signedIn = await AuthTestData.SignInAsync(browser, userName);
        var copy = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = registry.BaseAddress };
        copy.DefaultRequestHeaders.Add("Cookie", cookies.GetCookieHeader(registry.BaseAddress));
        copy.DefaultRequestHeaders.Add("X-CSRF-TOKEN", signedIn.AntiforgeryToken);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync(Me)).StatusCode);
        return (browser, copy);
    }

    [Fact]
    public async Task A_copied_cookie_neither_reads_nor_writes_after_logout()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        var (browser, copy) = await SignInAndCopyAsync("li");
        using var _ = browser;
        using var __ = copy;
        // The copy works while the session lasts, writes included.
        Assert.Equal(HttpStatusCode.Created, (await copy.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync(new Uri("/api/v1/auth/logout", UriKind.Relative), null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync(Me)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji, "另一处坡道")))).StatusCode);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities"));
    }

    [Fact]
    public async Task A_password_change_ends_every_session_but_keeps_the_changing_browser_signed_in()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        var (browser, copy) = await SignInAndCopyAsync("li");
        using var _ = browser;
        using var __ = copy;
        using var elsewhere = registry.CreateCookieClient();
        await AuthTestData.SignInAsync(elsewhere, "li");

        using var wrong = await browser.PostAsJsonAsync(new Uri("/api/v1/auth/password", UriKind.Relative),
            new ChangePasswordRequest("not the password", "a new password, long enough"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("currentPassword", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync(Me)).StatusCode);

        using var changed = await browser.PostAsJsonAsync(new Uri("/api/v1/auth/password", UriKind.Relative),
            new ChangePasswordRequest(AuthTestData.Password, "a new password, long enough"));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync(Me)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync(Me)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Me)).StatusCode);
        using var old = registry.CreateCookieClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await AuthTestData.PostLoginAsync(old, "li", AuthTestData.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AuthTestData.PostLoginAsync(old, "li", "a new password, long enough")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_or_a_district_change_ends_the_session()
    {
        var li = await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var (browser, copy) = await SignInAndCopyAsync("li");
        using var _ = browser;
        using var __ = copy;

        // A new display name changes no rights: the session stays.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(new Uri($"/api/v1/users/{li.Id}", UriKind.Relative),
            new UpdateUserRequest(Roles.Inspector, ["140881"], false, "李工"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync(Me)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(new Uri($"/api/v1/users/{li.Id}", UriKind.Relative),
            new UpdateUserRequest(Roles.Planner, ["140881"], false, "李工"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync(Me)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(Me)).StatusCode);

        var (browser2, copy2) = await SignInAndCopyAsync("li");
        using var ___ = browser2;
        using var ____ = copy2;
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(new Uri($"/api/v1/users/{li.Id}", UriKind.Relative),
            new UpdateUserRequest(Roles.Planner, ["140881", "410307"], false, "李工"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy2.GetAsync(Me)).StatusCode);
    }

    [Fact]
    public async Task Disabling_ends_sessions_and_tokens_but_a_password_change_keeps_personal_tokens()
    {
        var li = await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var (browser, copy) = await SignInAndCopyAsync("li");
        using var _ = browser;
        using var __ = copy;
        using var created = await browser.PostAsJsonAsync(new Uri("/api/v1/auth/tokens", UriKind.Relative), new CreateTokenRequest("phone", null));
        var token = (await created.Content.ReadFromJsonAsync<CreatedToken>())!.Secret;
        using var phone = registry.CreateClient(token);

        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsJsonAsync(new Uri("/api/v1/auth/password", UriKind.Relative),
            new ChangePasswordRequest(AuthTestData.Password, "a new password, long enough"))).StatusCode);
        // A personal token is revoked on its own (DELETE /api/v1/auth/tokens/{id}), not by a password change.
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync(Me)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(new Uri($"/api/v1/users/{li.Id}", UriKind.Relative),
            new UpdateUserRequest(Roles.Inspector, ["140881"], true, null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(Me)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync(Me)).StatusCode);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM user_sessions WHERE user_id = $1", li.Id));
    }
}
