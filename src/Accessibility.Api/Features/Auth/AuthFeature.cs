using Accessibility.Api.Data;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>Authentication (cookie for the page, bearer tokens for API clients, departments' read-only API keys) and the authorization handler of the rule table.</summary>
public static class AuthFeature
{
    private const string Combined = "Registry";

    /// <summary>Registers the schemes, the authorization handler and account services.</summary>
    public static IServiceCollection AddRegistryAuthentication(this IServiceCollection services)
    {
        services.AddScoped<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddScoped<UserAccounts>();
        services.AddScoped<UserSessions>();
        services.AddScoped<SignInThrottling>();
        services.AddScoped<SignIn>();
        services.AddAuthentication(Combined)
            .AddPolicyScheme(Combined, "API key, token or cookie", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.IsApiKeyRequest(context) ? ApiKeyAuthenticationHandler.SchemeName
                : IsBearerRequest(context) ? TokenAuthenticationHandler.SchemeName
                : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "acr_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                // An API never redirects to a login page: it answers 401/403. The staff workspace's pages go to its sign-in
                // page (and back afterwards) and to its "not allowed" page.
                o.LoginPath = StaffWorkspace.SignInPath;
                o.AccessDeniedPath = StaffWorkspace.ForbiddenPath;
                o.Events.OnRedirectToLogin = c => StaffOrStatus(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => StaffOrStatus(c, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = RefreshSessionAsync;
            });
        // One rule table decides every access (docs/authorization.md): routes declare their rule, records are checked by it.
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationHandler, RegistryAuthorizationHandler>();
        services.AddDataProtection().SetApplicationName("accessibility-registry").PersistKeysToDbContext<RegistryDbContext>();
        services.AddAntiforgery(o => o.HeaderName = CsrfProtection.HeaderName);
        return services;
    }

    private static Task StaffOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (StaffWorkspace.IsStaffRequest(context.HttpContext))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }

    /// <summary>True when the request authenticates with <c>Authorization: Bearer …</c> rather than the session cookie.</summary>
    public static bool IsBearerRequest(HttpContext context) =>
        context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Checks on every request that the cookie's session is still live and re-reads its account, as the token handler
    /// does: signing out, a password change, a change of role or districts and disabling the account end the session
    /// at once rather than when the cookie expires, also for copies of the cookie.
    /// </summary>
    private static async Task RefreshSessionAsync(CookieValidatePrincipalContext context)
    {
        var current = context.Principal;
        var id = current is null ? null : UserPrincipal.UserId(current);
        var session = current is null ? null : UserSessions.SessionId(current);
        var sessions = context.HttpContext.RequestServices.GetRequiredService<UserSessions>();
        var user = id is null || session is null ? null : await sessions.FindAccountAsync(id.Value, session.Value, context.HttpContext.RequestAborted);
        // Role and district changes end the account's sessions where they are made; comparing here too keeps a change
        // made any other way (the database, a future code path) from leaving an old session with new rights.
        if (user is null || user.Disabled || !current!.IsInRole(user.Role)
            || !current.FindAll(RegistryClaims.DistrictScope).Select(c => c.Value).SequenceEqual(user.DistrictScopes, StringComparer.Ordinal)
            || UserPrincipal.ManagingUnit(current) != user.ManagingUnit)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>Adds authentication, authorization and antiforgery to the pipeline.</summary>
    public static WebApplication UseRegistryAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        // A department's API key reads only (and only what it was given): settled before anything else looks at the request.
        app.UseApiKeyAccess();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseCsrfProtection();
        return app;
    }
}
