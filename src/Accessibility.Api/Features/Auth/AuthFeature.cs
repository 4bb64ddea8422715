using Accessibility.Api.Data;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure.Authorization;
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
                // An API never redirects to a login page: it answers 401/403.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
                o.Events.OnValidatePrincipal = RefreshSessionAsync;
            });
        // One rule table decides every access (docs/authorization.md): routes declare their rule, records are checked by it.
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationHandler, RegistryAuthorizationHandler>();
        services.AddDataProtection().SetApplicationName("accessibility-registry").PersistKeysToDbContext<RegistryDbContext>();
        services.AddAntiforgery(o => o.HeaderName = CsrfProtection.HeaderName);
        return services;
    }

    /// <summary>True when the request authenticates with <c>Authorization: Bearer …</c> rather than the session cookie.</summary>
    public static bool IsBearerRequest(HttpContext context) =>
        context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Re-reads the account behind a session cookie on every request, as the token handler does, so that
    /// disabling an account or changing its role or districts takes effect at once rather than when the cookie expires.
    /// </summary>
    private static async Task RefreshSessionAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal is null ? null : UserPrincipal.UserId(context.Principal);
        var db = context.HttpContext.RequestServices.GetRequiredService<RegistryDbContext>();
        var user = id is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, context.HttpContext.RequestAborted);
        if (user is null || user.Disabled)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        var current = context.Principal!;
        var scopes = current.FindAll(RegistryClaims.DistrictScope).Select(c => c.Value);
        if (!current.IsInRole(user.Role) || !scopes.SequenceEqual(user.DistrictScopes, StringComparer.Ordinal))
        {
            context.ReplacePrincipal(UserPrincipal.Create(user, CookieAuthenticationDefaults.AuthenticationScheme));
            context.ShouldRenew = true;
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
