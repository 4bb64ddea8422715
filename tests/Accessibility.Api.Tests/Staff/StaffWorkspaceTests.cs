using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Accessibility.Api.Tests.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Staff;

/// <summary>
/// The staff workspace's shell: every page declares its rule and admits exactly whom the rule table admits, signing in
/// through the page is the API's sign-in (throttle, audit, session, antiforgery), and every string a page uses is in the
/// catalogue in both languages.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed partial class StaffWorkspaceTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed record Page(string Route, AccessRule? Rule, bool Anonymous);

    private IReadOnlyList<Page> Pages() =>
        [.. registry.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => new Page("/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<AccessRule>(), e.Metadata.GetMetadata<IAllowAnonymous>() is not null))];

    [Fact]
    public void Every_page_is_under_staff_and_declares_its_rule()
    {
        var pages = Pages();
        Assert.Contains(pages, p => p.Route == "/staff/sign-in");
        Assert.Empty(pages.Where(p => !p.Route.StartsWith("/staff", StringComparison.Ordinal)).Select(p => p.Route));
        Assert.Empty(pages.Where(p => p.Rule is null && !p.Anonymous).Select(p => p.Route));
        Assert.Empty(pages.Where(p => p.Rule is not null && !AccessRules.Exists(p.Rule.Kind, p.Rule.Operation)).Select(p => p.Route));
    }

    private static ClaimsPrincipal Account(string role, string? unit, params string[] districts) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Role, role), .. districts.Select(d => new Claim(RegistryClaims.DistrictScope, d)),
         .. unit is null ? Array.Empty<Claim>() : [new Claim(RegistryClaims.ManagingUnit, unit)]], "test", ClaimTypes.Name, ClaimTypes.Role));

    [Fact]
    public async Task Every_page_without_parameters_admits_exactly_whom_the_rule_table_admits_and_sends_the_others_on()
    {
        var callers = new List<(string Label, string Name, ClaimsPrincipal Principal)>();
        foreach (var role in new[] { Roles.Inspector, Roles.Planner, Roles.DistrictAdmin })
        {
            await AuthTestData.CreateUserAsync(registry, role + "-pages", role, "140881");
            callers.Add((role, role + "-pages", Account(role, null, "140881")));
        }

        await AuthTestData.CreateUserAsync(registry, "system-pages", Roles.SystemAdmin);
        callers.Add(("system-admin", "system-pages", Account(Roles.SystemAdmin, null)));
        await CreateUnitAccountAsync("unit-pages", "永济市住房和城乡建设局");
        callers.Add(("managing-unit", "unit-pages", Account(Roles.ManagingUnit, "永济市住房和城乡建设局", "140881")));

        var pages = Pages().Where(p => p.Rule is not null && !p.Route.Contains('{', StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(pages);
        var failures = new List<string>();
        using (var anonymous = new StaffBrowser(registry))
        {
            foreach (var page in pages)
            {
                using var response = await anonymous.GetAsync(page.Route);
                if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.AbsolutePath != "/staff/sign-in")
                {
                    failures.Add($"anonymous GET {page.Route}: {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        foreach (var (label, name, principal) in callers)
        {
            using var browser = new StaffBrowser(registry);
            Assert.True(await browser.SignInAsync(name, AuthTestData.Password), label + " signs in");
            foreach (var page in pages)
            {
                var admitted = AccessRules.Allows(principal, page.Rule!.Operation, new RegistryResource(page.Rule.Kind, null));
                using var response = await browser.GetAsync(page.Route);
                var refusedAsExpected = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.AbsolutePath == "/staff/forbidden";
                if (admitted ? response.StatusCode != HttpStatusCode.OK : !refusedAsExpected)
                {
                    failures.Add($"{label} GET {page.Route} ({page.Rule.Kind} × {page.Rule.Operation}, {(admitted ? "admitted" : "refused")}): {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        Assert.Empty(failures);
        using var forbidden = new StaffBrowser(registry);
        using var answer = await forbidden.GetAsync("/staff/forbidden");
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Contains("无权访问", forbidden.LastHtml, StringComparison.Ordinal);
    }

    private async Task CreateUnitAccountAsync(string name, string unit)
    {
        await using var scope = registry.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var (user, errors) = await accounts.CreateAsync(name, AuthTestData.Password, Roles.ManagingUnit, ["140881"], null, CancellationToken.None, unit);
        Assert.True(user is not null, string.Join("; ", errors.SelectMany(e => e.Value)));
    }

    [Fact]
    public async Task Signing_in_through_the_page_is_the_APIs_sign_in_session_audit_antiforgery_and_throttle()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var browser = new StaffBrowser(registry);
        await browser.GetAsync("/staff/sign-in");

        // A forged form (no antiforgery token) is refused before any password is checked.
        using var forged = await browser.PostFormAsync("/staff/sign-in", [new("Input.UserName", "li"), new("Input.Password", AuthTestData.Password)], withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        await browser.GetAsync("/staff/sign-in");
        using var wrong = await browser.PostFormAsync("/staff/sign-in", [new("Input.UserName", "li"), new("Input.Password", "not the password")]);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("href=\"#Input_UserName\"", browser.LastHtml, StringComparison.Ordinal);
        Assert.Contains("用户名或密码不正确", browser.LastHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("not the password", browser.LastHtml, StringComparison.Ordinal);

        using var empty = await browser.PostFormAsync("/staff/sign-in", [new("Input.UserName", ""), new("Input.Password", "")]);
        Assert.Contains("href=\"#Input_UserName\"", browser.LastHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"#Input_Password\"", browser.LastHtml, StringComparison.Ordinal);

        using var right = await browser.PostFormAsync("/staff/sign-in?ReturnUrl=%2Fstaff%2F", [new("Input.UserName", "LI"), new("Input.Password", AuthTestData.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/staff/", right.Headers.Location?.OriginalString);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'login' AND actor = 'li'"));
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.user_name = 'li'"));

        // Only workspace paths: a return address elsewhere goes to the start page.
        using var outside = new StaffBrowser(registry);
        await outside.GetAsync("/staff/sign-in");
        using var away = await outside.PostFormAsync("/staff/sign-in?ReturnUrl=https%3A%2F%2Fevil.example%2F", [new("Input.UserName", "li"), new("Input.Password", AuthTestData.Password)]);
        Assert.Equal("/staff/", away.Headers.Location?.OriginalString);

        // Signing out ends this browser's session on the server (the other browser's stays).
        const string Sessions = "SELECT count(*) FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.user_name = 'li'";
        Assert.Equal(2L, await registry.ScalarAsync<long>(Sessions));
        await browser.GetAsync("/staff/");
        using var signOut = await browser.PostFormAsync("/staff/sign-out", []);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(1L, await registry.ScalarAsync<long>(Sessions));
        using var after = await browser.GetAsync("/staff/");
        Assert.Equal("/staff/sign-in", after.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task A_form_with_a_NUL_is_a_400_not_an_error_and_nothing_is_looked_up()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var browser = new StaffBrowser(registry);
        await browser.GetAsync("/staff/sign-in");
        using var response = await browser.PostFormAsync("/staff/sign-in", [new("Input.UserName", "li\u0000"), new("Input.Password", AuthTestData.Password)]);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, browser.LastHtml);
        Assert.Contains("\"form\"", browser.LastHtml, StringComparison.Ordinal);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM user_sessions"));
    }

    [Fact]
    public async Task Repeated_failures_on_the_page_are_throttled_like_the_APIs()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var browser = new StaffBrowser(registry);
        HttpResponseMessage? last = null;
        for (var i = 0; i < 30 && last?.StatusCode != HttpStatusCode.TooManyRequests; i++)
        {
            last?.Dispose();
            await browser.GetAsync("/staff/sign-in");
            last = await browser.PostFormAsync("/staff/sign-in", [new("Input.UserName", "li"), new("Input.Password", "guess " + i)]);
        }

        using (last)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
            Assert.True(last.Headers.RetryAfter is not null);
            Assert.Contains("登录失败次数过多", browser.LastHtml, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_language_switch_gives_the_workspace_in_English_and_back()
    {
        using var browser = new StaffBrowser(registry);
        await browser.GetAsync("/staff/sign-in");
        Assert.Contains("<html lang=\"zh-CN\">", browser.LastHtml, StringComparison.Ordinal);
        using var toEnglish = await browser.PostFormAsync("/staff/language", [new("lang", "en"), new("returnUrl", "/staff/sign-in")]);
        Assert.Equal("/staff/sign-in", toEnglish.Headers.Location?.OriginalString);
        await browser.GetAsync("/staff/sign-in");
        Assert.Contains("<html lang=\"en\">", browser.LastHtml, StringComparison.Ordinal);
        Assert.Contains("Sign in to the workspace", browser.LastHtml, StringComparison.Ordinal);
        // The public API is not localized by the cookie: its problem details stay as documented.
        using var api = await browser.GetAsync("/api/v1/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public void Every_string_a_page_uses_is_in_the_catalogue_in_Chinese_and_English()
    {
        var catalog = registry.Services.GetRequiredService<StringCatalog>();
        var features = Path.Combine(RepoPaths.Root, "src", "Accessibility.Api", "Features");
        var missing = new List<string>();
        foreach (var file in Directory.EnumerateFiles(features, "*.cshtml", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(features, "*.cshtml.cs", SearchOption.AllDirectories)))
        {
            foreach (Match m in UsedKey().Matches(File.ReadAllText(file)))
            {
                var key = m.Groups["key"].Value;
                if (!catalog.Contains(key))
                {
                    missing.Add(Path.GetRelativePath(features, file) + ": " + key);
                }
            }
        }

        Assert.Empty(missing);
        // Keys made at run time: every role's name and every area's.
        var runtimeKeys = Roles.All.Select(r => "staff.role." + r).Concat(StaffNavigation.Areas.SelectMany(a => new[] { a.NameKey, a.DescriptionKey }));
        Assert.Equal([], runtimeKeys.Where(k => !catalog.Contains(k)).ToList());
    }

    // T["key"] and T["key", …] in views, text["key"] in page models.
    [GeneratedRegex(@"\b(?:T|text|Text|localizer)\[""(?<key>[A-Za-z0-9_.:-]+)""\s*[\],]")]
    private static partial Regex UsedKey();
}
