using System.Net;
using System.Net.Http.Json;
using Accessibility.Api.Features.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Tests.Auth;

[Collection(RegistryCollection.Name)]
public sealed class CsrfTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly Uri Tokens = new("/api/v1/auth/tokens", UriKind.Relative);

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_cookie_authenticated_post_needs_the_antiforgery_header()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var client = registry.CreateCookieClient();
        var signedIn = await AuthTestData.SignInAsync(client, "li");
        client.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");

        using var without = await client.PostAsJsonAsync(Tokens, new CreateTokenRequest("phone", null));
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        var problem = await without.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Contains("X-CSRF-TOKEN", problem?.Detail, StringComparison.Ordinal);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, Tokens) { Content = JsonContent.Create(new CreateTokenRequest("phone", null)) };
        wrong.Headers.Add("X-CSRF-TOKEN", "forged");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(wrong)).StatusCode);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM api_tokens"));

        using var with = new HttpRequestMessage(HttpMethod.Post, Tokens) { Content = JsonContent.Create(new CreateTokenRequest("phone", null)) };
        with.Headers.Add("X-CSRF-TOKEN", signedIn.AntiforgeryToken);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(with)).StatusCode);
    }

    [Fact]
    public async Task A_token_fetched_after_sign_in_works_too()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var client = registry.CreateCookieClient();
        await AuthTestData.SignInAsync(client, "li");
        client.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", await AuthTestData.AntiforgeryTokenAsync(client));

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(Tokens, new CreateTokenRequest("phone", null))).StatusCode);
    }

    [Fact]
    public async Task Login_without_the_antiforgery_header_is_refused()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var client = registry.CreateCookieClient();

        using var response = await client.PostAsJsonAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new LoginRequest("li", AuthTestData.Password));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("acr_session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bearer_requests_need_no_antiforgery_header()
    {
        using var client = await registry.CreateUserClientAsync(Roles.Inspector, "140881");

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(Tokens, new CreateTokenRequest("phone", 30))).StatusCode);
    }

    [Fact]
    public async Task Open311_posts_with_the_session_cookie_need_the_antiforgery_header_too()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var staff = registry.CreateCookieClient();
        var signedIn = await AuthTestData.SignInAsync(staff, "li");
        staff.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        var form = Reports.ReportApi.Form(Facilities.FacilityApi.Yongji);

        // A page elsewhere making the signed-in browser post a report in the staff member's name.
        var (forged, body, _) = await Reports.ReportApi.PostFormAsync(staff, form);
        Assert.Equal(HttpStatusCode.BadRequest, forged);
        Assert.Contains("X-CSRF-TOKEN", body, StringComparison.Ordinal);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM reports"));

        staff.DefaultRequestHeaders.Add("X-CSRF-TOKEN", signedIn.AntiforgeryToken);
        Assert.Equal(HttpStatusCode.Created, (await Reports.ReportApi.PostFormAsync(staff, form)).Status);

        // Citizens post without any cookie, and need no token.
        using var citizen = Reports.ReportApi.CreateClientFromOwnAddress(registry);
        Assert.Equal(HttpStatusCode.Created, (await Reports.ReportApi.PostFormAsync(citizen, Reports.ReportApi.Form(Facilities.FacilityApi.YongjiEast, "elevator"))).Status);
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM reports"));
    }
}
